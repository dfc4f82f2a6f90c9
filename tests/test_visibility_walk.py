"""The visibility walk (issue 7, item 1): a 秘密 matter, its work items and notifications, walked by
people of each clearance and role along every URL and endpoint that can show them.

One rule decides (the matter's, registered with ``workload.targets``); every path must ask it. Each
path is one line of ``PATHS``: what it shows (the matter, one of its items, a notification about it)
and how to read the answer. Each role's expectation for each object is a line of ``EXPECT``:
``SHOWN`` (title and details), ``MASKED`` (that it exists: "一件秘密级待办", no title, no link) or
``HIDDEN`` (404, absent from lists, or the admin's login page for people who are not staff).
A new path is one line; a path that forgets the rule fails here.
"""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from rest_framework.test import APIClient

from affairs.services import matter_create, matter_report_progress
from core.models import Attachment, AuditEvent
from notifications import delivery, robots
from notifications.models import EmailDelivery, EmailMode, Notification, NotificationPreference
from notifications.presentation import masked_title as notification_masked_title
from tests.factories import AdminFactory, DepartmentFactory, LeaderFactory, OfficeFactory, UserFactory
from workload.models import WorkItem
from workload.targets import masked_title
from workload.urging import reminder_schedule, workitem_urge

pytestmark = pytest.mark.django_db

TITLE = "绝密项目甲的督办"
SHOWN, MASKED, HIDDEN = "shown", "masked", "hidden"


@dataclass
class World:
    people: dict[str, Any]
    matter: Any
    items: dict[str, WorkItem]  # "lead": the assignee's item; "lowered": an owner no longer cleared
    notes: dict[str, Notification]  # the "assigned" notification of each item's assignee
    reminder: int  # a scheduled reminder about the matter (its title is the matter's)
    attachment: int  # a file of a progress report on the matter
    reader: Any = None  # the person walking (for the paths that are not requests: e-mail, robot)


@pytest.fixture
def world(db) -> World:
    office = OfficeFactory()
    general = DepartmentFactory(name="综合处", code="general")
    leadership = DepartmentFactory(name="局领导", code="leaders")
    secret = "secret"
    p = {
        "outsider": UserFactory(username="outsider", department=DepartmentFactory(code="other")),
        "office_internal": UserFactory(username="office_low", department=office),
        "office_secret": UserFactory(username="office_high", department=office, clearance=secret),
        "leader_internal": LeaderFactory(username="leader_low", department=leadership),
        "leader_secret": LeaderFactory(username="leader_high", department=leadership, clearance=secret),
        "admin_internal": AdminFactory(username="admin_low"),
        "admin_secret_office": AdminFactory(username="admin_high", department=office, clearance=secret),
        "assignee": UserFactory(username="lead", department=general, clearance=secret),
        "assigner": LeaderFactory(username="assigner", department=leadership, clearance=secret),
        "owners_head": UserFactory(username="head", department=general, clearance=secret),
        "lowered_owner": UserFactory(username="lowered", department=general, clearance=secret),
    }
    general.head = p["owners_head"]
    general.save()
    matter = matter_create(
        actor=p["assigner"],
        title=TITLE,
        description="涉密内容",
        lead=p["assignee"],
        assisting=[p["lowered_owner"]],
        due_on=timezone.localdate().replace(year=timezone.localdate().year + 1),
        classification=secret,
    )
    # The assisting owner's clearance is lowered afterwards: they keep their item, not the matter.
    p["lowered_owner"].clearance = "internal"
    p["lowered_owner"].save()
    items = {
        "lead": WorkItem.objects.get(target_id=matter.pk, assignee=p["assignee"]),
        "lowered": WorkItem.objects.get(target_id=matter.pk, assignee=p["lowered_owner"]),
    }
    notes = {key: Notification.objects.get(recipient=item.assignee, kind="assigned") for key, item in items.items()}
    # An urge on the lead item and a scheduled reminder about the matter, for their admin pages.
    workitem_urge(actor=p["assigner"], item=items["lead"], message="请抓紧")
    (reminder,) = reminder_schedule(
        target=matter, recipients=[p["assignee"]], at=[timezone.now() + timedelta(days=3)], title=TITLE
    )
    # A progress report with a file, for the attachment downloads.
    event = matter_report_progress(
        actor=p["assignee"], matter=matter, text="进展", files=[SimpleUploadedFile("a.txt", "内容".encode())]
    )
    attachment = Attachment.objects.get(owner_id=event.pk)
    return World(people=p, matter=matter, items=items, notes=notes, reminder=reminder.pk, attachment=attachment.pk)


