"""Who sees an approval task of a 秘密 draft, along every path that shows it or something derived
from it: the task page, the API task, the queue and the API list of one's tasks, the work item (page
and API) and its notification. The approval follows its document's rule (need-to-know plus
clearance); the queue, the list and the notification are the approver's own.
``S`` shown, ``H`` hidden (404, absent from a list)."""

from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from rest_framework.test import APIClient

from documents.models import Approval
from documents.services.approval import document_submit
from documents.services.drafting import document_create
from notifications.models import Notification
from tests.documents.test_visibility_matrix import HIDDEN, SHOWN, _api, _api_rows, _item, _page
from tests.factories import AdminFactory, DepartmentFactory, LeaderFactory, OfficeFactory, UserFactory
from workload.models import WorkItem

pytestmark = pytest.mark.django_db

TITLE = "关于秘密事项甲的通知"  # the matrix's helpers look for this title
SECRET = "secret"


@dataclass
class World:
    people: dict[str, Any]
    task: Approval  # the head's 核稿 task, current
    item: WorkItem
    note: Notification


@pytest.fixture
def world(db) -> World:
    office = OfficeFactory()
    general = DepartmentFactory(name="综合处", code="general")
    legal = DepartmentFactory(name="法规处", code="legal")
    leaders = DepartmentFactory(name="局领导", code="leaders")
    p = {
        "drafter": UserFactory(username="drafter", department=general, clearance=SECRET),
        "head": UserFactory(username="head", department=general, clearance=SECRET),
        "colleague": UserFactory(username="colleague", department=general, clearance=SECRET),
        "countersigner": UserFactory(username="countersigner", department=legal, clearance=SECRET),
        "other_department": UserFactory(username="other", department=legal, clearance=SECRET),
        "office_head": UserFactory(username="office_head", department=office, clearance=SECRET),
        "office_uncleared": UserFactory(username="officer_low", department=office),
        "signer": LeaderFactory(username="signer", department=leaders, clearance=SECRET),
        "leader_not_routed": LeaderFactory(username="leader", department=leaders, clearance=SECRET),
        "admin": AdminFactory(username="admin", department=DepartmentFactory(code="it"), clearance=SECRET),
    }
    general.head, office.head = p["head"], p["office_head"]
    general.save()
    office.save()
    document = document_create(
        drafter=p["drafter"], title=TITLE, doc_type="notice", body="一、要求\n严格保密。", classification=SECRET
    )
    document_submit(document, by=p["drafter"], signer=p["signer"], countersign=[p["countersigner"]])
    task = Approval.objects.get(step__document=document, approver=p["head"])
    item = WorkItem.objects.get(target_type=ContentType.objects.get_for_model(Approval), target_id=task.pk)
    note = Notification.objects.filter(recipient=p["head"]).latest("id")
    return World(people=p, task=task, item=item, note=note)


# doc: the task itself (its document's rule). item: the head's work item (holder, assigner, office).
# mine: the head's own queue, task list and notification.
COLUMNS = ("doc", "item", "mine")
TABLE = {
    #                    doc item mine
    "drafter":           "S   S    H",
    "head":              "S   S    S",
    "colleague":         "H   H    H",
    "countersigner":     "S   H    H",
    "other_department":  "H   H    H",
    "office_head":       "S   S    H",
    "office_uncleared":  "H   H    H",
    "signer":            "S   H    H",
    "leader_not_routed": "H   H    H",
    "admin":             "H   H    H",
}  # fmt: skip
EXPECT = {role: dict(zip(COLUMNS, row.split(), strict=True)) for role, row in TABLE.items()}


def _queue(client: Client, pk: int) -> str:
    body = client.get("/documents/approvals/").content.decode()
    return SHOWN if f'id="task-{pk}"' in body and TITLE in body else HIDDEN


def _notification(client: Client, pk: int) -> str:
    body = client.get("/notifications/").content.decode()
    return SHOWN if f'id="notification-{pk}"' in body and TITLE in body else HIDDEN


PATHS = [
    ("task page", "doc", lambda c, a, w: _page(c, f"/documents/approvals/{w.task.pk}/")),
    ("API task", "doc", lambda c, a, w: _api(a, f"/api/v1/approvals/{w.task.pk}/")),
    ("approval queue", "mine", lambda c, a, w: _queue(c, w.task.pk)),
    ("API pending tasks", "mine", lambda c, a, w: _api_rows(a, "/api/v1/approvals/?status=pending", w.task.pk)),
    ("work item page", "item", lambda c, a, w: _page(c, f"/items/{w.item.pk}/")),
    ("work item API", "item", lambda c, a, w: _item(a, w.item.pk)),
    ("notification centre", "mine", lambda c, a, w: _notification(c, w.note.pk)),
]


@pytest.mark.parametrize(("name", "shows", "walk"), PATHS, ids=[p[0] for p in PATHS])
def test_every_path_to_an_approval_asks_its_documents_rule(world, name, shows, walk):
    wrong = []
    for role, person in world.people.items():
        client, api = Client(), APIClient()
        client.force_login(person)
        api.force_authenticate(person)
        got = walk(client, api, world)
        if got != EXPECT[role][shows]:
            wrong.append(f"{role}: expected {EXPECT[role][shows]}, got {got}")
    assert not wrong, f"{name}: " + "; ".join(wrong)


def test_the_approval_work_item_carries_the_documents_classification(world):
    assert world.item.classification == SECRET
    assert world.note.classification == SECRET
