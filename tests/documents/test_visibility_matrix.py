"""The documents' visibility matrix (issue 8, items 9 and 11): a 秘密 draft out for comment, walked by
each role along every page, endpoint, file, export, work item, notification and admin page that can
show it or something derived from it.

One rule decides (``documents.selectors.document_visibility``, registered with ``workload.targets``):
those cleared for the classification who need to know it (drafter, the drafting department's head,
the people routed on it, the office). A path that forgets the rule fails here. Each role's row says
what it may see: ``S`` shown, ``H`` hidden (404, absent from a list, the admin's login page).
"""

from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.test import APIClient

from core.models import Attachment
from documents.models import AccessReason, CommentRequest
from documents.services.comments import comment_round_open
from documents.services.drafting import access_grant, document_attach, document_create
from notifications.models import Notification
from tests.factories import AdminFactory, DepartmentFactory, LeaderFactory, OfficeFactory, UserFactory
from workload.models import WorkItem

pytestmark = pytest.mark.django_db

TITLE = "关于秘密事项甲的通知"
SECRET = "secret"
FILE_TEXT = "附件内容"


@dataclass
class World:
    people: dict[str, Any]
    document: Any
    attachment: int
    request: CommentRequest  # the reviewer's comment request
    item: WorkItem  # the reviewer's work item
    note: Notification  # the reviewer's notification of it


@pytest.fixture
def world(db) -> World:
    office = OfficeFactory()
    general = DepartmentFactory(name="综合处", code="general", doc_prefix="综发")
    legal = DepartmentFactory(name="法规处", code="legal")
    finance = DepartmentFactory(name="财务处", code="finance")
    leaders = DepartmentFactory(name="局领导", code="leaders")
    p = {
        "drafter": UserFactory(username="drafter", department=general, clearance=SECRET),
        "head": UserFactory(username="head", department=general, clearance=SECRET),
        "colleague": UserFactory(username="colleague", department=general, clearance=SECRET),
        "reviewer": UserFactory(username="reviewer", department=legal, clearance=SECRET),
        "approver": LeaderFactory(username="approver", department=leaders, clearance=SECRET),
        "recipient": UserFactory(username="recipient", department=finance, clearance=SECRET),
        "other_department": UserFactory(username="other", department=legal, clearance=SECRET),
        "office": UserFactory(username="officer", department=office, clearance=SECRET),
        "office_uncleared": UserFactory(username="officer_low", department=office),
        "leader_not_routed": LeaderFactory(username="leader", department=leaders, clearance=SECRET),
        "admin": AdminFactory(username="admin", department=DepartmentFactory(code="it"), clearance=SECRET),
        "admin_office": AdminFactory(username="admin_office", department=office, clearance=SECRET),
    }
    general.head = p["head"]
    general.save()
    finance.head = p["recipient"]
    finance.save()
    document = document_create(
        drafter=p["drafter"], title=TITLE, doc_type="notice", body="一、要求\n严格保密。", classification=SECRET
    )
    (attachment,) = document_attach(
        document=document, actor=p["drafter"], files=[SimpleUploadedFile("a.txt", FILE_TEXT.encode())]
    )
    comment_round_open(document=document, actor=p["drafter"], reviewers=[p["reviewer"]], instructions="请审阅")
    access_grant(document=document, users=[p["approver"]], reason=AccessReason.APPROVER)
    access_grant(document=document, users=[p["recipient"]], reason=AccessReason.RECIPIENT)
    request = CommentRequest.objects.get(round__document=document, reviewer=p["reviewer"])
    item = WorkItem.objects.get(target_id=request.pk, assignee=p["reviewer"], status="open")
    note = Notification.objects.filter(recipient=p["reviewer"]).latest("id")
    return World(
        people=p,
        document=document,
        attachment=Attachment.objects.get(pk=attachment.pk).pk,
        request=request,
        item=item,
        note=note,
    )


# doc: the document and what is derived from it (versions, files, exports, requests).
# item: the reviewer's work item (its holder, who asked, the office; all within the document's rule).
# note: the reviewer's notification (its recipient only).
COLUMNS = ("doc", "item", "note")
TABLE = {
    #                    doc item note
    "drafter":           "S   S    H",
    "head":              "S   H    H",
    "colleague":         "H   H    H",
    "reviewer":          "S   S    S",
    "approver":          "S   H    H",
    "recipient":         "S   H    H",
    "other_department":  "H   H    H",
    "office":            "S   S    H",
    "office_uncleared":  "H   H    H",
    "leader_not_routed": "H   H    H",
    "admin":             "H   H    H",
    "admin_office":      "S   S    H",
}  # fmt: skip
SHOWN, HIDDEN = "S", "H"
EXPECT = {role: dict(zip(COLUMNS, row.split(), strict=True)) for role, row in TABLE.items()}
STAFF = {"admin", "admin_office"}


def admin(role: str) -> str:
    return EXPECT[role]["doc"] if role in STAFF else HIDDEN


def _page(client: Any, url: str) -> str:
    response = client.get(url)
    if response.status_code == 404 or (response.status_code == 302 and "/login/" in response["Location"]):
        return HIDDEN
    assert response.status_code == 200, (url, response.status_code)
    return SHOWN if TITLE in response.content.decode() else HIDDEN


def _file(client: Any, url: str, *, expect: bytes | None = None) -> str:
    """A download: 404, or the bytes (a file, an export) which must name the document or be the file."""
    response = client.get(url)
    if response.status_code == 404:
        return HIDDEN
    assert response.status_code == 200, (url, response.status_code)
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if expect is not None:
        assert content == expect
    return SHOWN


