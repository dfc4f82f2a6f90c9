"""A strict Content Security Policy on every page, and markup that needs nothing more.

Every URL of the application (the login-required sweep's list, filled with real objects where a
page shows one) is requested as a leader who administers the site. Every answer carries the policy
(no 'unsafe-inline', no 'unsafe-eval'), and every HTML page is free of what that policy refuses:
inline <script> bodies, on* event attributes, style attributes and <style> elements, and htmx's
hx-on handlers (behaviour lives in static/js/*.js).
"""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.urls import NoReverseMatch, reverse

from affairs.models import Arrangement
from affairs.services import ArrangementSpec, matter_create, plan_create, reception_create
from tests.factories import AdminFactory, NotificationFactory, UserFactory, WorkItemFactory
from tests.test_login_required import ALL_URLS

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")

# Markup a strict policy refuses (or that would need 'unsafe-inline' / 'unsafe-hashes').
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*\btype=\"application/(?:ld\+)?json\")[^>]*>", re.I)
SCRIPT_WITH_BODY = re.compile(r"<script\b[^>]*\bsrc=[^>]*>\s*[^<\s]", re.I)
EVENT_ATTRIBUTE = re.compile(r"<[a-z][^>]*?\son[a-z]+\s*=", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[a-z][^>]*?\sstyle\s*=", re.I)
STYLE_ELEMENT = re.compile(r"<style\b", re.I)
HX_ON = re.compile(r"\shx-on", re.I)


def policy(response) -> dict[str, list[str]]:
    header = response.get("Content-Security-Policy")
    assert header, f"{response.wsgi_request.path} has no Content-Security-Policy header"
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def assert_strict(response) -> None:
    directives = policy(response)
    path = response.wsgi_request.path
    for name, values in directives.items():
        assert "'unsafe-inline'" not in values, (path, name)
        assert "'unsafe-eval'" not in values, (path, name)
        assert "*" not in values, (path, name)
    assert directives["script-src"] == ["'self'"], path
    assert directives["style-src"] == ["'self'"], path
    assert directives["object-src"] == ["'none'"], path
    assert directives["default-src"] == ["'self'"], path
    assert directives["frame-ancestors"] == ["'none'"], path


def assert_no_inline_code(path: str, body: str) -> None:
    for name, pattern in [
        ("an inline <script>", INLINE_SCRIPT),
        ("a <script src> with a body", SCRIPT_WITH_BODY),
        ("an on* event attribute", EVENT_ATTRIBUTE),
        ("a style attribute", STYLE_ATTRIBUTE),
        ("a <style> element", STYLE_ELEMENT),
        ("an hx-on handler", HX_ON),
    ]:
        found = pattern.search(body)
        assert found is None, f"{path} has {name}: {body[max(found.start() - 80, 0) : found.end() + 80]!r}"


@pytest.fixture
def bureau(office, department):
    """A leader who administers the site, and one of each thing a page shows."""
    with time_machine.travel(datetime(2026, 3, 2, 10, tzinfo=SH), tick=False):
        boss = AdminFactory(username="boss", name="王局长", department=office, is_leader=True, clearance="confidential")
        head = UserFactory(username="head", name="李处长", department=department)
        department.head = head
        department.save()
        staff = UserFactory(username="staff", name="张文涛", department=department)
        matter = matter_create(
            actor=boss, title="完善应急值班制度", description="修订值班表", priority="key", lead=staff,
            assisting=[head], due_on=date(2026, 3, 6),
        )  # fmt: skip
        reception = reception_create(
            actor=boss, visiting_org="兄弟单位考察团", purpose="交流", arrival=datetime(2026, 3, 10, 9, tzinfo=SH),
            departure=datetime(2026, 3, 10, 17, tzinfo=SH), visitors=[("钱主任", "主任")], visitor_count=4,
            host_leader=boss, arrangements=[ArrangementSpec(kind="meals", owner=staff, description="午餐")],
        )  # fmt: skip
        plan = plan_create(
            actor=head, title="三月工作计划", period="month", period_start=date(2026, 3, 1), department=department
        )
        item = WorkItemFactory(assignee=staff, assigned_by=boss)
        WorkItemFactory(assignee=boss, assigned_by=head)
        NotificationFactory(recipient=boss)
    return {
        "boss": boss,
        "affairs:matter": matter.pk,
        "affairs:reception": reception.pk,
        "affairs:arrangement": Arrangement.objects.filter(reception=reception).first().pk,
        "affairs:plan": plan.pk,
        "workload:item": item.pk,
        "accounts:person": staff.pk,
        "admin:affairs_matter_change": matter.pk,
        "admin:accounts_user_change": staff.pk,
        "admin:workload_workitem_change": item.pk,
        "content_type": ContentType.objects.get_for_model(type(matter)).pk,
    }


def url_of(name: str, sample: str, objects: dict) -> str:
    """The URL of ``name`` with a real object's id where it takes one, else the sweep's sample."""
    for prefix, pk in objects.items():
        if isinstance(pk, int) and name.startswith(prefix):
            try:
                return reverse(name, args=[pk])
            except NoReverseMatch:
                pass
    return sample


def test_every_page_sends_the_strict_policy_and_has_no_inline_code(client, bureau):
    client.force_login(bureau["boss"])
    checked = 0
    with time_machine.travel(datetime(2026, 3, 3, 10, tzinfo=SH), tick=False):
        for name, sample in ALL_URLS:
            if name in ("accounts:logout", "static") or name.startswith("<unnamed"):
                continue
            path = url_of(name, sample, bureau)
            response = client.get(path, headers={"accept-language": "zh-hans"})
            assert_strict(response)
            if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
                assert_no_inline_code(path, response.content.decode())
                checked += 1
    # The desk, lists, detail pages, forms, the admin and the API reference were among them.
    assert checked >= 40


def test_the_login_page_and_errors_send_the_policy_too(client):
    response = client.get(reverse("login"))
    assert_strict(response)
    assert_no_inline_code("login", response.content.decode())
    assert_strict(client.get("/no-such-page/"))


def test_htmx_is_told_to_evaluate_nothing_and_inject_no_styles(client, bureau):
    client.force_login(bureau["boss"])
    body = client.get(reverse("workload:desk")).content.decode()
    assert """<meta name="htmx-config" content='{"includeIndicatorStyles": false, "allowEval": false}'>""" in body


def test_redoc_which_the_policy_would_break_leads_to_swagger_ui(client, bureau):
    client.force_login(bureau["boss"])
    response = client.get(reverse("api-redoc"))
    assert response.status_code == 302
    assert response["Location"] == reverse("api-docs")
