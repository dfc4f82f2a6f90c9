"""The visibility walk of public feedback and of a classified leader bulletin (issue 10 items 2 and 4),
in the style of ``test_visibility_walk``: each walked by people of each role (and clearance) along
every URL and endpoint that can show it: its page, the lists, the API, the register's exports, the
work items (page, API, desk), the notifications (centre, API, opening) and the admin.

Feedback's rule is ``relations.feedback.feedback_visibility``: the office, the routed department's
head, the handler and whoever holds the handler's open item; a department it was re-routed away from
loses it. A bulletin's rule is ``relations.bulletin_selectors.bulletin_visibility``: the office and
the recipients, each within their clearance. Neither is in the full-text search.
"""

import csv
import io
from typing import Any

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from core.enums import Classification
from notifications.models import Notification
from notifications.presentation import masked_title as notification_masked_title
from relations.bulletin_services import bulletin_circulate, bulletin_reply
from relations.feedback import feedback_register_entry, feedback_route
from tests.factories import AdminFactory, DepartmentFactory, LeaderFactory, OfficeFactory, UserFactory
from tests.test_visibility_walk import (
    HIDDEN,
    MASKED,
    SHOWN,
    TITLE,
    _centre_row,
    _desk_row,
    _masked_text,
    _open,
)
from workload.models import WorkItem, WorkItemKind, WorkItemStatus
from workload.targets import masked_title

pytestmark = pytest.mark.django_db

_LETTERS = {"S": SHOWN, "H": HIDDEN, "M": MASKED}


def _expectations(columns: tuple[str, ...], table: dict[str, str]) -> dict[str, dict[str, str]]:
    return {role: dict(zip(columns, map(_LETTERS.get, row.split()), strict=True)) for role, row in table.items()}


def _walk(people: dict[str, Any], expect: dict[str, dict[str, str]], shows: Any, walk: Any, world: Any) -> list[str]:
    wrong = []
    for role, person in people.items():
        client, api = Client(), APIClient()
        client.force_login(person)
        api.force_authenticate(person)
        expected = shows(role) if callable(shows) else expect[role][shows]
        got = walk(client, api, world)
        if got != expected:
            wrong.append(f"{role}: expected {expected}, got {got}")
    return wrong


def _json_detail(api: APIClient, url: str) -> str:
    """An API detail without a ``title`` field: 404, or the title somewhere in it."""
    response = api.get(url)
    if response.status_code == 404:
        return HIDDEN
    assert response.status_code == 200, (url, response.status_code)
    return SHOWN if TITLE in response.content.decode() else HIDDEN


def _json_rows(api: APIClient, url: str, pk: int, field: str) -> str:
    response = api.get(url)
    assert response.status_code == 200, (url, response.status_code)
    rows = [row for row in response.json()["results"] if row["id"] == pk]
    if not rows:
        return HIDDEN
    assert rows[0][field] == TITLE
    return SHOWN


def _masked_labels() -> set[str]:
    with translation.override("zh-hans"):
        return {f(level) for level in Classification.values for f in (masked_title, notification_masked_title)}


def _page(client: Client, url: str) -> str:
    """A page: HIDDEN on 404 or a redirect to the admin login, SHOWN with the title, else MASKED if a
    masked label (of any classification) is on it."""
    response = client.get(url)
    if response.status_code == 404 or (response.status_code == 302 and "/login/" in response["Location"]):
        return HIDDEN
    assert response.status_code == 200, (url, response.status_code)
    body = response.content.decode()
    if TITLE in body:
        return SHOWN
    return MASKED if any(label in body for label in _masked_labels()) else HIDDEN


def _api_detail(api: APIClient, url: str) -> str:
    """A work item's endpoint: 404, its title (the feedback's is its number and subject), or masked."""
    response = api.get(url)
    if response.status_code == 404:
        return HIDDEN
    assert response.status_code == 200, (url, response.status_code)
    body = response.json()
    if TITLE in body["title"]:
        return SHOWN
    assert body["title"] in _masked_labels()
    return MASKED


def _api_rows(api: APIClient, url: str, pk: int) -> str:
    response = api.get(url)
    assert response.status_code == 200, (url, response.status_code)
    rows = [row for row in response.json()["results"] if row["id"] == pk]
    if not rows:
        return HIDDEN
    if TITLE in rows[0]["title"]:
        return SHOWN
    assert rows[0]["title"] in _masked_labels()
    assert rows[0]["target"] is None or rows[0]["target"]["url"] is None
    return MASKED


