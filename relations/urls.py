"""Pages of relations (routed at /relations/)."""

from django.urls import include, path

from . import views_coordination

app_name = "relations"
urlpatterns = [
    path("coordination/", views_coordination.coordination_list, name="coordination_list"),
    path("coordination/new/", views_coordination.coordination_raise, name="coordination_raise"),
    path("coordination/<int:pk>/", views_coordination.coordination_detail, name="coordination_detail"),
    path("coordination/<int:pk>/respond/", views_coordination.coordination_respond, name="coordination_respond"),
    path("coordination/<int:pk>/arbitrate/", views_coordination.coordination_arbitrate, name="coordination_arbitrate"),
    path("coordination/<int:pk>/dispute/", views_coordination.coordination_dispute, name="coordination_dispute"),
    path("coordination/<int:pk>/escalate/", views_coordination.coordination_escalate, name="coordination_escalate"),
    path("coordination/<int:pk>/meeting/", views_coordination.coordination_meeting, name="coordination_meeting"),
    path("feedback/", include("relations.feedback_urls")),
]
