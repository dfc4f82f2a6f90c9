"""REST endpoints of the workload dashboards (API.md, dashboards): the organization's figures and one
department's. Thin: the figures and the viewer's scope come from ``workload.dashboards``."""

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, views
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import error_responses, object_id

from . import dashboards


class FiguresSerializer(serializers.Serializer):
    open = serializers.IntegerField(help_text="Open now.")
    overdue = serializers.IntegerField(help_text="Open now and past due.")
    done = serializers.IntegerField(help_text="Done within the period.")
    late = serializers.IntegerField(help_text="Done within the period after the due time.")
    on_time_rate = serializers.FloatField(
        allow_null=True, help_text="Of the period's done items with a due time, the share done by it (0–1)."
    )
    median_turnaround_hours = serializers.FloatField(
        allow_null=True, help_text="Median hours from assignment to done, over the period's done items."
    )
    escalated = serializers.IntegerField(help_text="Open now or done in the period, escalated to the head or office.")
    passes = serializers.IntegerField(help_text="Pass-backs in the period (see `buck_passing`).")


class DepartmentFiguresSerializer(FiguresSerializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class PersonFiguresSerializer(FiguresSerializer):
    id = serializers.IntegerField()
    name = serializers.CharField(allow_null=True)
    department = serializers.IntegerField(help_text="The department the items were assigned in.")
    department_name = serializers.CharField()


class KindFiguresSerializer(FiguresSerializer):
    kind = serializers.CharField()
    label = serializers.CharField()


class BuckPassingSerializer(serializers.Serializer):
    department = serializers.IntegerField()
    name = serializers.CharField()
    passes = serializers.IntegerField()


def as_of_field() -> serializers.DateTimeField:
    return serializers.DateTimeField(
        allow_null=True,
        help_text="When the figures come from the pre-aggregated snapshot (refreshed every ten minutes), the "
        "moment it was computed; null when they were computed for this request.",
    )


class DashboardSerializer(serializers.Serializer):
    as_of = as_of_field()
    departments = DepartmentFiguresSerializer(many=True)
    people = PersonFiguresSerializer(many=True)
    kinds = KindFiguresSerializer(many=True)
    buck_passing = BuckPassingSerializer(many=True)


class PrioritySerializer(serializers.Serializer):
    priority = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()
    share = serializers.FloatField(allow_null=True)


class OverdueItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    title = serializers.CharField(help_text="Masked (only its classification) when you may not see its target.")
    url = serializers.CharField(allow_null=True, help_text="The target's page; null when masked.")
    assignee = serializers.IntegerField(source="assignee_id")
    assignee_name = serializers.CharField(allow_null=True)
    due_at = serializers.DateTimeField()
    created_at = serializers.DateTimeField()


class DepartmentDashboardSerializer(serializers.Serializer):
    as_of = as_of_field()
    id = serializers.IntegerField()
    name = serializers.CharField()
    people = PersonFiguresSerializer(many=True)
    oldest_overdue = OverdueItemSerializer(many=True)
    priorities = PrioritySerializer(many=True)


PERIOD_PARAMETERS = [
    OpenApiParameter("from", OpenApiTypes.DATE, required=False, description="First day (default: the month's first)."),
    OpenApiParameter("to", OpenApiTypes.DATE, required=False, description="Last day (default: today)."),
]


@extend_schema(
    tags=["dashboard"],
    parameters=[
        OpenApiParameter("department", OpenApiTypes.INT, required=False, description="Only this department."),
        *PERIOD_PARAMETERS,
    ],
    responses={200: DashboardSerializer, **error_responses(400, 404)},
    description="Workload figures by department, person and kind. Leaders, the office and administrators see "
    "every department; a department head their own (another department is a 404); anyone else gets 404. "
    "Counts are of work items by the assignee's department at assignment: `open` and `overdue` now, `done` "
    "within the period (default: the current month).",
)
class DashboardView(views.APIView):
    def get(self, request: Request) -> Response:
        dashboards.dashboard_scope(user=request.user)
        period, department = dashboards.dashboard_params(request.query_params)
        view = dashboards.organization_view(user=request.user, period=period, department=department)
        return Response(DashboardSerializer(view).data)


@extend_schema(
    tags=["dashboard"],
    parameters=PERIOD_PARAMETERS,
    responses={200: DepartmentDashboardSerializer, **error_responses(400, 404)},
    description="One department: per person the figures, the oldest overdue items (titles masked where you may "
    "not see the target) and the share of the items by priority (重点 / 次重点 / 一般).",
)
class DepartmentDashboardView(views.APIView):
    def get(self, request: Request, pk: str) -> Response:
        unit = dashboards.department_get(user=request.user, pk=object_id(pk))
        period, _department = dashboards.dashboard_params(request.query_params)
        view: dict[str, Any] = dashboards.department_view(user=request.user, department=unit, period=period)
        view["oldest_overdue"] = dashboards.masked_rows(user=request.user, rows=view["oldest_overdue"])
        return Response(DepartmentDashboardSerializer({"id": unit.pk, "name": unit.name, **view}).data)


class CommentCollectionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    asked = serializers.IntegerField(help_text="Comment requests assigned in the period (not withdrawn).")
    answered = serializers.IntegerField(help_text="Of those, answered.")
    response_rate = serializers.FloatField(allow_null=True)
    median_response_hours = serializers.FloatField(allow_null=True)


class ApprovalLatencySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(allow_null=True)
    decided = serializers.IntegerField(help_text="Approvals done in the period.")
    waiting = serializers.IntegerField(help_text="Approvals open now.")
    median_hours = serializers.FloatField(allow_null=True)


class CoordinationOutcomeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    accept = serializers.IntegerField()
    decline = serializers.IntegerField()
    reassigned_away = serializers.IntegerField()
    other = serializers.IntegerField()


class ApprovalStepLatencySerializer(ApprovalLatencySerializer):
    step = serializers.CharField(
        help_text="The approval step: review (核稿), countersign (会签), office_review "
        "(审核), sign (签发); blank when the item's target names no step."
    )
    step_label = serializers.CharField()


class StepLatencySerializer(serializers.Serializer):
    step = serializers.CharField()
    label = serializers.CharField()
    decided = serializers.IntegerField()
    waiting = serializers.IntegerField()
    median_hours = serializers.FloatField(allow_null=True)


class ApprovalStepsSerializer(serializers.Serializer):
    by_approver = ApprovalStepLatencySerializer(many=True, help_text="Per approver and step.")
    by_step = StepLatencySerializer(many=True, help_text="Per step, in the chain's order.")


class FollowThroughFiguresSerializer(serializers.Serializer):
    decided = serializers.IntegerField(help_text="Meeting decisions recorded in the period.")
    opened = serializers.IntegerField(help_text="Of those, followed by a matter.")
    on_time = serializers.IntegerField(help_text="Matters reported complete by their due time.")
    late = serializers.IntegerField(help_text="Matters reported complete after their due time.")
    open = serializers.IntegerField(help_text="Matters still in progress or awaiting confirmation.")
    overdue = serializers.IntegerField(help_text="Of the open ones, past their due time.")


class FollowThroughDepartmentSerializer(FollowThroughFiguresSerializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class DecisionFollowThroughSerializer(serializers.Serializer):
    by_department = FollowThroughDepartmentSerializer(many=True, help_text="By the matter's department.")
    total = FollowThroughFiguresSerializer()
    without_matter = serializers.IntegerField(help_text="Decisions no matter follows yet (whole-bureau viewers).")


class ProcessDashboardSerializer(serializers.Serializer):
    as_of = as_of_field()
    comments = CommentCollectionSerializer(many=True)
    approvals = ApprovalLatencySerializer(many=True)
    approval_steps = ApprovalStepsSerializer()
    coordination = CoordinationOutcomeSerializer(many=True)
    decisions = DecisionFollowThroughSerializer()


@extend_schema(
    tags=["dashboard"],
    parameters=[
        OpenApiParameter("department", OpenApiTypes.INT, required=False, description="Only this department."),
        *PERIOD_PARAMETERS,
    ],
    responses={200: ProcessDashboardSerializer, **error_responses(400, 404)},
    description="Process views from the ledger: comment collection per department, approval latency per "
    "approver and per approver and step (核稿 / 会签 / 审核 / 签发), coordination outcomes per department, and "
    "meeting decisions' follow-through (decisions → matters → done on time / late / open). Same audience as "
    "`GET /dashboard/`.",
)
class ProcessDashboardView(views.APIView):
    def get(self, request: Request) -> Response:
        dashboards.dashboard_scope(user=request.user)
        period, department = dashboards.dashboard_params(request.query_params)
        view = dashboards.process_view(user=request.user, period=period, department=department)
        return Response(ProcessDashboardSerializer(view).data)