# --- Who sees what ----------------------------------------------------------------------------------
# matter: the matter itself. lead/lowered: the two work items (item pages and endpoints: the circle
# is the item's assignee and assigner, the office and administrators, all within the matter's rule).
# mine_*: the item in the person's own lists (work-item list API). note_*: the notification.
COLUMNS = ("matter", "lead", "lowered", "mine_lead", "mine_lowered", "note_lead", "note_lowered")
TABLE = {
    #                      matter lead lowered mine_lead mine_lowered note_lead note_lowered
    "outsider":            "H      H    H       H         H            H         H",
    "office_internal":     "H      H    H       H         H            H         H",
    "office_secret":       "S      S    S       H         H            H         H",
    "leader_internal":     "H      H    H       H         H            H         H",
    # A leader cleared for it sees the matter; work items are their holders', the assigner's and the office's.
    "leader_secret":       "S      H    H       H         H            H         H",
    # An administrator administers people and settings, not content: clearance and need-to-know bind.
    "admin_internal":      "H      H    H       H         H            H         H",
    "admin_secret_office": "S      S    S       H         H            H         H",
    "assignee":            "S      S    H       S         H            S         H",
    "assigner":            "S      S    S       S         S            H         H",
    "owners_head":         "S      H    H       H         H            H         H",
    # Cleared once, lowered since: their own item and notification say only that something exists.
    "lowered_owner":       "H      H    M       H         M            H         M",
}  # fmt: skip
_LETTERS = {"S": SHOWN, "M": MASKED, "H": HIDDEN}
EXPECT = {role: dict(zip(COLUMNS, map(_LETTERS.get, row.split()), strict=True)) for role, row in TABLE.items()}


STAFF = {"admin_internal", "admin_secret_office"}  # the admin site is for administrators only


def admin(shows: str):
    """Admin pages: the object's expectation for administrators; the login page for everyone else."""
    return lambda role: EXPECT[role][shows] if role in STAFF else HIDDEN


def urge(shows: str):
    """催办: nothing to urge on what one may see only masked (404, as for what one may not see)."""
    return lambda role: HIDDEN if EXPECT[role][shows] == MASKED else EXPECT[role][shows]


def admin_note(role: str) -> str:
    """A notification in the admin: to an administrator who may see the matter, what it says; to
    another, only that it exists (the admin lists every notification, masked where need be)."""
    return HIDDEN if role not in STAFF else (SHOWN if EXPECT[role]["matter"] == SHOWN else MASKED)


def robot(shows: str):
    """A robot message goes to a group: a 秘密 item's message says only that it exists, even to a
    recipient who may see it."""
    return lambda role: MASKED if EXPECT[role][shows] == SHOWN else EXPECT[role][shows]


def _masked_text() -> str:
    with translation.override("zh-hans"):
        return masked_title("secret")


def _masked_notification_text() -> str:
    with translation.override("zh-hans"):
        return notification_masked_title("secret")


# --- How each path answers ----------------------------------------------------------------------------


def _page(client: Client, url: str, *, method: str = "get") -> str:
    """A page: HIDDEN on 404 or a redirect to the admin login, SHOWN if the title is on it, else MASKED."""
    response = getattr(client, method)(url)
    if response.status_code == 404 or (response.status_code == 302 and "/login/" in response["Location"]):
        return HIDDEN
    assert response.status_code == 200, (url, response.status_code)
    body = response.content.decode()
    if TITLE in body:
        return SHOWN
    return MASKED if _masked_text() in body else HIDDEN


def _listing(client: Client, url: str) -> str:
    """A list page: SHOWN if the title is on it, MASKED if only the masked title is, else HIDDEN."""
    return _page(client, url)


