"""Public feedback pages: the register with filters and exports (CSV and XLSX read back), the
registration form, the detail with its actions, refusals, 404 for outsiders on every path (page,
work item, notification), the public page (off → 404, challenge, rate limit), query counts."""

import csv
import io
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from notifications.models import Notification
from relations import feedback as services
from relations.feedback_forms import new_challenge
from relations.feedback_models import Feedback, FeedbackStatus
from tests.api import as_
from tests.factories import DepartmentFactory, UserFactory
from tests.relations import feedback_support
from workload.models import WorkItem, WorkItemKind

pytestmark = pytest.mark.django_db

clerk, handler_dept, member = feedback_support.clerk, feedback_support.handler_dept, feedback_support.member
register, routed, answered = feedback_support.register, feedback_support.routed, feedback_support.answered

LIST = "/relations/feedback/"


def test_the_office_registers_routes_and_closes_through_the_pages(client_of, clerk, handler_dept, member):
    office = client_of(clerk)
    assert office.get(LIST + "new/").status_code == 200
    missing = office.post(LIST + "new/", {"channel": "visit", "received_on": timezone.localdate().isoformat()})
    assert missing.status_code == 400
    created = office.post(
        LIST + "new/",
        {
            "channel": "visit",
            "received_on": timezone.localdate().isoformat(),
            "category": "help",
            "subject": "求助",
            "content": "家中困难",
            "submitter_name": "孙女士",
        },
    )
    assert created.status_code == 302
    feedback = Feedback.objects.get(subject="求助")
    url = f"{LIST}{feedback.pk}/"
    assert created["Location"] == url
    page = office.get(url).content.decode()
    assert 'id="route-form"' in page and "孙女士" in page
    late = (services.statutory_deadline(feedback.received_on) + timedelta(days=1)).isoformat()
    refused = office.post(url + "route/", {"route-department": handler_dept.pk, "route-due_on": late})
    assert refused.status_code == 400
    routed_to = {"route-department": handler_dept.pk, "route-handler": member.pk}
    assert office.post(url + "route/", routed_to).status_code == 302
    assert "孙女士" in client_of(member).get(url).content.decode()
    head = client_of(handler_dept.head)
    head_page = head.get(url).content.decode()
    # The head replies for the member, but the personal fields are for the office and the handler.
    assert 'id="reply-form"' in head_page and "孙女士" not in head_page
    assert head.post(url + "reply/", {"reply-reply": ""}).status_code == 400
    assert head.post(url + "reply/", {"reply-reply": "已帮扶"}).status_code == 302
    assert head.post(url + "close/", {"close-satisfaction": "satisfied"}).status_code == 403
    office = client_of(clerk)
    assert office.post(url + "close/", {"close-satisfaction": "satisfied"}).status_code == 302
    feedback.refresh_from_db()
    assert feedback.status == FeedbackStatus.CLOSED
    assert office.post(url + "close/", {"close-satisfaction": "satisfied"}).status_code == 409


def test_send_back_through_the_page(client_of, answered, clerk):
    feedback = answered()
    url = f"{LIST}{feedback.pk}/send-back/"
    assert client_of(clerk).post(url, {"send_back-reason": "不具体"}).status_code == 302
    feedback.refresh_from_db()
    assert feedback.status == FeedbackStatus.ROUTED


def test_only_the_office_registers(client_of, member):
    assert client_of(member).get(LIST + "new/").status_code == 403


def test_outsiders_get_404_on_the_page_item_and_notification(client_of, routed, handler_dept, office_head):
    feedback = routed()
    services.feedback_reply(actor=handler_dept.head, feedback=feedback, reply="已答复")
    outsider = UserFactory(username="outsider", department=DepartmentFactory())
    client = client_of(outsider)
    assert client.get(f"{LIST}{feedback.pk}/").status_code == 404
    assert client.post(f"{LIST}{feedback.pk}/reply/", {"reply-reply": "x"}).status_code == 404
    assert feedback.subject not in client.get(LIST).content.decode()
    api = as_(outsider)
    assert api.get(f"/api/v1/feedback/{feedback.pk}/").status_code == 404
    item = WorkItem.objects.filter(target_id=feedback.pk, kind=WorkItemKind.FEEDBACK).first()
    assert api.get(f"/api/v1/work-items/{item.pk}/").status_code == 404
    note = Notification.objects.filter(target_id=feedback.pk, recipient=office_head).first()
    assert note is not None
    assert client_of(outsider).post(f"/notifications/{note.pk}/open/").status_code == 404
    # The handler's item opens for the handler.
    assert as_(handler_dept.head).get(f"/api/v1/work-items/{item.pk}/").status_code == 200


