"""Shared set-up of the issuing tests (tests/documents/test_issuing_*.py): the comment tests' bureau
(tests/documents/comments_support.py), approved documents reached through the status table
(``documents.transitions``; the approval chain is another stage's), a signing certificate made once
per session, and issued files kept in a temporary media folder."""

import pytest
from django.utils import timezone

from documents import transitions
from documents.layout import make_demo_certificate
from documents.models import DocumentStatus
from documents.services.drafting import document_create
from documents.services.issuing import document_issue
from tests.documents import comments_support
from tests.documents.comments_support import BODY

bureau, monday, items_on = comments_support.bureau, comments_support.monday, comments_support.items_on


@pytest.fixture(scope="session")
def signing_pair(tmp_path_factory):
    folder = tmp_path_factory.mktemp("signing")
    cert, key = folder / "cert.pem", folder / "key.pem"
    assert make_demo_certificate(cert, key)
    return cert, key


@pytest.fixture(autouse=True)
def _issuing_settings(settings, tmp_path, signing_pair):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.SIGNING_CERT, settings.SIGNING_KEY = signing_pair
    settings.SITE_URL = "https://xt.example.org"


def approved(drafter, *, title="关于加强值班管理的通知", classification="internal", doc_type="notice", **fields):
    """A document of ``drafter`` moved to ``approved`` as the end of the approval chain leaves it."""
    document = document_create(
        drafter=drafter,
        title=title,
        doc_type=doc_type,
        body=BODY,
        classification=classification,
        main_recipients=fields.pop("main_recipients", "法规处"),
        **fields,
    )
    transitions.move(document, DocumentStatus.AWAITING_APPROVAL)
    transitions.move(document, DocumentStatus.APPROVED, signed_at=timezone.now())
    return document


@pytest.fixture
def document(bureau):
    return approved(bureau.drafter)


def issue(document, bureau, main=None, cc=()):
    return document_issue(
        document=document,
        by=bureau.office_member,
        main_departments=[bureau.legal] if main is None else main,
        cc_departments=list(cc),
    )
