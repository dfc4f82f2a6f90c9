"""Pages of a meeting's follow-up (added to ``meetings.urls``): replies, agenda, minutes, decisions,
positions; and the pages the ledger and matters link to."""

from django.urls import path

from . import views_followup as views

urlpatterns = [
    path("<int:pk>/respond/", views.respond, name="meeting_respond"),
    path("<int:pk>/agenda/", views.agenda_propose, name="agenda_propose"),
    path("<int:pk>/agenda/publish/", views.agenda_publish, name="agenda_publish"),
    path("<int:pk>/minutes/", views.minutes_save, name="minutes_save"),
    path("<int:pk>/minutes/issue/", views.minutes_issue, name="minutes_issue"),
    path("<int:pk>/decisions/", views.decision_record, name="decision_record"),
    path("<int:pk>/positions/", views.position_record, name="position_record"),
    path("<int:pk>/resolution/", views.resolution_record, name="resolution_record"),
    path("agenda-items/<int:pk>/", views.agenda_item, name="agenda_item"),
    path("agenda-items/<int:pk>/decide/", views.agenda_decide, name="agenda_decide"),
    path("agenda-items/<int:pk>/move/", views.agenda_move, name="agenda_move"),
    path("agenda-materials/<int:pk>/", views.material, name="agenda_material"),
    path("decisions/<int:pk>/", views.decision, name="decision"),
]
