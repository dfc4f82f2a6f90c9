"""The bulletins API (API.md, Relations: bulletins): circulate, list (with ``unread``), detail with
receipts and replies, read, replies; refusals in the error format; 404 for whoever may not see a
bulletin; the same number of queries at two sizes."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.enums import Classification
from notifications.models import Notification
from relations.bulletin_models import BulletinRecipient
from tests.api import as_, assert_error
from tests.factories import DepartmentFactory, LeaderFactory, UserFactory
from workload.models import WorkItemStatus

from .bulletin_helpers import circulate

pytestmark = pytest.mark.django_db


def _body(*recipients, **extra):
    return {"title": "情况通报", "body": "正文第一段。\n\n第二段。", "recipients": [p.pk for p in recipients], **extra}


def test_the_office_circulates_and_a_leader_reads_and_replies(office_member, leader, deputy):
    created = as_(office_member).post(
        "/api/v1/bulletins/",
        _body(leader, deputy, kind="situation", recipients=[leader.pk, deputy.pk, leader.pk]),
        format="json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["kind"] == "situation"
    assert body["author"]["id"] == office_member.pk
    assert (body["recipient_count"], body["read_count"]) == (2, 0)
    assert sorted(r["leader"]["id"] for r in body["recipients"]) == sorted([leader.pk, deputy.pk])
    assert all(r["read_at"] is None for r in body["recipients"])
    pk = body["id"]
    mine = as_(leader).get(f"/api/v1/bulletins/{pk}/").json()
    assert mine["unread"] is True
    read = as_(leader).post(f"/api/v1/bulletins/{pk}/read/")
    assert read.status_code == 200, read.content
    assert read.json()["unread"] is False
    assert read.json()["read_count"] == 1
    receipts = {r["leader"]["id"]: r["read_at"] for r in read.json()["recipients"]}
    assert receipts[leader.pk] is not None and receipts[deputy.pk] is None
    again = as_(leader).post(f"/api/v1/bulletins/{pk}/read/")
    assert again.status_code == 200
    assert {r["leader"]["id"]: r["read_at"] for r in again.json()["recipients"]} == receipts
    replied = as_(leader).post(f"/api/v1/bulletins/{pk}/replies/", {"text": "已阅，同意。"}, format="json")
    assert replied.status_code == 201, replied.content
    assert replied.json()["author"]["id"] == leader.pk
    # The reply is visible to the office and the other recipient.
    for person in (office_member, deputy):
        assert [r["text"] for r in as_(person).get(f"/api/v1/bulletins/{pk}/").json()["replies"]] == ["已阅，同意。"]
    assert Notification.objects.filter(message="bulletin.reply", recipient=deputy).exists()


def test_circulating_outside_the_office_is_403(user, leader, head):
    for person in (user, leader, head):
        assert_error(as_(person).post("/api/v1/bulletins/", _body(leader), format="json"), 403, "not_office")


def test_bad_recipients_are_400_with_field_errors(office_member, leader, user):
    not_leader = assert_error(as_(office_member).post("/api/v1/bulletins/", _body(leader, user), format="json"), 400)
    assert user.display_name in not_leader["fields"]["recipients"][0]
    office_member.clearance = Classification.SECRET
    office_member.save()
    low = as_(office_member).post("/api/v1/bulletins/", _body(leader, classification="secret"), format="json")
    assert "recipients" in assert_error(low, 400)["fields"]
    for recipients in ([], [2**62], [0], ["abc"], [2**70], "x"):
        response = as_(office_member).post("/api/v1/bulletins/", _body(recipients=recipients), format="json")
        fields = assert_error(response, 400)["fields"]
        assert any(key.startswith("recipients") for key in fields), recipients
    for extra in ({"title": "a\nb"}, {"title": ""}, {"body": ""}, {"kind": "x"}, {"coordination": 2**62}, {"x": 1}):
        response = as_(office_member).post("/api/v1/bulletins/", _body(leader, **extra), format="json")
        assert_error(response, 400)


def test_an_outsider_gets_404_everywhere(office_member, leader, bureau):
    bulletin = circulate(office_member, [leader])
    outsiders = [
        UserFactory(username="outsider", department=DepartmentFactory()),
        LeaderFactory(username="other-leader", department=bureau),  # a leader it did not go to
    ]
    for outsider in outsiders:
        client = as_(outsider)
        assert_error(client.get(f"/api/v1/bulletins/{bulletin.pk}/"), 404)
        assert_error(client.post(f"/api/v1/bulletins/{bulletin.pk}/read/"), 404)
        assert_error(client.post(f"/api/v1/bulletins/{bulletin.pk}/replies/", {"text": "x"}, format="json"), 404)
        assert client.get("/api/v1/bulletins/").json()["results"] == []
    for pk in ("abc", str(2**70), "0"):
        assert_error(as_(leader).get(f"/api/v1/bulletins/{pk}/"), 404)


def test_the_office_may_not_mark_read_but_may_reply(office_member, leader):
    bulletin = circulate(office_member, [leader])
    assert_error(as_(office_member).post(f"/api/v1/bulletins/{bulletin.pk}/read/"), 403, "not_recipient")
    reply = as_(office_member).post(f"/api/v1/bulletins/{bulletin.pk}/replies/", {"text": "补充说明"}, format="json")
    assert reply.status_code == 201
    assert (
        "text"
        in assert_error(
            as_(leader).post(f"/api/v1/bulletins/{bulletin.pk}/replies/", {"text": ""}, format="json"), 400
        )["fields"]
    )


def test_the_unread_filter(office_member, leader):
    first = circulate(office_member, [leader], title="第一份")
    second = circulate(office_member, [leader], title="第二份")
    as_(leader).post(f"/api/v1/bulletins/{first.pk}/read/")
    client = as_(leader)
    assert [r["id"] for r in client.get("/api/v1/bulletins/").json()["results"]] == [second.pk, first.pk]
    assert [r["id"] for r in client.get("/api/v1/bulletins/?unread=true").json()["results"]] == [second.pk]
    assert [r["id"] for r in client.get("/api/v1/bulletins/?unread=false").json()["results"]] == [first.pk]
    assert "unread" in assert_error(client.get("/api/v1/bulletins/?unread=perhaps"), 400)["fields"]
    # The office sees all it circulated, with the counts.
    rows = as_(office_member).get("/api/v1/bulletins/").json()["results"]
    assert [(r["id"], r["read_count"], r["recipient_count"]) for r in rows] == [(second.pk, 0, 1), (first.pk, 1, 1)]
    item = BulletinRecipient.objects.get(bulletin=first).work_item
    assert item.status == WorkItemStatus.DONE


def test_work_items_point_at_the_bulletin(office_member, leader):
    bulletin = circulate(office_member, [leader])
    rows = as_(leader).get("/api/v1/work-items/?kind=bulletin").json()["results"]
    assert [r["target"] for r in rows] == [
        {"type": "bulletin", "id": bulletin.pk, "url": f"/relations/bulletins/{bulletin.pk}/"}
    ]


def test_list_and_detail_cost_the_same_at_two_sizes(office_member, bureau):
    counts = []
    for size in (2, 7):
        leaders = [LeaderFactory(username=f"l{size}-{n}", department=bureau) for n in range(size)]
        bulletins = [circulate(office_member, leaders, title=f"通报{size}-{n}") for n in range(size)]
        for n, leader in enumerate(leaders):
            as_(leader).post(f"/api/v1/bulletins/{bulletins[-1].pk}/replies/", {"text": f"意见{n}"}, format="json")
            if n % 2:
                as_(leader).post(f"/api/v1/bulletins/{bulletins[-1].pk}/read/")
        sizes = []
        for person in (office_member, leaders[0]):
            client = as_(person)
            for url in ("/api/v1/bulletins/", f"/api/v1/bulletins/{bulletins[-1].pk}/"):
                with CaptureQueriesContext(connection) as queries:
                    assert client.get(url).status_code == 200
                sizes.append(len(queries))
        counts.append(sizes)
    assert counts[0] == counts[1]


def test_lone_surrogates_and_forged_bodies_are_400(office_member, leader):
    # Raw JSON (ASCII-escaped), so that a lone surrogate reaches the server as a client would send it.
    client = as_(office_member)
    for extra in ({"title": "\ud800"}, {"body": "正文\udfff"}, {"kind": ["decision"]}, {"recipients": [True]}):
        raw = json.dumps(_body(leader, **extra))
        assert_error(client.post("/api/v1/bulletins/", raw, content_type="application/json"), 400)
    bulletin = circulate(office_member, [leader])
    url = f"/api/v1/bulletins/{bulletin.pk}/replies/"
    assert_error(as_(leader).post(url, json.dumps({"text": "\ud800"}), content_type="application/json"), 400)
    assert_error(as_(leader).post(url, [1], format="json"), 400)
    assert not bulletin.replies.exists()


def test_the_linked_coordination_matter_shows_its_id(office_member, leader, raise_matter):
    coordination = raise_matter()
    created = as_(office_member).post(
        "/api/v1/bulletins/", _body(leader, kind="disagreement", coordination=coordination.pk), format="json"
    )
    assert created.status_code == 201, created.content
    assert created.json()["coordination"] == coordination.pk