def _api(api: APIClient, url: str) -> str:
    response = api.get(url)
    if response.status_code == 404:
        return HIDDEN
    assert response.status_code == 200, (url, response.status_code)
    return SHOWN if TITLE in response.content.decode() else HIDDEN


def _api_rows(api: APIClient, url: str, pk: int) -> str:
    response = api.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return SHOWN if any(row["id"] == pk for row in response.json()["results"]) else HIDDEN


def _item(api: APIClient, pk: int) -> str:
    response = api.get(f"/api/v1/work-items/{pk}/")
    if response.status_code == 404:
        return HIDDEN
    assert response.status_code == 200, response.status_code
    return SHOWN if response.json()["title"] and TITLE in response.json()["title"] else HIDDEN


def _notification(client: Client, pk: int) -> str:
    body = client.get("/notifications/").content.decode()
    return SHOWN if f'id="notification-{pk}"' in body and TITLE in body else HIDDEN


def _search(client: Client, pk: int) -> str:
    """The search page (the navigation's box): the hit, its title and its snippet, or nothing."""
    response = client.get("/search/", {"q": "秘密事项"})
    assert response.status_code == 200, response.status_code
    body = response.content.decode()
    shown = f'id="hit-document-{pk}"' in body
    assert shown == ("严格保密" in body), "a snippet shown without its hit, or the reverse"
    return SHOWN if shown else HIDDEN


D = "/documents"
PATHS = [
    ("document page", "doc", lambda c, a, w: _page(c, f"{D}/{w.document.pk}/")),
    ("document list", "doc", lambda c, a, w: _page(c, f"{D}/")),
    ("document list, searched", "doc", lambda c, a, w: _page(c, f"{D}/?q=秘密事项")),
    ("versions page", "doc", lambda c, a, w: _page(c, f"{D}/{w.document.pk}/versions/")),
    ("attachment page", "doc", lambda c, a, w: _file(c, f"{D}/files/{w.attachment}/", expect=FILE_TEXT.encode())),
    ("opinion summary", "doc", lambda c, a, w: _page(c, f"{D}/{w.document.pk}/opinion-summary/")),
    ("opinion summary DOCX", "doc", lambda c, a, w: _file(c, f"{D}/{w.document.pk}/opinion-summary.docx")),
    ("opinion summary XLSX", "doc", lambda c, a, w: _file(c, f"{D}/{w.document.pk}/opinion-summary.xlsx")),
    ("comment request page", "doc", lambda c, a, w: _page(c, f"{D}/comment-requests/{w.request.pk}/")),
    ("API detail", "doc", lambda c, a, w: _api(a, f"/api/v1/documents/{w.document.pk}/")),
    ("API list", "doc", lambda c, a, w: _api_rows(a, "/api/v1/documents/", w.document.pk)),
    ("API list, searched", "doc", lambda c, a, w: _api_rows(a, "/api/v1/documents/?q=秘密事项", w.document.pk)),
    ("API versions", "doc", lambda c, a, w: _file(a, f"/api/v1/documents/{w.document.pk}/versions/")),
    ("API diff", "doc", lambda c, a, w: _file(a, f"/api/v1/documents/{w.document.pk}/diff/?from=1&to=1")),
    (
        "API attachment",
        "doc",
        lambda c, a, w: _file(a, f"/api/v1/attachments/{w.attachment}/", expect=FILE_TEXT.encode()),
    ),
    ("API opinion summary", "doc", lambda c, a, w: _file(a, f"/api/v1/documents/{w.document.pk}/opinion-summary/")),
    (
        "API opinion summary XLSX",
        "doc",
        lambda c, a, w: _file(a, f"/api/v1/documents/{w.document.pk}/opinion-summary/xlsx/"),
    ),
    ("search page", "doc", lambda c, a, w: _search(c, w.document.pk)),
    ("search API", "doc", lambda c, a, w: _api_rows(a, "/api/v1/search/?q=秘密事项", w.document.pk)),
    ("rendered PDF", "doc", lambda c, a, w: _file(c, f"{D}/{w.document.pk}/render/?format=pdf")),
    ("rendered DOCX", "doc", lambda c, a, w: _file(c, f"{D}/{w.document.pk}/render/?format=docx")),
    ("API render", "doc", lambda c, a, w: _file(a, f"/api/v1/documents/{w.document.pk}/render/?format=pdf")),
    ("admin document change", admin, lambda c, a, w: _page(c, f"/admin/documents/document/{w.document.pk}/change/")),
    ("admin document list", admin, lambda c, a, w: _page(c, "/admin/documents/document/")),
    ("work item page", "item", lambda c, a, w: _page(c, f"/items/{w.item.pk}/")),
    ("work item API", "item", lambda c, a, w: _item(a, w.item.pk)),
    ("notification centre", "note", lambda c, a, w: _notification(c, w.note.pk)),
    ("notification API", "note", lambda c, a, w: _api_rows(a, "/api/v1/notifications/", w.note.pk)),
]


@pytest.mark.parametrize(("name", "shows", "walk"), PATHS, ids=[p[0] for p in PATHS])
def test_every_path_to_a_document_asks_its_rule(world, name, shows, walk):
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


def test_the_work_item_carries_the_documents_classification(world):
    assert world.item.classification == SECRET
