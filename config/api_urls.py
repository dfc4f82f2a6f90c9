"""REST API v1 routes (API.md)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from accounts.api import DepartmentViewSet, LogoutView, MeView, TokenView, UserViewSet
from affairs.api import (
    ArrangementViewSet,
    MatterAttachmentViewSet,
    MatterViewSet,
    PlanItemViewSet,
    ReceptionViewSet,
    WorkPlanViewSet,
)
from documents.api import routes as document_routes
from meetings.api import MeetingViewSet, RoomViewSet
from meetings.api_followup import AgendaItemViewSet, AgendaMaterialViewSet, MeetingFollowupViewSet
from meetings.calendar_api import MeetingIcsView
from notifications.api import NotificationViewSet
from relations.api import CoordinationViewSet
from relations.bulletin_api import BulletinViewSet
from relations.feedback_api import FeedbackViewSet
from relations.schedule_api import LeaderScheduleViewSet
from workload.api import WorkItemUrgeView, WorkItemViewSet
from workload.dashboard_api import DashboardView, DepartmentDashboardView, ProcessDashboardView
from workload.search_api import SearchView

# Ids match DRF's default ``[^/.]+``, so that the schema types them from the model (integer);
# a non-numeric id still reaches the view, which answers 404 in the error format.
router = SimpleRouter()
router.register("users", UserViewSet, basename="user")
router.register("departments", DepartmentViewSet, basename="department")
router.register("work-items", WorkItemViewSet, basename="work-item")
router.register("notifications", NotificationViewSet, basename="notification")
router.register("matters", MatterViewSet, basename="matter")
router.register("matter-attachments", MatterAttachmentViewSet, basename="matter-attachment")
router.register("receptions", ReceptionViewSet, basename="reception")
router.register("arrangements", ArrangementViewSet, basename="arrangement")
router.register("work-plans", WorkPlanViewSet, basename="work-plan")
router.register("plan-items", PlanItemViewSet, basename="plan-item")
document_routes.register(router)
router.register("rooms", RoomViewSet, basename="room")
router.register("meetings", MeetingViewSet, basename="meeting")
# Replies, agenda, minutes, decisions and positions under /meetings/{id}/ (extra actions only).
router.register("meetings", MeetingFollowupViewSet, basename="meeting-followup")
router.register("agenda-items", AgendaItemViewSet, basename="agenda-item")
router.register("agenda-materials", AgendaMaterialViewSet, basename="agenda-material")
router.register("coordination", CoordinationViewSet, basename="coordination")
router.register("leader-schedule", LeaderScheduleViewSet, basename="leader-schedule")
router.register("feedback", FeedbackViewSet, basename="feedback")
router.register("bulletins", BulletinViewSet, basename="bulletin")

app_name = "api"
urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="auth-token"),
    path("auth/logout/", LogoutView.as_view(), name="auth-logout"),
    path("me/", MeView.as_view(), name="me"),
    path("search/", SearchView.as_view(), name="search"),
    path("dashboard/", DashboardView.as_view(), name="dashboard"),
    path("dashboard/processes/", ProcessDashboardView.as_view(), name="dashboard-processes"),
    path("dashboard/departments/<str:pk>/", DepartmentDashboardView.as_view(), name="dashboard-department"),
    path("work-items/<int:pk>/urge/", WorkItemUrgeView.as_view(), name="work-item-urge"),
    path("meetings/<int:pk>/ics", MeetingIcsView.as_view(), name="meeting-ics"),
    *document_routes.paths(),
    *router.urls,
]
