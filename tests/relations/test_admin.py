"""Admin pages of relations: read-only, and only what the administrator may see (404 for the rest):
coordination matters by their rule (``selectors.coordination_visibility``), leaders' schedule entries
by what the administrator may learn of them (``schedules.details_visibility``)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from relations.models import ScheduleEntry, SchedulePrivacy
from tests.factories import AdminFactory, DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def plain_admin(db):
    """An administrator outside the office and the matter's departments: people and settings, not content."""
    return AdminFactory(username="sysadmin", department=DepartmentFactory(code="it", name="信息中心"))


def _entry(leader, privacy, title):
    start = timezone.now() + timedelta(days=1)
    return ScheduleEntry.objects.create(
        leader=leader, title=title, start=start, end=start + timedelta(hours=1), privacy=privacy
    )


def test_an_administrator_without_need_to_know_sees_no_coordination_matters(client_of, plain_admin, raise_matter):
    coordination = raise_matter()
    client = client_of(plain_admin)
    changelist = client.get(reverse("admin:relations_coordinationmatter_changelist"))
    assert changelist.status_code == 200
    assert list(changelist.context["cl"].result_list) == []
    for name in ("change", "history", "delete"):
        url = reverse(f"admin:relations_coordinationmatter_{name}", args=[coordination.pk])
        assert client.get(url).status_code == 404, name


def test_an_administrator_sees_coordination_matters_within_the_rule(client_of, raise_matter, office, lead_dept):
    internal = raise_matter()
    office_admin = AdminFactory(username="office-admin", department=office)  # the office, cleared for 内部
    party_admin = AdminFactory(username="lead-admin", department=lead_dept)
    for person in (lead_dept.head, office.head):
        person.clearance = "secret"
        person.save()
    coop = DepartmentFactory(code="c2")
    coop.head = UserFactory(department=coop, clearance="secret")
    coop.save()
    secret = raise_matter(actor=office.head, cooperating=[coop], classification="secret", title="涉密协调")
    for admin_user in (office_admin, party_admin):
        client = client_of(admin_user)
        listed = list(client.get(reverse("admin:relations_coordinationmatter_changelist")).context["cl"].result_list)
        assert internal in listed and secret not in listed
        change = client.get(reverse("admin:relations_coordinationmatter_change", args=[internal.pk]))
        assert change.status_code == 200
        assert change.context["inline_admin_formsets"]  # the parties, read-only
        assert client.get(reverse("admin:relations_coordinationmatter_change", args=[secret.pk])).status_code == 404
    # Nothing is added or changed here: the services do that.
    assert client_of(office_admin).get(reverse("admin:relations_coordinationmatter_add")).status_code == 403


def test_schedule_entries_in_the_admin_follow_their_privacy(client_of, plain_admin, office, leader, deputy):
    public = _entry(leader, SchedulePrivacy.PUBLIC, "公开活动")
    private = _entry(leader, SchedulePrivacy.PRIVATE, "私人安排")
    changelist = reverse("admin:relations_scheduleentry_changelist")
    # An administrator outside the office and the leaders: the schedules are none of theirs.
    client = client_of(plain_admin)
    assert list(client.get(changelist).context["cl"].result_list) == []
    assert client.get(reverse("admin:relations_scheduleentry_change", args=[public.pk])).status_code == 404
    # A leader administering: others' private entries stay hidden.
    deputy.is_staff = deputy.is_superuser = True
    deputy.save()
    client = client_of(deputy)
    assert list(client.get(changelist).context["cl"].result_list) == [public]
    assert client.get(reverse("admin:relations_scheduleentry_change", args=[private.pk])).status_code == 404
    # The office sees them all.
    client = client_of(AdminFactory(username="office-admin", department=office))
    assert set(client.get(changelist).context["cl"].result_list) == {public, private}


@pytest.mark.parametrize("model", ["coordinationmatter", "scheduleentry"])
def test_changelists_cost_the_same_at_two_sizes(client_of, raise_matter, office, leader, model):
    admin_user = AdminFactory(username="office-admin", department=office)
    counts = []
    for size in (2, 8):
        for n in range(size):
            raise_matter(title=f"协调{size}-{n}")
            _entry(leader, SchedulePrivacy.INTERNAL, f"活动{size}-{n}")
        UserFactory.create_batch(size)
        client = client_of(admin_user)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(f"admin:relations_{model}_changelist")).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


# --- Public feedback ------------------------------------------------------------------------------

from relations.feedback import feedback_route  # noqa: E402
from tests.relations import feedback_support  # noqa: E402

clerk, handler_dept = feedback_support.clerk, feedback_support.handler_dept
register, routed = feedback_support.register, feedback_support.routed


def test_an_administrator_without_need_to_know_sees_no_feedback(client_of, plain_admin, routed):
    entry = routed()
    client = client_of(plain_admin)
    changelist = client.get(reverse("admin:relations_feedback_changelist"))
    assert changelist.status_code == 200
    assert list(changelist.context["cl"].result_list) == []
    for name in ("change", "history", "delete"):
        assert client.get(reverse(f"admin:relations_feedback_{name}", args=[entry.pk])).status_code == 404, name
    assert client.get(reverse("admin:relations_feedback_change", args=[999_999_999_999])).status_code == 404


def test_feedback_in_the_admin_follows_its_rule_and_hides_the_submitter(
    client_of, clerk, register, office, handler_dept
):
    member = UserFactory(username="member", department=handler_dept)
    mine = feedback_route(actor=clerk, feedback=register(subject="本处的意见"), department=handler_dept, handler=member)
    elsewhere = register(subject="未交办的意见")
    office_admin = AdminFactory(username="office-admin", department=office)
    head_admin = handler_dept.head
    head_admin.is_staff = head_admin.is_superuser = True
    head_admin.save()
    # The office: every row, with the submitter; nothing added or changed here.
    client = client_of(office_admin)
    assert set(client.get(reverse("admin:relations_feedback_changelist")).context["cl"].result_list) == {
        mine,
        elsewhere,
    }
    page = client.get(reverse("admin:relations_feedback_change", args=[mine.pk]))
    assert page.status_code == 200 and "13800000000" in page.content.decode()
    assert client.get(reverse("admin:relations_feedback_add")).status_code == 403
    # The routed department's head (a colleague handles it): their department's row, without the
    # submitter's personal fields.
    client = client_of(head_admin)
    assert list(client.get(reverse("admin:relations_feedback_changelist")).context["cl"].result_list) == [mine]
    page = client.get(reverse("admin:relations_feedback_change", args=[mine.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "本处的意见" in body and "13800000000" not in body and "幸福路1号" not in body
    assert client.get(reverse("admin:relations_feedback_change", args=[elsewhere.pk])).status_code == 404
    # The submitter's name is not searchable by whom may not see it.
    found = client.get(reverse("admin:relations_feedback_changelist"), {"q": "赵先生"}).context["cl"].result_list
    assert list(found) == []