def _centre_row(client: Client, pk: int) -> str:
    """The notification centre: the row of notification ``pk``, its title shown or masked, or absent."""
    body = client.get("/notifications/").content.decode()
    row = re.search(rf'id="notification-{pk}">(.*?)</li>', body, re.S)
    if row is None:
        return HIDDEN
    return SHOWN if TITLE in row.group(1) else MASKED


def _open(client: Client, pk: int, target_url: str) -> str:
    """Opening a notification: 404 for anyone but its recipient; to its target only for a reader who
    may see the target (a masked one leads back to the notification centre)."""
    response = client.post(f"/notifications/{pk}/open/")
    if response.status_code == 404:
        return HIDDEN
    assert response.status_code == 302, response.status_code
    return SHOWN if response["Location"] == target_url else MASKED


def _api_detail(api: APIClient, url: str) -> str:
    response = api.get(url)
    if response.status_code == 404:
        return HIDDEN
    assert response.status_code == 200, (url, response.status_code)
    body = response.json()
    if body["title"] == TITLE:
        return SHOWN
    assert body["title"] == _masked_text()
    assert body.get("target") is None or body["target"]["url"] is None
    return MASKED


def _api_rows(api: APIClient, url: str, pk: int, *, masked: Any = _masked_text) -> str:
    response = api.get(url)
    assert response.status_code == 200, (url, response.status_code)
    rows = [row for row in response.json()["results"] if row["id"] == pk]
    if not rows:
        return HIDDEN
    if rows[0]["title"] == TITLE:
        return SHOWN
    assert rows[0]["title"] == masked()
    assert rows[0]["target"] is None or rows[0]["target"]["url"] is None
    return MASKED


def _search(client: Client, api: APIClient, pk: int, *, via_api: bool) -> str:
    """The navigation's search (page or API): the matter's hit, or nothing; never a masked title."""
    if via_api:
        response = api.get("/api/v1/search/", {"q": "项目甲"})
        assert response.status_code == 200, response.status_code
        hits = [row for row in response.json()["results"] if (row["type"], row["id"]) == ("matter", pk)]
        shown = bool(hits) and TITLE in hits[0]["title"].replace("<mark>", "").replace("</mark>", "")
        assert shown == bool(hits), hits
    else:
        response = client.get("/search/", {"q": "项目甲"})
        assert response.status_code == 200, response.status_code
        shown = f'id="hit-matter-{pk}"' in response.content.decode()
    return SHOWN if shown else HIDDEN


def _urge(client: Any, url: str, *, api: bool) -> str:
    """An urge is refused with 404 unless the person may see the item's target (then 200/302/403/429)."""
    response = client.post(url, {}, format="json") if api else client.post(url, {"message": ""})
    return HIDDEN if response.status_code == 404 else SHOWN


def _audit(client: Client, world: World) -> str:
    """The audit log's admin lists the matter's entries only to those who may see the matter."""
    page = client.get("/admin/core/auditevent/")
    if page.status_code == 302:
        return HIDDEN
    listed = {e.pk for e in page.context["cl"].result_list}
    entry = AuditEvent.objects.get(verb="matter.create", target_id=world.matter.pk)
    shown = entry.pk in listed
    detail = client.get(f"/admin/core/auditevent/{entry.pk}/change/").status_code
    assert (detail == 200) == shown, detail
    return SHOWN if shown else HIDDEN


def _download(client: Any, url: str) -> str:
    """A file of the matter: the file itself, or 404."""
    response = client.get(url)
    if response.status_code == 404:
        return HIDDEN
    assert response.status_code == 200, (url, response.status_code)
    assert b"".join(response.streaming_content if response.streaming else [response.content]) == "内容".encode()
    return SHOWN


def dashboard(shows: str):
    """The dashboards' drill-down: for its viewers (leaders, the office, administrators, the head of
    the item's department) the item is counted, and titled only if they may see the matter; for
    anyone else the page is a 404."""
    viewers = {"office_internal", "office_secret", "leader_internal", "leader_secret", "admin_internal",
               "admin_secret_office", "assigner", "owners_head"}  # fmt: skip
    return lambda role: (SHOWN if EXPECT[role]["matter"] == SHOWN else MASKED) if role in viewers else HIDDEN


