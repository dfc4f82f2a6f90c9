"""The visibility walk of a coordination matter (issue 10 item 6), in the style of
``test_visibility_walk``: a 秘密 matter, the cooperating head's answer item and its notification,
walked by people of each clearance and role along every URL and endpoint that can show them.

The matter's rule is ``relations.selectors.coordination_visibility`` (registered with
``workload.targets``): the raiser, the party departments' members and heads, whoever holds an answer
item, the office and the leaders, each only within their clearance. Coordination matters are not in
the full-text search, so there is no search path.
"""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from notifications.models import Notification
from relations.services_coordination import coordination_raise
from tests.factories import AdminFactory, DepartmentFactory, LeaderFactory, OfficeFactory, UserFactory
from tests.test_visibility_walk import (
    HIDDEN,
    SHOWN,
    TITLE,
    _api_detail,
    _api_rows,
    _centre_row,
    _desk_row,
    _listing,
    _open,
    _page,
)
from workload.models import WorkItem

pytestmark = pytest.mark.django_db


class World:
    def __init__(self, people: dict[str, Any], coordination: Any, item: WorkItem, note: Notification) -> None:
        self.people, self.coordination, self.item, self.note = people, coordination, item, note


@pytest.fixture
def world(db) -> World:
    office = OfficeFactory()
    leadership = DepartmentFactory(name="局领导", code="leaders")
    lead = DepartmentFactory(name="牵头处", code="lead")
    coop = DepartmentFactory(name="配合处", code="coop")
    secret = "secret"
    p = {
        "outsider": UserFactory(username="outsider", department=DepartmentFactory(code="other"), clearance=secret),
        "office_internal": UserFactory(username="office_low", department=office),
        "office_secret": UserFactory(username="office_high", department=office, clearance=secret),
        "leader_internal": LeaderFactory(username="leader_low", department=leadership),
        "leader_secret": LeaderFactory(username="leader_high", department=leadership, clearance=secret),
        "admin_internal": AdminFactory(username="admin_low"),
        "admin_secret": AdminFactory(username="admin_high", clearance=secret),
        "admin_secret_office": AdminFactory(username="admin_office", department=office, clearance=secret),
        "raiser": UserFactory(username="raiser", department=DepartmentFactory(code="r"), clearance=secret),
        "lead_head": UserFactory(username="lead_head", department=lead, clearance=secret),
        "coop_head": UserFactory(username="coop_head", department=coop, clearance=secret),
        "coop_member": UserFactory(username="coop_member", department=coop, clearance=secret),
        "coop_member_internal": UserFactory(username="coop_low", department=coop),
    }
    for department, head in ((lead, p["lead_head"]), (coop, p["coop_head"])):
        department.head = head
        department.save()
    coordination = coordination_raise(
        actor=p["raiser"],
        title=TITLE,
        description="涉密内容",
        lead_department=lead,
        cooperating_departments=[coop],
        respond_by=timezone.localdate().replace(year=timezone.localdate().year + 1),
        classification=secret,
    )
    item = WorkItem.objects.get(target_id=coordination.pk, assignee=p["coop_head"])
    note = Notification.objects.get(recipient=p["coop_head"], kind="assigned")
    return World(p, coordination, item, note)


# matter: the matter itself (pages, API, admin). item: the cooperating head's answer item (its page,
# endpoint and admin: the assignee, the assigner, the office and administrators, within the matter's
# rule). mine: the item in the person's own lists and desk. note: the item's notification.
COLUMNS = ("matter", "item", "mine", "note")
TABLE = {
    #                       matter item mine note
    "outsider":             "H      H    H    H",
    "office_internal":      "H      H    H    H",
    "office_secret":        "S      S    H    H",
    "leader_internal":      "H      H    H    H",
    "leader_secret":        "S      H    H    H",
    # An administrator administers people and settings, not content: clearance and need-to-know bind.
    "admin_internal":       "H      H    H    H",
    "admin_secret":         "H      H    H    H",
    "admin_secret_office":  "S      S    H    H",
    "raiser":               "S      S    S    H",
    "lead_head":            "S      H    H    H",
    "coop_head":            "S      S    S    S",
    "coop_member":          "S      H    H    H",
    "coop_member_internal": "H      H    H    H",
}  # fmt: skip
_LETTERS = {"S": SHOWN, "H": HIDDEN}
EXPECT = {role: dict(zip(COLUMNS, map(_LETTERS.get, row.split()), strict=True)) for role, row in TABLE.items()}
STAFF = {"admin_internal", "admin_secret", "admin_secret_office"}


def admin(shows: str):
    return lambda role: EXPECT[role][shows] if role in STAFF else HIDDEN


PATHS = [
    ("coordination page", "matter", lambda c, a, w: _page(c, f"/relations/coordination/{w.coordination.pk}/")),
    ("coordination list page", "matter", lambda c, a, w: _listing(c, "/relations/coordination/")),
    (
        "coordination API",
        "matter",
        lambda c, a, w: _api_detail(a, f"/api/v1/coordination/{w.coordination.pk}/"),
    ),
    ("coordination list API", "matter", lambda c, a, w: _api_rows(a, "/api/v1/coordination/", w.coordination.pk)),
    (
        "admin coordination change",
        admin("matter"),
        lambda c, a, w: _page(c, f"/admin/relations/coordinationmatter/{w.coordination.pk}/change/"),
    ),
    ("admin coordination list", admin("matter"), lambda c, a, w: _listing(c, "/admin/relations/coordinationmatter/")),
    ("item page", "item", lambda c, a, w: _page(c, f"/items/{w.item.pk}/")),
    ("item API", "item", lambda c, a, w: _api_detail(a, f"/api/v1/work-items/{w.item.pk}/")),
    ("admin item change", admin("item"), lambda c, a, w: _page(c, f"/admin/workload/workitem/{w.item.pk}/change/")),
    (
        "work-item list API",
        "mine",
        lambda c, a, w: max(
            (_api_rows(a, f"/api/v1/work-items/?scope={s}", w.item.pk) for s in ("mine", "assigned")),
            key=[HIDDEN, SHOWN].index,
        ),
    ),
    ("desk", "mine", lambda c, a, w: _desk_row(c, w.item.pk)),
    ("notification centre", "note", lambda c, a, w: _centre_row(c, w.note.pk)),
    ("notification list API", "note", lambda c, a, w: _api_rows(a, "/api/v1/notifications/", w.note.pk)),
    (
        "notification open",
        "note",
        lambda c, a, w: _open(c, w.note.pk, reverse("relations:coordination_detail", args=[w.coordination.pk])),
    ),
]


@pytest.mark.parametrize(("name", "shows", "walk"), PATHS, ids=[p[0] for p in PATHS])
def test_every_path_asks_the_coordination_rule(world, name, shows, walk):
    wrong = []
    for role, person in world.people.items():
        client, api = Client(), APIClient()
        client.force_login(person)
        api.force_authenticate(person)
        expected = shows(role) if callable(shows) else EXPECT[role][shows]
        got = walk(client, api, world)
        if got != expected:
            wrong.append(f"{role}: expected {expected}, got {got}")
    assert not wrong, f"{name}: " + "; ".join(wrong)


def test_the_answer_items_and_notifications_carry_the_matters_classification(world):
    assert world.item.classification == "secret"
    assert world.note.classification == "secret"
