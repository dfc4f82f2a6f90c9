"""The coordination API (API.md, Relations): create, list, detail, respond, arbitrate; refusals in
the error format; visibility (404 for an outsider); the same number of queries at two sizes."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.enums import Classification
from relations.models import CoordinationStatus
from tests.api import as_, assert_error
from tests.factories import DepartmentFactory, LeaderFactory, UserFactory

pytestmark = pytest.mark.django_db


def _body(lead, cooperating, **extra):
    return {
        "title": "河道整治协调",
        "lead_department": lead.pk,
        "cooperating_departments": [d.pk for d in cooperating],
        "respond_by": (timezone.localdate() + timedelta(days=3)).isoformat(),
        **extra,
    }


def test_anyone_raises_and_the_parties_answer_until_settled(raiser, lead_dept, coop_dept, office_head):
    created = as_(raiser).post("/api/v1/coordination/", _body(lead_dept, [coop_dept]), format="json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["status"] == CoordinationStatus.OPEN
    url = f"/api/v1/coordination/{pk}/respond/"
    first = as_(lead_dept.head).post(url, {"department": lead_dept.pk, "accept": True}, format="json")
    assert first.status_code == 200, first.content
    second = as_(coop_dept.head).post(url, {"department": coop_dept.pk, "accept": True}, format="json")
    assert second.json()["status"] == CoordinationStatus.SETTLED
    matter_id = second.json()["matter"]
    assert matter_id
    # The lead department's head sees the follow-up matter in affairs.
    assert as_(lead_dept.head).get(f"/api/v1/matters/{matter_id}/").status_code == 200


def test_decline_without_reason_is_400(raiser, raise_matter, lead_dept):
    coordination = raise_matter()
    response = as_(lead_dept.head).post(
        f"/api/v1/coordination/{coordination.pk}/respond/", {"department": lead_dept.pk, "accept": False}, format="json"
    )
    body = assert_error(response, 400)
    assert "reason" in body["fields"]


def test_a_head_answering_for_another_department_is_403(raise_matter, lead_dept, coop_dept):
    coordination = raise_matter()
    response = as_(lead_dept.head).post(
        f"/api/v1/coordination/{coordination.pk}/respond/", {"department": coop_dept.pk, "accept": True}, format="json"
    )
    assert_error(response, 403, "not_department_head")


def test_ruling_by_a_non_office_user_is_403_and_by_the_office_settles(
    raise_matter, lead_dept, coop_dept, office_head, raiser
):
    coordination = raise_matter()
    as_(coop_dept.head).post(
        f"/api/v1/coordination/{coordination.pk}/respond/",
        {"department": coop_dept.pk, "accept": False, "reason": "职责不在本处"},
        format="json",
    )
    url = f"/api/v1/coordination/{coordination.pk}/arbitrate/"
    body = {"lead_department": coop_dept.pk, "cooperating_departments": [lead_dept.pk], "ruling": "由配合处牵头"}
    assert_error(as_(raiser).post(url, body, format="json"), 403, "not_office")
    assert_error(as_(lead_dept.head).post(url, body, format="json"), 403, "not_office")
    ruled = as_(office_head).post(url, body, format="json")
    assert ruled.status_code == 200, ruled.content
    assert ruled.json()["status"] == CoordinationStatus.SETTLED
    assert ruled.json()["ruled_by"]["id"] == office_head.pk
    assert_error(as_(office_head).post(url, body, format="json"), 409)


def test_an_outsider_gets_404_everywhere(raise_matter, lead_dept, other_dept):
    coordination = raise_matter()
    outsider = UserFactory(username="outsider", department=other_dept)
    client = as_(outsider)
    assert_error(client.get(f"/api/v1/coordination/{coordination.pk}/"), 404)
    assert_error(
        client.post(
            f"/api/v1/coordination/{coordination.pk}/respond/",
            {"department": lead_dept.pk, "accept": True},
            format="json",
        ),
        404,
    )
    assert client.get("/api/v1/coordination/").json()["results"] == []
    assert_error(client.get("/api/v1/coordination/abc/"), 404)


def test_who_sees_a_matter(raise_matter, raiser, lead_dept, coop_dept, office_member, leader):
    coordination = raise_matter()
    member = UserFactory(username="member", department=coop_dept)
    for person in (raiser, lead_dept.head, member, office_member, leader):
        assert as_(person).get(f"/api/v1/coordination/{coordination.pk}/").status_code == 200, person


def test_classification_binds_even_the_parties(raise_matter, lead_dept, coop_dept, raiser):
    for person in (raiser, lead_dept.head, coop_dept.head):
        person.clearance = Classification.SECRET
        person.save()
    coordination = raise_matter(classification=Classification.SECRET)
    member = UserFactory(username="member", department=coop_dept)  # cleared for 内部 only
    assert_error(as_(member).get(f"/api/v1/coordination/{coordination.pk}/"), 404)
    assert as_(coop_dept.head).get(f"/api/v1/coordination/{coordination.pk}/").status_code == 200


def test_bad_input_is_400_not_500(raiser, lead_dept):
    client = as_(raiser)
    assert_error(client.post("/api/v1/coordination/", {"title": "x"}, format="json"), 400)
    assert_error(
        client.post("/api/v1/coordination/", _body(lead_dept, [], respond_by="2000-01-01"), format="json"), 400
    )
    assert_error(
        client.post("/api/v1/coordination/", {**_body(lead_dept, [lead_dept]), "extra": 1}, format="json"), 400
    )


# --- Query budgets -----------------------------------------------------------------------------


def _fill(raise_matter, size):
    """``size`` matters, each with ``size`` cooperating departments (with heads)."""
    departments = []
    for _ in range(size):
        department = DepartmentFactory()
        department.head = UserFactory(department=department)
        department.save()
        departments.append(department)
    return [raise_matter(cooperating=departments, title=f"协调{n}") for n in range(size)], departments


def _count(call):
    with CaptureQueriesContext(connection) as queries:
        response = call()
    assert response.status_code < 400, response.content[:500]
    return len(queries)


@pytest.mark.parametrize("who", ["raiser", "leader"])
def test_list_and_detail_cost_the_same_at_two_sizes(raise_matter, raiser, who):
    leader = LeaderFactory(username="query-leader")
    person = raiser if who == "raiser" else leader
    counts = []
    for size in (2, 8):
        matters, _departments = _fill(raise_matter, size)
        client = as_(person)
        # list: the page of matters, their parties with departments, raisers (select_related).
        listed = _count(lambda client=client: client.get("/api/v1/coordination/"))
        # detail: the matter with raiser, ruler and follow-up matter; its parties with heads.
        detail = _count(lambda client=client, m=matters[-1]: client.get(f"/api/v1/coordination/{m.pk}/"))
        counts.append((listed, detail))
    assert counts[0] == counts[1]


def test_steps_cost_the_same_at_two_sizes(raise_matter, office_head):
    counts = []
    for size in (2, 8):
        matters, departments = _fill(raise_matter, size)
        coordination = matters[0]
        head = departments[0].head
        respond = _count(
            lambda c=coordination, d=departments[0], h=head: as_(h).post(
                f"/api/v1/coordination/{c.pk}/respond/", {"department": d.pk, "accept": True}, format="json"
            )
        )
        create = _count(
            lambda d=departments: as_(office_head).post("/api/v1/coordination/", _body(d[0], d[1:2]), format="json")
        )
        counts.append((respond, create))
    assert counts[0] == counts[1]


def test_the_office_links_the_coordination_meeting(raise_matter, office_head, lead_dept, raiser):
    from meetings.models import MeetingKind
    from meetings.services import meeting_create
    from tests.meetings.conftest import at

    coordination = raise_matter()
    url = f"/api/v1/coordination/{coordination.pk}/meeting/"
    regular = meeting_create(actor=office_head, title="周例会", start=at(9), end=at(10), location="301")
    held = meeting_create(
        actor=office_head, title="协调会", start=at(14), end=at(15), location="301", kind=MeetingKind.COORDINATION
    )
    assert_error(as_(lead_dept.head).post(url, {"meeting": held.pk}, format="json"), 403)
    assert_error(as_(office_head).post(url, {"meeting": regular.pk}, format="json"), 400)
    assert_error(as_(office_head).post(url, {"meeting": 999999}, format="json"), 404)
    linked = as_(office_head).post(url, {"meeting": held.pk}, format="json")
    assert linked.status_code == 200, linked.content
    assert linked.json()["meeting"] == held.pk
    # The person who raised it may link it too.
    assert as_(raiser).post(url, {"meeting": held.pk}, format="json").status_code == 200
