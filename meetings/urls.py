"""Pages of meetings (routed at /meetings/); the ledger links to ``meeting_detail``."""

from django.urls import path

from . import calendar_views, slot_views, urls_followup, views, week_views

app_name = "meetings"
urlpatterns = [
    path("", views.meeting_list, name="meeting_list"),
    path("new/", views.meeting_create, name="meeting_create"),
    path("check/", views.meeting_check, name="meeting_check"),
    path("rooms/", views.room_calendar, name="room_calendar"),
    path("free-slots/", slot_views.free_slots, name="free_slots"),
    path("week/", week_views.my_week, name="my_week"),
    path("<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("<int:pk>/cancel/", views.meeting_cancel, name="meeting_cancel"),
    path("<int:pk>/calendar.ics", calendar_views.meeting_ics, name="meeting_ics"),
    path("feed/<str:token>.ics", calendar_views.calendar_feed, name="calendar_feed"),
    path("feed/regenerate/", calendar_views.calendar_feed_regenerate, name="calendar_feed_regenerate"),
]
urlpatterns += urls_followup.urlpatterns  # replies, agenda, minutes, decisions, positions
