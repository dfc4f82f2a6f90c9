"""The public feedback API (API.md, Relations): create, route, reply, close, send back; list with
filters (cursor-paginated) and detail; refusals in the error format; the submitter's fields only for
the office and the handler; 404 for outsiders; the same number of queries at two sizes."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from relations import feedback as services
from relations.feedback_models import FeedbackStatus
from tests.api import as_, assert_error
from tests.factories import DepartmentFactory, UserFactory
from tests.relations import feedback_support

pytestmark = pytest.mark.django_db

clerk, handler_dept, member = feedback_support.clerk, feedback_support.handler_dept, feedback_support.member
register, routed, answered = feedback_support.register, feedback_support.routed, feedback_support.answered

API = "/api/v1/feedback/"
BODY = {
    "channel": "hotline",
    "category": "complaint",
    "subject": "噪音扰民",
    "content": "夜间施工",
    "submitter_name": "周先生",
}


def test_the_whole_way_through_the_api(clerk, handler_dept, member, other_dept):
    created = as_(clerk).post(API, BODY, format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    pk = body["id"]
    assert body["status"] == FeedbackStatus.REGISTERED and body["submitter"]["name"] == "周先生"
    assert_error(as_(member).post(API, BODY, format="json"), 403)
    assert_error(as_(clerk).post(f"{API}{pk}/reply/", {"reply": "x"}, format="json"), 409)
    assert_error(as_(clerk).post(API, {**BODY, "colour": "red"}, format="json"), 400)

    route = f"{API}{pk}/route/"
    late = (timezone.localdate() + timedelta(days=400)).isoformat()
    assert_error(as_(clerk).post(route, {"department": handler_dept.pk, "due_on": late}, format="json"), 400)
    assert_error(
        as_(clerk).post(route, {"department": handler_dept.pk, "handler": other_dept.head.pk}, format="json"), 400
    )
    assert_error(as_(clerk).post(route, {"department": handler_dept.pk, "handler": 2**70}, format="json"), 400)
    assert_error(as_(member).post(route, {"department": handler_dept.pk}, format="json"), 404)  # not theirs yet
    routed_ = as_(clerk).post(route, {"department": handler_dept.pk, "handler": member.pk}, format="json")
    assert routed_.status_code == 200, routed_.content
    assert routed_.json()["handler"]["id"] == member.pk
    assert_error(as_(member).post(route, {"department": other_dept.pk}, format="json"), 403)

    # The head sees it but not the submitter; the handler sees both.
    assert as_(handler_dept.head).get(f"{API}{pk}/").json()["submitter"] is None
    assert as_(member).get(f"{API}{pk}/").json()["submitter"]["name"] == "周先生"

    assert_error(as_(member).post(f"{API}{pk}/reply/", {}, format="json"), 400)
    replied = as_(member).post(f"{API}{pk}/reply/", {"reply": "已协调停工"}, format="json")
    assert replied.json()["status"] == FeedbackStatus.ANSWERED
    back = as_(clerk).post(f"{API}{pk}/send-back/", {"reason": "请说明后续"}, format="json")
    assert back.json()["status"] == FeedbackStatus.ROUTED
    as_(member).post(f"{API}{pk}/reply/", {"reply": "已协调停工并巡查"}, format="json")
    assert_error(as_(member).post(f"{API}{pk}/close/", {"satisfaction": "satisfied"}, format="json"), 403)
    assert_error(as_(clerk).post(f"{API}{pk}/close/", {"satisfaction": "meh"}, format="json"), 400)
    closed = as_(clerk).post(f"{API}{pk}/close/", {"satisfaction": "fairly", "note": "回访"}, format="json")
    assert closed.status_code == 200
    assert (closed.json()["status"], closed.json()["satisfaction"]) == ("closed", "fairly")
    assert_error(as_(clerk).post(f"{API}{pk}/close/", {"satisfaction": "fairly"}, format="json"), 409)


def test_outsiders_get_404_and_odd_ids_too(routed, clerk):
    feedback = routed()
    outsider = UserFactory(department=DepartmentFactory())
    assert_error(as_(outsider).get(f"{API}{feedback.pk}/"), 404)
    assert_error(as_(outsider).post(f"{API}{feedback.pk}/reply/", {"reply": "x"}, format="json"), 404)
    assert as_(outsider).get(API).json()["results"] == []
    assert_error(as_(clerk).get(f"{API}99999999999999999999999/"), 404)
    assert_error(as_(clerk).get(f"{API}abc/"), 404)


def test_list_filters(register, routed, clerk, handler_dept):
    first = register(channel="phone")
    second = routed()
    ids = lambda query: [row["id"] for row in as_(clerk).get(API + query).json()["results"]]  # noqa: E731
    assert ids("") == [second.pk, first.pk]
    assert ids("?channel=phone") == [first.pk]
    assert ids(f"?department={handler_dept.pk}") == [second.pk]
    assert ids("?status=registered") == [first.pk]
    assert_error(as_(clerk).get(API + "?status=lost"), 400)
    assert_error(as_(clerk).get(API + "?department=99999999999999999999"), 400)


def _count(call):
    with CaptureQueriesContext(connection) as queries:
        response = call()
    assert response.status_code < 400, response.content[:500]
    return len(queries)


def test_list_and_detail_cost_the_same_at_two_sizes(register, clerk, handler_dept):
    counts = []
    for size in (2, 7):
        for n in range(size):
            services.feedback_route(actor=clerk, feedback=register(subject=f"第{size}-{n}件"), department=handler_dept)
        last = services.feedback_register(user=clerk).first()
        sizes = []
        for person in (clerk, handler_dept.head):
            api = as_(person)
            sizes.append(_count(lambda api=api: api.get(API)))
            sizes.append(_count(lambda api=api, pk=last.pk: api.get(f"{API}{pk}/")))
        counts.append(sizes)
    assert counts[0] == counts[1]


def test_steps_cost_the_same_at_two_sizes(register, clerk, handler_dept):
    counts = []
    for size in (2, 7):
        for n in range(size):
            services.feedback_route(actor=clerk, feedback=register(subject=f"第{size}-{n}件"), department=handler_dept)
        fresh = register(subject=f"新件{size}")
        create = _count(lambda: as_(clerk).post(API, BODY, format="json"))
        route = _count(
            lambda f=fresh: as_(clerk).post(f"{API}{f.pk}/route/", {"department": handler_dept.pk}, format="json")
        )
        reply = _count(
            lambda f=fresh: as_(handler_dept.head).post(f"{API}{f.pk}/reply/", {"reply": "已办"}, format="json")
        )
        close = _count(
            lambda f=fresh: as_(clerk).post(f"{API}{f.pk}/close/", {"satisfaction": "satisfied"}, format="json")
        )
        counts.append((create, route, reply, close))
    assert counts[0] == counts[1]
