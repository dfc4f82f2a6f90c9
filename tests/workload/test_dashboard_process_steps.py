"""Process views, the parts other apps register (``workload.processes``): approval latency per
approver and step (documents names an approval item's step: 核稿 / 会签 / 审核 / 签发) and meeting
decisions' follow-through (meetings: decisions → matters opened → done on time / late / open), with
their scope, exports, API and a fixed query count at two data sizes."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from affairs.models import Matter, MatterSource, MatterStatus
from documents.models import Approval, ApprovalStep, StepKind
from documents.services.drafting import document_create
from meetings.models import Decision, Meeting
from tests.factories import WorkItemFactory
from workload import dashboards, processes
from workload.models import WorkItemKind, WorkItemStatus

pytestmark = pytest.mark.django_db


def _approval_items(units, n=1):
    """Per round: a document whose 核稿 the head of A decided in 4 hours and whose 会签 waits on the
    head of B (and one decided by B in 10 hours)."""
    now = timezone.now()
    for _ in range(n):
        document = document_create(drafter=units["staff_a"], title="关于值班的通知", doc_type="notice", body="正文")
        review = ApprovalStep.objects.create(document=document, cycle=1, order=1, kind=StepKind.REVIEW)
        countersign = ApprovalStep.objects.create(document=document, cycle=1, order=2, kind=StepKind.COUNTERSIGN)
        for step, approver, hours, done in (
            (review, units["head_a"], 4, True),
            (countersign, units["head_b"], 10, True),
            (countersign, units["head_b"], 1, False),
        ):
            approval = Approval.objects.create(step=step, approver=approver)
            WorkItemFactory(
                assignee=approver,
                kind=WorkItemKind.APPROVAL,
                target=approval,
                created_at=now - timedelta(hours=hours),
                status=WorkItemStatus.DONE if done else WorkItemStatus.OPEN,
                completed_at=now if done else None,
                outcome="approve" if done else "",
            )


def _decisions(units, n=1):
    """Per round, decisions recorded today: in A one matter done on time and one late, in B one open
    and overdue; and one decision no matter follows yet."""
    now = timezone.now()
    meeting = Meeting.objects.create(
        title="局务会",
        organizer=units["head_a"],
        start=now - timedelta(hours=3),
        end=now - timedelta(hours=2),
        room_held_until=now - timedelta(hours=2),
    )
    for _ in range(n):
        for unit, lead, status, due, completed in (
            (units["a"], units["head_a"], MatterStatus.DONE, now + timedelta(days=1), now),
            (units["a"], units["staff_a"], MatterStatus.DONE, now - timedelta(days=1), now),
            (units["b"], units["head_b"], MatterStatus.IN_PROGRESS, now - timedelta(hours=1), None),
        ):
            matter = Matter.objects.create(
                title="落实会议决定",
                source=MatterSource.MEETING_DECISION,
                assigner=units["head_a"],
                lead=lead,
                department=unit,
                due_on=due.date(),
                due_at=due,
                status=status,
                completed_at=completed,
            )
            Decision.objects.create(meeting=meeting, text="决定", matter=matter, recorded_by=units["head_a"])
        Decision.objects.create(meeting=meeting, text="待落实", recorded_by=units["head_a"])


def test_documents_and_meetings_register_with_the_ledger():
    assert (StepKind.REVIEW, StepKind.REVIEW.label) in [(k, label) for k, label in processes.step_choices()]
    assert processes._follow_through


def test_approval_latency_per_approver_and_step(units, leader):
    _approval_items(units)
    WorkItemFactory(assignee=units["head_a"], kind=WorkItemKind.APPROVAL)  # a target with no step
    period, _department = dashboards.dashboard_params({})
    steps = dashboards.process_view(user=leader, period=period)["approval_steps"]
    by_step = {row["step"]: row for row in steps["by_step"]}
    assert [row["step"] for row in steps["by_step"]] == [
        StepKind.REVIEW,
        StepKind.COUNTERSIGN,
        StepKind.OFFICE_REVIEW,
        StepKind.SIGN,
        "",
    ]
    assert (by_step["review"]["decided"], by_step["review"]["waiting"], by_step["review"]["median_hours"]) == (
        1,
        0,
        4.0,
    )
    assert (by_step["countersign"]["decided"], by_step["countersign"]["waiting"]) == (1, 1)
    assert by_step["countersign"]["median_hours"] == 10.0
    assert by_step["sign"]["decided"] == 0 and by_step["sign"]["median_hours"] is None
    assert by_step[""]["waiting"] == 1
    pairs = {(row["id"], row["step"]): row for row in steps["by_approver"]}
    assert pairs[(units["head_a"].pk, "review")]["median_hours"] == 4.0
    assert pairs[(units["head_b"].pk, "countersign")]["decided"] == 1
    assert str(StepKind.COUNTERSIGN.label) == pairs[(units["head_b"].pk, "countersign")]["step_label"]


def test_a_head_sees_their_departments_approvers_only(units, client_of):
    _approval_items(units)
    view = client_of(units["head_a"]).get("/dashboard/processes/").context["view"]
    assert {row["id"] for row in view["approval_steps"]["by_approver"]} == {units["head_a"].pk}


def test_decision_follow_through(units, leader):
    _decisions(units)
    period, _department = dashboards.dashboard_params({})
    decisions = dashboards.process_view(user=leader, period=period)["decisions"]
    rows = {row["id"]: row for row in decisions["by_department"]}
    assert {k: rows[units["a"].pk][k] for k in processes.FOLLOW_THROUGH_FIGURES} == {
        "decided": 2,
        "opened": 2,
        "on_time": 1,
        "late": 1,
        "open": 0,
        "overdue": 0,
    }
    assert (rows[units["b"].pk]["open"], rows[units["b"].pk]["overdue"]) == (1, 1)
    assert decisions["total"]["decided"] == 4 and decisions["total"]["opened"] == 3
    assert decisions["without_matter"] == 1


def test_decision_follow_through_of_a_head_and_another_period(units, client_of, leader):
    _decisions(units)
    view = client_of(units["head_a"]).get("/dashboard/processes/").context["view"]
    assert [row["id"] for row in view["decisions"]["by_department"]] == [units["a"].pk]
    assert view["decisions"]["total"]["decided"] == 2 and view["decisions"]["without_matter"] == 0
    last_year = (timezone.localdate() - timedelta(days=400)).isoformat()
    old = client_of(leader).get(f"/dashboard/processes/?from={last_year}&to={last_year}").context["view"]
    assert old["decisions"]["total"]["decided"] == 0


def test_the_page_the_api_and_the_exports(units, client_of, leader):
    _approval_items(units)
    _decisions(units)
    client = client_of(leader)
    body = client.get("/dashboard/processes/").content.decode()
    assert 'id="step-review"' in body and f'id="approver-{units["head_b"].pk}-countersign"' in body
    assert f'id="decisions-{units["a"].pk}"' in body and 'id="decision-total"' in body
    data = client.get("/api/v1/dashboard/processes/").json()
    assert {row["step"] for row in data["approval_steps"]["by_step"]} >= {"review", "countersign", "sign"}
    assert data["decisions"]["total"]["late"] == 1
    assert data["decisions"]["without_matter"] == 1
    for table in ("approval_steps", "decisions"):
        response = client.get(f"/dashboard/processes/?export=csv&table={table}")
        assert response.status_code == 200
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert len(rows) >= 2
    assert client_of(units["staff_a"]).get("/api/v1/dashboard/processes/").status_code == 404


def test_the_page_and_endpoint_cost_the_same_at_two_sizes(units, client_of, leader):
    counts = []
    client = client_of(leader)
    for size in (1, 4):
        _approval_items(units, size)
        _decisions(units, size)
        sizes = []
        for path in ("/dashboard/processes/", "/api/v1/dashboard/processes/"):
            client.get(path)
            with CaptureQueriesContext(connection) as queries:
                assert client.get(path).status_code == 200
            sizes.append(len(queries))
        counts.append(sizes)
    assert counts[0] == counts[1]