def _csv_export(client: Client) -> str:
    response = client.get("/relations/feedback/export.csv")
    if response.status_code == 404:
        return HIDDEN
    assert response.status_code == 200, response.status_code
    cells = [cell for row in csv.reader(io.StringIO(response.content.decode("utf-8-sig"))) for cell in row]
    return SHOWN if TITLE in cells else HIDDEN


def _xlsx_export(client: Client) -> str:
    response = client.get("/relations/feedback/export.xlsx")
    if response.status_code == 404:
        return HIDDEN
    assert response.status_code == 200, response.status_code
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cells = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    return SHOWN if TITLE in cells else HIDDEN


def _item_rows(api: APIClient, pk: int) -> str:
    found = [_api_rows(api, f"/api/v1/work-items/?scope={s}", pk) for s in ("mine", "assigned")]
    return max(found, key=[HIDDEN, MASKED, SHOWN].index)


# --- Public feedback ------------------------------------------------------------------------------


class FeedbackWorld:
    def __init__(self, people: dict[str, Any], feedback: Any, item: WorkItem, old: WorkItem, note: Any) -> None:
        self.people, self.feedback, self.item, self.old, self.note = people, feedback, item, old, note


@pytest.fixture
def feedback_world(db) -> FeedbackWorld:
    office = OfficeFactory()
    routed = DepartmentFactory(name="承办处", code="routed")
    former = DepartmentFactory(name="原承办处", code="former")
    p = {
        "outsider": UserFactory(username="outsider", department=DepartmentFactory(code="other")),
        "clerk": UserFactory(username="clerk", department=office),
        "leader": LeaderFactory(username="leader", department=DepartmentFactory(name="局领导", code="leaders")),
        "admin_plain": AdminFactory(username="admin_plain", department=DepartmentFactory(code="it")),
        "admin_office": AdminFactory(username="admin_office", department=office),
        "routed_head": UserFactory(username="routed_head", department=routed),
        "handler": UserFactory(username="handler", department=routed),
        "colleague": UserFactory(username="colleague", department=routed),
        "former_head": UserFactory(username="former_head", department=former),
    }
    for department, head in ((routed, p["routed_head"]), (former, p["former_head"])):
        department.head = head
        department.save()
    office.head = UserFactory(username="office_head", department=office)
    office.save()
    entry = feedback_register_entry(
        actor=p["clerk"],
        channel="letter",
        category="complaint",
        subject=TITLE,
        content="反映内容",
        submitter_name="赵先生",
        submitter_phone="13800000000",
    )
    feedback_route(actor=p["clerk"], feedback=entry, department=former)
    entry = feedback_route(actor=p["clerk"], feedback=entry, department=routed, handler=p["handler"])
    items = WorkItem.objects.filter(kind=WorkItemKind.FEEDBACK, target_id=entry.pk)
    item, old = items.get(status=WorkItemStatus.OPEN), items.get(status=WorkItemStatus.CANCELLED)
    note = Notification.objects.filter(recipient=p["handler"]).latest("id")
    return FeedbackWorld(p, entry, item, old, note)


# feedback: the feedback itself (pages, API, exports). item: the handler's open item (its page and
# endpoint: the rule of the target, asked of its assignee, its assigner and the office). old: the
# item the re-route cancelled (the former department's head held it). mine: the handler's item in
# the person's own lists and desk. note: the handler's notification of the item.
FEEDBACK_COLUMNS = ("feedback", "item", "old", "mine", "note")
FEEDBACK_TABLE = {
    #                 feedback item old mine note
    "outsider":       "H        H    H   H    H",
    "clerk":          "S        S    S   S    H",
    "leader":         "H        H    H   H    H",
    # An administrator administers people and settings, not content: need-to-know binds.
    "admin_plain":    "H        H    H   H    H",
    "admin_office":   "S        S    S   H    H",
    "routed_head":    "S        H    H   H    H",
    "handler":        "S        S    H   S    S",
    "colleague":      "H        H    H   H    H",
    # Re-routed away: the department lost the feedback; its own cancelled item only says it existed.
    "former_head":    "H        H    M   H    H",
}  # fmt: skip
FEEDBACK_EXPECT = _expectations(FEEDBACK_COLUMNS, FEEDBACK_TABLE)
FEEDBACK_STAFF = {"admin_plain", "admin_office"}


