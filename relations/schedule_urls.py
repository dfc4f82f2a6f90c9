"""Pages of leaders' schedules (领导日程), under /leader-schedule/."""

from django.urls import path

from . import schedule_views

app_name = "schedules"
urlpatterns = [
    path("", schedule_views.leader_week, name="week"),
    path("new/", schedule_views.entry_create, name="entry_create"),
    path("<str:pk>/edit/", schedule_views.entry_edit, name="entry_edit"),
    path("<str:pk>/cancel/", schedule_views.entry_cancel, name="entry_cancel"),
]