def test_filters_and_exports(client_of, register, clerk, handler_dept, member):
    first = register(subject="咨询社保", category="inquiry", channel="phone")
    second = services.feedback_route(
        actor=clerk, feedback=register(subject="道路积水"), department=handler_dept, handler=member
    )
    old = register(subject="过期未办", received_on=timezone.localdate() - timedelta(days=90))
    office = client_of(clerk)
    assert first.subject in office.get(LIST + "?channel=phone").content.decode()
    assert second.subject not in office.get(LIST + "?channel=phone").content.decode()
    assert second.subject in office.get(f"{LIST}?department={handler_dept.pk}&status=routed").content.decode()
    overdue = office.get(LIST + "?overdue=1").content.decode()
    assert old.subject in overdue and first.subject not in overdue
    assert first.subject in office.get(LIST + "?q=社保").content.decode()
    early = (timezone.localdate() - timedelta(days=30)).isoformat()
    assert old.subject not in office.get(f"{LIST}?received_from={early}").content.decode()
    assert office.get(LIST + "?department=99999999999999999999&received_from=x").status_code == 200

    xlsx = office.get(LIST + "export.xlsx?channel=letter")
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == [old.number, second.number]
    assert "赵先生" in rows[2]
    text = office.get(LIST + "export.csv?q=社保").content.decode("utf-8-sig")
    parsed = list(csv.reader(io.StringIO(text)))
    assert [r[0] for r in parsed[1:]] == [first.number]
    # The routed department's head sees only theirs, without the submitter's name (the handler has it).
    head_rows = list(
        load_workbook(io.BytesIO(client_of(handler_dept.head).get(LIST + "export.xlsx").content)).active.iter_rows(
            values_only=True
        )
    )
    assert [r[0] for r in head_rows[1:]] == [second.number]
    assert "赵先生" not in head_rows[1]


def test_pages_cost_the_same_at_two_sizes(client_of, register, clerk, handler_dept):
    counts = []
    for size in (2, 7):
        for n in range(size):
            services.feedback_route(actor=clerk, feedback=register(subject=f"第{size}-{n}件"), department=handler_dept)
        last = Feedback.objects.order_by("-id").first()
        sizes = []
        for person in (clerk, handler_dept.head):
            client = client_of(person)
            for url in (LIST, f"{LIST}{last.pk}/", LIST + "export.xlsx", LIST + "export.csv"):
                with CaptureQueriesContext(connection) as queries:
                    assert client.get(url).status_code == 200
                sizes.append(len(queries))
        counts.append(sizes)
    assert counts[0] == counts[1]


# --- The public page ---------------------------------------------------------------------------------

PUBLIC = "/public/feedback/"


def _public_body(token, answer, **extra):
    return {
        "category": "suggestion",
        "subject": "网上建议",
        "content": "建议增加停车位",
        "token": token,
        "answer": answer,
        **extra,
    }


def _solve(question):
    a, _plus, b, *_rest = question.split()
    return int(a) + int(b)


def test_the_public_page_is_off_by_default(client):
    assert client.get(PUBLIC).status_code == 404
    assert client.post(PUBLIC, {}).status_code == 404


def test_the_public_page_challenges_and_registers(client, settings, office_head):
    settings.FEEDBACK_PUBLIC_ENABLED = True
    cache.clear()
    page = client.get(PUBLIC)
    assert page.status_code == 200
    assert 'id="challenge"' in page.content.decode()
    question, token = new_challenge()
    wrong = client.post(PUBLIC, _public_body(token, _solve(question) + 1))
    assert wrong.status_code == 400
    assert not Feedback.objects.exists()
    forged = client.post(PUBLIC, _public_body(token + "x", _solve(question)))
    assert forged.status_code == 400
    done = client.post(PUBLIC, _public_body(token, _solve(question), submitter_name="匿名者", anonymous="on"))
    assert done.status_code == 200
    feedback = Feedback.objects.get()
    assert feedback.number in done.content.decode()
    assert feedback.channel == "web" and feedback.anonymous and feedback.submitter_name == ""
    assert Notification.objects.filter(recipient=office_head, target_id=feedback.pk).exists()


def test_an_expired_challenge_is_refused(client, settings):
    settings.FEEDBACK_PUBLIC_ENABLED = True
    settings.FEEDBACK_CHALLENGE_SECONDS = -1
    cache.clear()
    question, token = new_challenge()
    assert client.post(PUBLIC, _public_body(token, _solve(question))).status_code == 400


def test_the_public_page_is_rate_limited_per_address(client, settings):
    settings.FEEDBACK_PUBLIC_ENABLED = True
    settings.FEEDBACK_PUBLIC_RATE_LIMIT = 2
    cache.clear()
    question, token = new_challenge()
    body = _public_body(token, _solve(question))
    assert client.post(PUBLIC, body, REMOTE_ADDR="10.0.0.1").status_code == 200
    assert client.post(PUBLIC, body, REMOTE_ADDR="10.0.0.1").status_code == 200
    assert client.post(PUBLIC, body, REMOTE_ADDR="10.0.0.1").status_code == 429
    assert client.post(PUBLIC, body, REMOTE_ADDR="10.0.0.2").status_code == 200
    assert Feedback.objects.count() == 3


def test_forms_cost_the_same_at_two_sizes(client_of, client, register, clerk, settings):
    settings.FEEDBACK_PUBLIC_ENABLED = True
    counts = []
    for size in (2, 7):
        for n in range(size):
            register(subject=f"第{size}-{n}件")
        sizes = []
        with CaptureQueriesContext(connection) as queries:
            assert client_of(clerk).get(LIST + "new/").status_code == 200
        sizes.append(len(queries))
        client.logout()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(PUBLIC).status_code == 200
        sizes.append(len(queries))
        counts.append(sizes)
    assert counts[0] == counts[1]


def test_odd_input_is_never_a_500(client_of, clerk, register):
    feedback = register()
    office = client_of(clerk)
    assert office.get(f"{LIST}99999999999999999999999/").status_code == 404
    assert office.get(LIST + "?q=%ED%A0%80&status=lost&overdue=maybe").status_code == 200
    bad = office.post(f"{LIST}{feedback.pk}/route/", {"route-department": "99999999999999999999", "route-handler": "x"})
    assert bad.status_code == 400