def feedback_admin(shows: str):
    return lambda role: FEEDBACK_EXPECT[role][shows] if role in FEEDBACK_STAFF else HIDDEN


FEEDBACK_PATHS = [
    ("feedback page", "feedback", lambda c, a, w: _page(c, f"/relations/feedback/{w.feedback.pk}/")),
    ("feedback register page", "feedback", lambda c, a, w: _page(c, "/relations/feedback/")),
    ("feedback API", "feedback", lambda c, a, w: _json_detail(a, f"/api/v1/feedback/{w.feedback.pk}/")),
    (
        "feedback list API",
        "feedback",
        lambda c, a, w: _json_rows(a, "/api/v1/feedback/", w.feedback.pk, "subject"),
    ),
    ("register CSV export", "feedback", lambda c, a, w: _csv_export(c)),
    ("register XLSX export", "feedback", lambda c, a, w: _xlsx_export(c)),
    (
        "admin feedback change",
        feedback_admin("feedback"),
        lambda c, a, w: _page(c, f"/admin/relations/feedback/{w.feedback.pk}/change/"),
    ),
    ("admin feedback list", feedback_admin("feedback"), lambda c, a, w: _page(c, "/admin/relations/feedback/")),
    ("item page", "item", lambda c, a, w: _page(c, f"/items/{w.item.pk}/")),
    ("item API", "item", lambda c, a, w: _api_detail(a, f"/api/v1/work-items/{w.item.pk}/")),
    (
        "admin item change",
        feedback_admin("item"),
        lambda c, a, w: _page(c, f"/admin/workload/workitem/{w.item.pk}/change/"),
    ),
    ("cancelled item page", "old", lambda c, a, w: _page(c, f"/items/{w.old.pk}/")),
    ("cancelled item API", "old", lambda c, a, w: _api_detail(a, f"/api/v1/work-items/{w.old.pk}/")),
    ("work-item list API", "mine", lambda c, a, w: _item_rows(a, w.item.pk)),
    ("desk", "mine", lambda c, a, w: _desk_row(c, w.item.pk)),
    ("notification centre", "note", lambda c, a, w: _centre_row(c, w.note.pk)),
    ("notification list API", "note", lambda c, a, w: _api_rows(a, "/api/v1/notifications/", w.note.pk)),
    (
        "notification open",
        "note",
        lambda c, a, w: _open(c, w.note.pk, reverse("relations:feedback_detail", args=[w.feedback.pk])),
    ),
]


@pytest.mark.parametrize(("name", "shows", "walk"), FEEDBACK_PATHS, ids=[p[0] for p in FEEDBACK_PATHS])
def test_every_path_asks_the_feedback_rule(feedback_world, name, shows, walk):
    wrong = _walk(feedback_world.people, FEEDBACK_EXPECT, shows, walk, feedback_world)
    assert not wrong, f"{name}: " + "; ".join(wrong)


# --- A classified leader bulletin ------------------------------------------------------------------


class BulletinWorld:
    def __init__(self, people: dict[str, Any], bulletin: Any, item: WorkItem, note: Any) -> None:
        self.people, self.bulletin, self.item, self.note = people, bulletin, item, note


@pytest.fixture
def bulletin_world(db) -> BulletinWorld:
    office = OfficeFactory()
    leadership = DepartmentFactory(name="局领导", code="leaders")
    secret = "secret"
    p = {
        "outsider": UserFactory(username="outsider", department=DepartmentFactory(code="other"), clearance=secret),
        "office_internal": UserFactory(username="office_low", department=office),
        "office_secret": UserFactory(username="office_high", department=office, clearance=secret),
        "recipient": LeaderFactory(username="recipient", department=leadership, clearance=secret),
        "co_recipient": LeaderFactory(username="co_recipient", department=leadership, clearance=secret),
        "other_leader": LeaderFactory(username="other_leader", department=leadership, clearance=secret),
        "leader_internal": LeaderFactory(username="leader_low", department=leadership),
        "admin_secret": AdminFactory(username="admin_high", clearance=secret),
        "admin_secret_office": AdminFactory(username="admin_office", department=office, clearance=secret),
    }
    bulletin = bulletin_circulate(
        actor=p["office_secret"],
        title=TITLE,
        body="涉密通报",
        recipients=[p["recipient"], p["co_recipient"]],
        classification=secret,
    )
    bulletin_reply(actor=p["co_recipient"], bulletin=bulletin, text="已阅，同意。")
    item = WorkItem.objects.get(kind=WorkItemKind.BULLETIN, target_id=bulletin.pk, assignee=p["recipient"])
    note = Notification.objects.filter(recipient=p["recipient"]).exclude(kind="assigned").latest("id")
    return BulletinWorld(p, bulletin, item, note)


