"""Pages of notifications: the notification centre and marking notifications read."""

from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_centre, name="list"),
    path("<int:pk>/open/", views.notification_open, name="open"),
    path("<int:pk>/read/", views.notification_read, name="read"),
    path("read-all/", views.notification_read_all, name="read_all"),
    path("preferences/", views.preferences, name="preferences"),
    path("robots/", views.robot_routes, name="robots"),
    path("robots/<int:pk>/remove/", views.robot_route_remove, name="robot_remove"),
]