def _drill_row(client: Client, pk: int) -> str:
    """The items behind the open-work figure: the row of item ``pk``, titled or masked; a 404 hides it."""
    response = client.get("/dashboard/items/", {"figure": "open"})
    if response.status_code == 404:
        return HIDDEN
    assert response.status_code == 200, response.status_code
    body = response.content.decode()
    start = body.find(f'id="item-{pk}"')
    if start < 0:
        return HIDDEN
    row = body[start : body.find("</tr>", start)]
    return SHOWN if TITLE in row else MASKED if _masked_text() in row else HIDDEN


def _desk_row(client: Client, pk: int) -> str:
    """My desk, every tab: the row of item ``pk``, its title shown or masked, or absent."""
    found = HIDDEN
    for tab in ("todo", "assigned", "done"):
        body = client.get(f"/?tab={tab}").content.decode()
        start = body.find(f'id="item-{pk}"')
        if start < 0:
            continue
        row = body[start : body.find("</li>", start)]
        got = SHOWN if TITLE in row else MASKED if _masked_text() in row else HIDDEN
        found = max(found, got, key=[HIDDEN, MASKED, SHOWN].index)
    return found


def _email(world: World, key: str, person: Any, *, digest: bool) -> str:
    """The e-mail a notification sends its recipient (at once, or in the daily digest)."""
    note = world.notes[key]
    row = EmailDelivery.objects.filter(notification=note, recipient=person).first()
    if row is None:
        return HIDDEN
    mail.outbox.clear()
    if digest:
        EmailDelivery.objects.filter(pk=row.pk).update(mode=EmailMode.DIGEST)
        NotificationPreference.objects.update_or_create(
            user=person, defaults={"email_mode": EmailMode.DIGEST, "digest_hour": 9}
        )
        monday = datetime(2026, 12, 7, 9, 5, tzinfo=timezone.get_current_timezone())  # a working day, 9 h
        assert delivery.send_digests(now=monday) == 1
    else:
        assert delivery.send_one(row.pk) == "sent"
    (message,) = mail.outbox
    text = message.subject + message.body + "".join(str(part[0]) for part in message.alternatives)
    matter_url = reverse("affairs:matter_detail", args=[world.matter.pk])
    if TITLE in text:
        return SHOWN
    assert matter_url not in text  # a masked notification links to the notification centre only
    return MASKED if _masked_text() in text else HIDDEN


def _robot(world: World, key: str, person: Any) -> str:
    """The group-robot message of a notification to its recipient (composed as the worker sends it)."""
    note = Notification.objects.get(pk=world.notes[key].pk)
    if note.recipient_id != person.pk:
        return HIDDEN
    headline, text = robots.compose(note)
    if TITLE in headline + text:
        return SHOWN
    return MASKED if _masked_text() in headline + text else HIDDEN


