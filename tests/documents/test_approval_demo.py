"""The demo 请示 of the approval chain (``documents.demo_approval``): awaiting the leader's 签发 with a
不同意 on record, shown on the leader's queue; idempotent."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import Department, User
from documents import demo_approval
from documents.approval_selectors import approval_queue_rows
from documents.models import ApprovalStatus, Document, DocumentStatus, StepKind, StepStatus

pytestmark = pytest.mark.django_db


def test_demo_request_awaits_the_leaders_sign_off_with_a_disagreement(client):
    call_command("seed_demo", verbosity=0)  # documents.demo seeds the approval stage too
    people = {u.username: u for u in User.objects.all()}
    departments = {d.code: d for d in Department.objects.all()}
    assert demo_approval.seed(people, departments) == 0, "a second seeding adds nothing"
    document = Document.objects.get(title=demo_approval.AWAITING_SIGN_OFF)
    assert document.status == DocumentStatus.AWAITING_APPROVAL
    steps = {s.kind: s.status for s in document.steps.filter(cycle=document.cycle)}
    assert steps == {
        StepKind.REVIEW: StepStatus.DONE,
        StepKind.COUNTERSIGN: StepStatus.DONE,
        StepKind.OFFICE_REVIEW: StepStatus.DONE,
        StepKind.SIGN: StepStatus.CURRENT,
    }
    leader = people["wangjp"]
    rows = approval_queue_rows(user=leader)
    assert [r.document.pk for r in rows] == [document.pk]
    assert rows[0].disagreements == 1 and rows[0].unhandled == 0
    assert rows[0].approval.status == ApprovalStatus.PENDING
    client.force_login(leader)
    page = client.get(reverse("documents:approval", args=[rows[0].approval.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert 'id="disagreement-warning"' in page.content.decode()
