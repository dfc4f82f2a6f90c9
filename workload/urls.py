"""Pages of workload: 我的工作台 (my desk), the landing page after login."""

from django.urls import path

from . import views

app_name = "workload"
urlpatterns = [
    path("", views.desk, name="desk"),
]