# Each path: (name, what it shows, how to walk it). ``c`` is the page client, ``a`` the API client.
PATHS = [
    ("matter page", "matter", lambda c, a, w: _page(c, f"/affairs/matters/{w.matter.pk}/")),
    ("matter list page", "matter", lambda c, a, w: _listing(c, "/affairs/matters/")),
    ("matter API", "matter", lambda c, a, w: _api_detail(a, f"/api/v1/matters/{w.matter.pk}/")),
    ("matter list API", "matter", lambda c, a, w: _api_rows(a, "/api/v1/matters/", w.matter.pk)),
    ("search page", "matter", lambda c, a, w: _search(c, a, w.matter.pk, via_api=False)),
    ("search API", "matter", lambda c, a, w: _search(c, a, w.matter.pk, via_api=True)),
    ("admin matter change", admin("matter"), lambda c, a, w: _page(c, f"/admin/affairs/matter/{w.matter.pk}/change/")),
    ("admin matter list", admin("matter"), lambda c, a, w: _listing(c, "/admin/affairs/matter/")),
    ("admin audit log", admin("matter"), lambda c, a, w: _audit(c, w)),
    ("attachment download", "matter", lambda c, a, w: _download(c, f"/affairs/matters/attachments/{w.attachment}/")),
    ("attachment API", "matter", lambda c, a, w: _download(a, f"/api/v1/matter-attachments/{w.attachment}/")),
    ("admin urge list", admin("lead"), lambda c, a, w: _listing(c, "/admin/workload/urge/")),
    ("admin reminder list", admin("matter"), lambda c, a, w: _listing(c, "/admin/workload/scheduledreminder/")),
    (
        "admin reminder change",
        admin("matter"),
        lambda c, a, w: _page(c, f"/admin/workload/scheduledreminder/{w.reminder}/change/"),
    ),
    *[
        path
        for key in ("lead", "lowered")
        for path in (
            (f"item page ({key})", key, lambda c, a, w, k=key: _page(c, f"/items/{w.items[k].pk}/")),
            (f"item API ({key})", key, lambda c, a, w, k=key: _api_detail(a, f"/api/v1/work-items/{w.items[k].pk}/")),
            (
                f"urge page ({key})",
                urge(key),
                lambda c, a, w, k=key: _urge(c, f"/items/{w.items[k].pk}/urge/", api=False),
            ),
            (
                f"urge API ({key})",
                urge(key),
                lambda c, a, w, k=key: _urge(a, f"/api/v1/work-items/{w.items[k].pk}/urge/", api=True),
            ),
            (
                f"admin item change ({key})",
                admin(key),
                lambda c, a, w, k=key: _page(c, f"/admin/workload/workitem/{w.items[k].pk}/change/"),
            ),
            (
                f"work-item list API ({key})",
                f"mine_{key}",
                lambda c, a, w, k=key: max(
                    (_api_rows(a, f"/api/v1/work-items/?scope={s}", w.items[k].pk) for s in ("mine", "assigned")),
                    key=[HIDDEN, MASKED, SHOWN].index,
                ),
            ),
            (
                f"notification list API ({key})",
                f"note_{key}",
                lambda c, a, w, k=key: _api_rows(
                    a, "/api/v1/notifications/", w.notes[k].pk, masked=_masked_notification_text
                ),
            ),
            (f"notification centre ({key})", f"note_{key}", lambda c, a, w, k=key: _centre_row(c, w.notes[k].pk)),
            (f"desk ({key})", f"mine_{key}", lambda c, a, w, k=key: _desk_row(c, w.items[k].pk)),
            (f"dashboard drill-down ({key})", dashboard(key), lambda c, a, w, k=key: _drill_row(c, w.items[k].pk)),
            (f"e-mail ({key})", f"note_{key}", lambda c, a, w, k=key: _email(w, k, w.reader, digest=False)),
            (f"e-mail digest ({key})", f"note_{key}", lambda c, a, w, k=key: _email(w, k, w.reader, digest=True)),
            (f"robot message ({key})", robot(f"note_{key}"), lambda c, a, w, k=key: _robot(w, k, w.reader)),
            (
                f"admin notification list ({key})",
                admin_note,
                lambda c, a, w, k=key: _listing(c, f"/admin/notifications/notification/?id={w.notes[k].pk}"),
            ),
            (
                f"admin notification change ({key})",
                admin_note,
                lambda c, a, w, k=key: _page(c, f"/admin/notifications/notification/{w.notes[k].pk}/change/"),
            ),
            (
                f"notification open ({key})",
                f"note_{key}",
                lambda c, a, w, k=key: _open(c, w.notes[k].pk, reverse("affairs:matter_detail", args=[w.matter.pk])),
            ),
        )
    ],
]


@pytest.mark.parametrize(("name", "shows", "walk"), PATHS, ids=[p[0] for p in PATHS])
def test_every_path_asks_the_rule(world, name, shows, walk):
    wrong = []
    for role, person in world.people.items():
        client, api = Client(), APIClient()
        client.force_login(person)
        api.force_authenticate(person)
        expected = shows(role) if callable(shows) else EXPECT[role][shows]
        world.reader = person
        got = walk(client, api, world)
        if got != expected:
            wrong.append(f"{role}: expected {expected}, got {got}")
    assert not wrong, f"{name}: " + "; ".join(wrong)


def test_the_items_carry_the_matters_classification(world):
    assert {item.classification for item in world.items.values()} == {"secret"}
