"""The issuing API (API.md, Documents): issue, render, distributions and 签收, revoke, the detail's
verification_url; refusals in the error format, nothing a person may not see, never a 500 on bad
input, and query budgets at two sizes."""

from io import BytesIO

import pytest
from django.db import connection
from django.utils import translation
from docx import Document as Docx
from pypdf import PdfReader

from documents.models import Distribution, DistributionStatus
from documents.services.drafting import document_create
from documents.services.issuing import distribution_receive
from tests.api import as_, assert_error
from tests.documents import issuing_support
from tests.documents.issuing_support import approved, issue

pytestmark = pytest.mark.django_db

bureau, monday, document = issuing_support.bureau, issuing_support.monday, issuing_support.document
_issuing_settings, signing_pair = issuing_support._issuing_settings, issuing_support.signing_pair


def issue_url(document):
    return f"/api/v1/documents/{document.pk}/issue/"


def render_url(document):
    return f"/api/v1/documents/{document.pk}/render/"


def test_issue(document, bureau):
    response = as_(bureau.office_member).post(
        issue_url(document),
        {"main_departments": [bureau.legal.pk], "cc_departments": [bureau.general.pk]},
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "issued" and body["number"] == "综发〔2026〕1号"
    detail = as_(bureau.drafter).get(f"/api/v1/documents/{document.pk}/").json()
    assert detail["number"] == "综发〔2026〕1号" and detail["status"] == "issued"
    assert detail["verification_url"].startswith("https://xt.example.org/verify/")
    assert detail["verification_url"] == body["verification_url"]


def test_issue_refusals(document, bureau):
    body = {"main_departments": [bureau.legal.pk]}
    # The drafter sees the document but does not issue it: 403; an outsider does not see it: 404.
    assert_error(as_(bureau.drafter).post(issue_url(document), body, format="json"), 403)
    assert_error(as_(bureau.outsider).post(issue_url(document), body, format="json"), 404)
    draft = document_create(drafter=bureau.drafter, title="草稿", doc_type="notice", body="正文")
    assert_error(as_(bureau.office_member).post(issue_url(draft), body, format="json"), 409, "invalid_state")
    office = as_(bureau.office_member)
    for bad in (
        {},
        {"main_departments": []},
        {"main_departments": [10**30]},
        {"main_departments": [999999]},
        {"main_departments": "法规处"},
        {"main_departments": [bureau.legal.pk], "extra": 1},
    ):
        response = office.post(issue_url(document), bad, format="json")
        assert_error(response, 400)
    surrogate = '{"main_departments": ["\\ud800"], "cc_departments": "\\udc00"}'  # valid JSON, not valid text
    assert_error(office.post(issue_url(document), surrogate, content_type="application/json"), 400)
    assert_error(office.post("/api/v1/documents/99999999999999999999/issue/", body, format="json"), 404)
    assert office.post(issue_url(document), body, format="json").status_code == 200
    assert_error(office.post(issue_url(document), body, format="json"), 409)


def test_render_pdf_and_docx(document, bureau):
    issued = issue(document, bureau)
    response = as_(bureau.legal_head).get(render_url(issued), {"format": "pdf"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "".join(PdfReader(BytesIO(response.content)).pages[0].extract_text().split())
    assert "综发〔2026〕1号" in text
    response = as_(bureau.legal_head).get(render_url(issued), {"format": "docx"})
    assert response.status_code == 200
    assert "综发〔2026〕1号" in "".join(p.text for p in Docx(BytesIO(response.content)).paragraphs)
    assert_error(as_(bureau.legal_head).get(render_url(issued), {"format": "exe"}), 400)
    assert_error(as_(bureau.legal_head).get(render_url(issued) + "?format=%ED%A0%80"), 400)
    assert_error(as_(bureau.outsider).get(render_url(issued), {"format": "pdf"}), 404)
    # Without a format: the PDF.
    assert as_(bureau.drafter).get(render_url(issued))["Content-Type"] == "application/pdf"


def test_distributions_and_receive(document, bureau):
    issue(document, bureau, cc=[bureau.general])
    legal_row = Distribution.objects.get(department=bureau.legal)
    general_row = Distribution.objects.get(department=bureau.general)
    listed = as_(bureau.legal_head).get("/api/v1/distributions/", {"status": "pending"}).json()["results"]
    assert [(row["id"], row["document"], row["kind"], row["status"]) for row in listed] == [
        (legal_row.pk, document.pk, "main", "pending")
    ]
    assert_error(as_(bureau.legal_head).get("/api/v1/distributions/", {"status": "bogus"}), 400)
    # Another department's distribution is not theirs to see.
    assert_error(as_(bureau.legal_head).post(f"/api/v1/distributions/{general_row.pk}/receive/"), 404)
    # A colleague in the department sees it but the head signs: 403.
    assert_error(as_(bureau.reviewer).post(f"/api/v1/distributions/{legal_row.pk}/receive/"), 403)
    response = as_(bureau.legal_head).post(f"/api/v1/distributions/{legal_row.pk}/receive/")
    assert response.status_code == 200 and response.json()["status"] == "received"
    assert_error(as_(bureau.legal_head).post(f"/api/v1/distributions/{legal_row.pk}/receive/"), 409, "already_received")
    assert as_(bureau.legal_head).get("/api/v1/distributions/", {"status": "pending"}).json()["results"] == []
    assert_error(as_(bureau.legal_head).post("/api/v1/distributions/99999999999999999999999/receive/"), 404)


def test_revoke(document, bureau):
    issued = issue(document, bureau)
    url = f"/api/v1/documents/{issued.pk}/revoke/"
    assert_error(as_(bureau.drafter).post(url, {"kind": "revoked", "reason": "错"}, format="json"), 403)
    assert_error(as_(bureau.office_member).post(url, {"kind": "x", "reason": "错"}, format="json"), 400)
    assert_error(as_(bureau.office_member).post(url, {"kind": "revoked", "reason": "a" * 301}, format="json"), 400)
    response = as_(bureau.office_member).post(url, {"kind": "revoked", "reason": "内容有误"}, format="json")
    assert response.status_code == 200 and response.json()["revocation"] == "revoked"
    assert_error(as_(bureau.office_member).post(url, {"kind": "revoked", "reason": "再次"}, format="json"), 409)


@pytest.mark.parametrize("size", [2, 8])
def test_distribution_list_queries_do_not_grow(bureau, size, django_assert_num_queries):
    for i in range(size):
        issue(approved(bureau.drafter, title=f"通知{i}"), bureau)
    client = as_(bureau.legal_head)
    # 1 the viewer's roles (visibility), 2 the page of distributions with documents and departments.
    with django_assert_num_queries(2):
        response = client.get("/api/v1/distributions/", {"status": "pending"})
    assert len(response.json()["results"]) == size


# PostgreSQL writes a search entry's tsvector in one more query (workload.search._with_vector).
SEARCH_VECTOR = int(connection.vendor == "postgresql")


@pytest.mark.parametrize("size", [2, 8])
def test_receive_queries_do_not_grow(bureau, size, django_assert_max_num_queries):
    for i in range(size):
        issue(approved(bureau.drafter, title=f"通知{i}"), bureau)
    row = Distribution.objects.filter(department=bureau.legal).first()
    # The receipt, its work item, the audit entry and the document's search entry written again.
    with django_assert_max_num_queries(25 + SEARCH_VECTOR):
        response = as_(bureau.legal_head).post(f"/api/v1/distributions/{row.pk}/receive/")
    assert response.status_code == 200


ISSUE_QUERIES = 46 + SEARCH_VECTOR  # with the search entry written again (the number is searchable)


@pytest.mark.parametrize("size", [2, 8])
def test_issue_queries_do_not_grow_with_other_documents(bureau, size, django_assert_num_queries):
    for i in range(size):
        issue(approved(bureau.drafter, title=f"已发{i}"), bureau)
    document = approved(bureau.drafter, title="待发")
    client = as_(bureau.office_member)
    # The document and its lock, the counter row, the move, one distribution with its access,
    # work item, notification and audit entries, the stored file and the search index: the same
    # however many documents were issued before.
    with django_assert_num_queries(ISSUE_QUERIES):
        response = client.post(issue_url(document), {"main_departments": [bureau.legal.pk]}, format="json")
    assert response.status_code == 200


@pytest.mark.parametrize("size", [2, 8])
def test_render_queries_do_not_grow(bureau, size, django_assert_num_queries):
    document = approved(bureau.drafter)
    issued = issue(document, bureau, cc=[bureau.general])
    for i in range(size):
        issue(approved(bureau.drafter, title=f"其他{i}"), bureau)
    client = as_(bureau.legal_head)
    # 1 roles, 2 the document (the stored PDF is read from the file).
    with django_assert_num_queries(2):
        response = client.get(render_url(issued), {"format": "pdf"})
    assert response.status_code == 200
    distribution_receive(
        distribution=Distribution.objects.get(document=issued, department=bureau.legal), by=bureau.legal_head
    )
    assert Distribution.objects.get(document=issued, department=bureau.legal).status == DistributionStatus.RECEIVED


def test_a_missing_issued_file_is_a_clear_404_not_a_stand_in(document, bureau):
    issued = issue(document, bureau)
    issued.issued_pdf.storage.delete(issued.issued_pdf.name)
    with translation.override("en"):
        body = assert_error(
            as_(bureau.drafter).get(render_url(issued), {"format": "pdf"}, HTTP_ACCEPT_LANGUAGE="en"), 404
        )
    assert "missing" in body["detail"]