# bulletin: the bulletin (pages, API, admin). item: the recipient's item to read it (its page and
# endpoint). mine: that item in the person's own lists and desk. note: the recipient's notification
# of the co-recipient's reply.
BULLETIN_COLUMNS = ("bulletin", "item", "mine", "note")
BULLETIN_TABLE = {
    #                      bulletin item mine note
    "outsider":            "H        H    H    H",
    "office_internal":     "H        H    H    H",
    "office_secret":       "S        S    S    H",
    "recipient":           "S        S    S    S",
    "co_recipient":        "S        H    H    H",
    "other_leader":        "H        H    H    H",
    "leader_internal":     "H        H    H    H",
    "admin_secret":        "H        H    H    H",
    "admin_secret_office": "S        S    H    H",
}  # fmt: skip
BULLETIN_EXPECT = _expectations(BULLETIN_COLUMNS, BULLETIN_TABLE)
BULLETIN_STAFF = {"admin_secret", "admin_secret_office"}


def bulletin_admin(shows: str):
    return lambda role: BULLETIN_EXPECT[role][shows] if role in BULLETIN_STAFF else HIDDEN


BULLETIN_PATHS = [
    ("bulletin page", "bulletin", lambda c, a, w: _page(c, f"/relations/bulletins/{w.bulletin.pk}/")),
    ("bulletin list page", "bulletin", lambda c, a, w: _page(c, "/relations/bulletins/")),
    ("bulletin API", "bulletin", lambda c, a, w: _json_detail(a, f"/api/v1/bulletins/{w.bulletin.pk}/")),
    ("bulletin list API", "bulletin", lambda c, a, w: _json_rows(a, "/api/v1/bulletins/", w.bulletin.pk, "title")),
    (
        "admin bulletin change",
        bulletin_admin("bulletin"),
        lambda c, a, w: _page(c, f"/admin/relations/bulletin/{w.bulletin.pk}/change/"),
    ),
    ("admin bulletin list", bulletin_admin("bulletin"), lambda c, a, w: _page(c, "/admin/relations/bulletin/")),
    ("item page", "item", lambda c, a, w: _page(c, f"/items/{w.item.pk}/")),
    ("item API", "item", lambda c, a, w: _api_detail(a, f"/api/v1/work-items/{w.item.pk}/")),
    (
        "admin item change",
        bulletin_admin("item"),
        lambda c, a, w: _page(c, f"/admin/workload/workitem/{w.item.pk}/change/"),
    ),
    ("work-item list API", "mine", lambda c, a, w: _item_rows(a, w.item.pk)),
    ("desk", "mine", lambda c, a, w: _desk_row(c, w.item.pk)),
    ("notification centre", "note", lambda c, a, w: _centre_row(c, w.note.pk)),
    ("notification list API", "note", lambda c, a, w: _api_rows(a, "/api/v1/notifications/", w.note.pk)),
]


@pytest.mark.parametrize(("name", "shows", "walk"), BULLETIN_PATHS, ids=[p[0] for p in BULLETIN_PATHS])
def test_every_path_asks_the_bulletin_rule(bulletin_world, name, shows, walk):
    wrong = _walk(bulletin_world.people, BULLETIN_EXPECT, shows, walk, bulletin_world)
    assert not wrong, f"{name}: " + "; ".join(wrong)


def test_the_reply_notification_opens_the_bulletin_only_for_its_recipient(bulletin_world):
    url = reverse("bulletins:detail", args=[bulletin_world.bulletin.pk])
    for role, person in bulletin_world.people.items():
        client = Client()
        client.force_login(person)
        expected = SHOWN if role == "recipient" else HIDDEN
        assert _open(client, bulletin_world.note.pk, url) == expected, role


def test_the_walks_items_and_notes_carry_the_classification(bulletin_world):
    assert bulletin_world.item.classification == bulletin_world.note.classification == "secret"
    assert _masked_text()  # the masked label exists in the catalogue
