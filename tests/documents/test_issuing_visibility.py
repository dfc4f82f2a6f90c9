"""Who sees an issued document and its distributions (the one rule, ``documents.selectors``): the
recipient departments' heads by need-to-know, their members too for an internal document (not a
secret one), another department's distribution never; and the 签收 work item and its notification
follow the document's rule."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from documents.models import Distribution
from tests.documents import issuing_support
from tests.documents.issuing_support import approved, issue, items_on

pytestmark = pytest.mark.django_db

bureau, monday = issuing_support.bureau, issuing_support.monday
_issuing_settings, signing_pair = issuing_support._issuing_settings, issuing_support.signing_pair


def sees(person, path):
    client = Client()
    client.force_login(person)
    status = client.get(path).status_code
    assert status in (200, 404), (path, status)
    return status == 200


def api_sees(person, path):
    client = APIClient()
    client.force_authenticate(person)
    status = client.get(path).status_code
    assert status in (200, 404), (path, status)
    return status == 200


@pytest.mark.parametrize("classification", ["internal", "secret"])
def test_issued_document_paths(bureau, classification):
    issued = issue(approved(bureau.drafter, classification=classification), bureau, cc=[bureau.general])
    legal_row = Distribution.objects.get(document=issued, department=bureau.legal)
    general_row = Distribution.objects.get(document=issued, department=bureau.general)
    internal = classification == "internal"
    expect = {
        # person: (document page and render, their department's distribution, the other one)
        "legal_head": (bureau.legal_head, True, True, False),
        "reviewer": (bureau.reviewer, internal, internal, False),  # a member of 法规处
        "uncleared": (bureau.uncleared, internal, internal, False),  # 法规处, cleared for internal only
        "head": (bureau.head, True, True, True),  # heads the drafting department (and 综合处 is cc)
        "office": (bureau.office_member, True, True, True),
        "outsider": (bureau.outsider, False, False, False),
    }
    wrong = []
    for role, (person, doc, own, other) in expect.items():
        mine, theirs = (legal_row, general_row) if role not in {"head"} else (general_row, legal_row)
        got = (
            sees(person, issued.get_absolute_url())
            and sees(person, f"/documents/{issued.pk}/render/?format=pdf")
            and api_sees(person, f"/api/v1/documents/{issued.pk}/render/?format=docx"),
            sees(person, f"/documents/distributions/{mine.pk}/")
            and api_sees(person, f"/api/v1/distributions/{mine.pk}/"),
            sees(person, f"/documents/distributions/{theirs.pk}/"),
        )
        if got != (doc, own, other):
            wrong.append(f"{role}: expected {(doc, own, other)}, got {got}")
    assert not wrong, "; ".join(wrong)


def test_the_receipt_item_follows_the_document(bureau):
    issued = issue(approved(bureau.drafter, classification="secret"), bureau)
    row = Distribution.objects.get(document=issued)
    item = items_on(row).get()
    assert item.classification == "secret"
    assert api_sees(bureau.legal_head, f"/api/v1/work-items/{item.pk}/")
    assert not api_sees(bureau.outsider, f"/api/v1/work-items/{item.pk}/")
