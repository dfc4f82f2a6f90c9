"""The issuing pages: the office's queue and issue form, the document page's downloads and
distribution table, 签收 from the page, revocation; the public verification page with its upload
check and rate limit; refusals, 404 for what is not visible, and query budgets at two sizes."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from documents.models import Distribution, DistributionStatus, DocumentStatus
from documents.services import rendering
from documents.services.drafting import document_create
from documents.services.issuing import document_revoke
from tests.documents import issuing_support
from tests.documents.issuing_support import approved, issue

pytestmark = pytest.mark.django_db

bureau, monday, document = issuing_support.bureau, issuing_support.monday, issuing_support.document
_issuing_settings, signing_pair = issuing_support._issuing_settings, issuing_support.signing_pair


@pytest.fixture(autouse=True)
def _english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def url(name, *args):
    return reverse(f"documents:{name}", args=args)


def text(response):
    return response.content.decode()


def verify_url(document):
    return reverse("verify", args=[document.verification_code])


def test_the_office_issues_from_the_queue(client_of, document, bureau):
    client = client_of(bureau.office_member)
    queue = client.get(url("issuing_queue"))
    assert queue.status_code == 200 and f'id="queued-{document.pk}"' in text(queue)
    form = client.get(url("document_issue", document.pk))
    assert form.status_code == 200 and 'id="issue-form"' in text(form)
    response = client.post(
        url("document_issue", document.pk),
        {"main_departments": [bureau.legal.pk], "cc_departments": [bureau.general.pk]},
    )
    assert response.status_code == 302 and response["Location"] == document.get_absolute_url()
    document.refresh_from_db()
    assert document.status == DocumentStatus.ISSUED and document.number == "综发〔2026〕1号"
    page = text(client.get(document.get_absolute_url()))
    assert "综发〔2026〕1号" in page and 'id="distribution-rows"' in page and 'id="verification-url"' in page
    assert f'id="queued-{document.pk}"' not in text(client.get(url("issuing_queue")))


def test_issue_form_refusals(client_of, document, bureau):
    office = client_of(bureau.office_member)
    response = office.post(url("document_issue", document.pk), {"main_departments": []})
    assert response.status_code == 400
    # A lone surrogate and a huge id, form-encoded as a browser would send forged values.
    forged = "main_departments=%ED%A0%80&main_departments=" + "9" * 30
    response = office.post(url("document_issue", document.pk), forged, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    drafter = client_of(bureau.drafter)
    assert drafter.get(url("issuing_queue")).status_code == 403
    assert drafter.post(url("document_issue", document.pk), {"main_departments": [bureau.legal.pk]}).status_code == 403
    assert client_of(bureau.outsider).get(url("document_issue", document.pk)).status_code == 404
    draft = document_create(drafter=bureau.drafter, title="草稿", doc_type="notice", body="正文")
    office = client_of(bureau.office_member)
    assert office.get(url("document_issue", draft.pk)).status_code == 409
    assert office.post(url("document_issue", draft.pk), {"main_departments": [bureau.legal.pk]}).status_code == 409
    document.refresh_from_db()
    assert document.status == DocumentStatus.APPROVED


def test_downloads_on_the_document_page(client_of, bureau):
    draft = document_create(drafter=bureau.drafter, title="关于草稿的通知", doc_type="notice", body="正文")
    client = client_of(bureau.drafter)
    page = text(client.get(draft.get_absolute_url()))
    assert 'id="render-pdf"' in page and 'id="render-docx"' in page
    pdf = client.get(url("document_render", draft.pk) + "?format=pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    docx = client.get(url("document_render", draft.pk) + "?format=docx")
    assert docx.status_code == 200 and docx.content.startswith(b"PK")
    assert client.get(url("document_render", draft.pk) + "?format=html").status_code == 400
    assert client.get(url("document_render", draft.pk) + "?format=%ED%A0%80").status_code == 400
    assert client_of(bureau.outsider).get(url("document_render", draft.pk) + "?format=pdf").status_code == 404


def test_the_head_signs_for_it_from_the_page(client_of, document, bureau):
    issue(document, bureau, cc=[bureau.general])
    row = Distribution.objects.get(department=bureau.legal)
    client = client_of(bureau.legal_head)
    listed = text(client.get(url("distribution_list")))
    assert f'id="distribution-{row.pk}"' in listed
    page = client.get(url("distribution", row.pk))
    assert page.status_code == 200 and 'id="receive"' in text(page)
    response = client.post(url("distribution", row.pk))
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.status == DistributionStatus.RECEIVED
    assert 'id="receive"' not in text(client.get(url("distribution", row.pk)))
    assert client.post(url("distribution", row.pk)).status_code == 409
    assert f'id="distribution-{row.pk}"' not in text(client.get(url("distribution_list")))
    # Another department's distribution: 404; a colleague of the department may look, not sign.
    other = Distribution.objects.get(department=bureau.general)
    assert client.get(url("distribution", other.pk)).status_code == 404
    colleague = client_of(bureau.reviewer)
    assert colleague.post(url("distribution", row.pk)).status_code == 403
    assert client_of(bureau.outsider).get(url("distribution", row.pk)).status_code == 404
    assert client.get("/documents/distributions/99999999999999999999999/").status_code == 404


def test_revoke_from_the_page(client_of, document, bureau):
    issued = issue(document, bureau)
    client = client_of(bureau.office_member)
    assert 'id="revoke-form"' in text(client.get(issued.get_absolute_url()))
    drafter = client_of(bureau.drafter)
    assert drafter.post(url("document_revoke", issued.pk), {"kind": "revoked", "reason": "错"}).status_code == 403
    client = client_of(bureau.office_member)
    assert client.post(url("document_revoke", issued.pk), {"kind": "x", "reason": ""}).status_code == 400
    response = client.post(url("document_revoke", issued.pk), {"kind": "revoked", "reason": "内容有误"})
    assert response.status_code == 302
    issued.refresh_from_db()
    assert issued.revocation == "revoked"
    assert client.post(url("document_revoke", issued.pk), {"kind": "revoked", "reason": "再次"}).status_code == 409


# --- The verification page ------------------------------------------------------------------------


def test_verify_without_login_hides_the_title_of_a_non_public_document(client, document, bureau):
    issued = issue(document, bureau)
    response = client.get(verify_url(issued))
    assert response.status_code == 200
    page = text(response)
    assert issued.number in page and issued.pdf_sha256 in page and "综合处" in page and "2026-03-02" in page
    assert 'id="verify-valid"' in page
    assert issued.title not in page


def test_verify_shows_the_title_of_a_public_document_and_revocation(client, bureau):
    public = issue(approved(bureau.drafter, title="关于公开事项的通告", classification="public"), bureau)
    assert "关于公开事项的通告" in text(client.get(verify_url(public)))
    document_revoke(document=public, by=bureau.office_member, kind="repealed", reason="已过期")
    page = text(client.get(verify_url(public)))
    assert 'id="verify-revoked"' in page and "Repealed" in page


def test_verify_checks_an_uploaded_pdf(client, document, bureau):
    issued = issue(document, bureau)
    original = rendering.render(issued, "pdf")
    response = client.post(verify_url(issued), {"file": SimpleUploadedFile("a.pdf", original, "application/pdf")})
    assert response.status_code == 200 and 'id="check-passed"' in text(response)
    changed = bytearray(original)
    position = changed.index(b"obj") + 10
    changed[position] = (changed[position] + 1) % 256
    response = client.post(verify_url(issued), {"file": SimpleUploadedFile("b.pdf", bytes(changed), "application/pdf")})
    assert response.status_code == 200 and 'id="check-failed"' in text(response)
    response = client.post(verify_url(issued), {"file": SimpleUploadedFile("c.pdf", b"not a pdf", "application/pdf")})
    assert 'id="check-failed"' in text(response)
    assert client.post(verify_url(issued), {}).status_code == 400


def test_verify_unknown_and_bad_codes_are_404(client, document, bureau):
    issue(document, bureau)
    for code in ("ABCD-EFGH", "x" * 5000, "%ED%A0%80", "abcd", "\u4e2d\u6587"):
        assert client.get(f"/verify/{code}/").status_code == 404, code


def test_verify_is_rate_limited_per_address(client, document, bureau, settings):
    issued = issue(document, bureau)
    settings.VERIFY_RATE_LIMIT = 3
    for _ in range(3):
        assert client.get(verify_url(issued), REMOTE_ADDR="10.0.0.1").status_code == 200
    limited = client.get(verify_url(issued), REMOTE_ADDR="10.0.0.1")
    assert limited.status_code == 429
    assert "Too many verification requests" in text(limited)
    assert client.get("/verify/ABCD-EFGH/", REMOTE_ADDR="10.0.0.1").status_code == 429
    assert client.get(verify_url(issued), REMOTE_ADDR="10.0.0.2").status_code == 200


# --- Query budgets --------------------------------------------------------------------------------


def many_issued(bureau, size):
    return [issue(approved(bureau.drafter, title=f"通知{i}"), bureau, cc=[bureau.general]) for i in range(size)]


@pytest.mark.parametrize("size", [2, 8])
def test_queue_queries_do_not_grow(client_of, bureau, size, django_assert_num_queries):
    for i in range(size):
        approved(bureau.drafter, title=f"待发{i}")
    client = client_of(bureau.office_member)
    client.get(url("issuing_queue"))
    # 1 session, 2 user, 3 roles, 4 the queue with drafters, departments and signers, 5 the badge.
    with django_assert_num_queries(5):
        response = client.get(url("issuing_queue"))
    assert len(re.findall(r'id="queued-\d+"', text(response))) == size


@pytest.mark.parametrize("size", [2, 8])
def test_distribution_list_queries_do_not_grow(client_of, bureau, size, django_assert_num_queries):
    many_issued(bureau, size)
    client = client_of(bureau.legal_head)
    client.get(url("distribution_list"))
    # 1 session, 2 user, 3 roles, 4 the distributions with documents and departments, 5 the badge.
    with django_assert_num_queries(5):
        response = client.get(url("distribution_list"))
    assert len(re.findall(r'id="distribution-\d+"', text(response))) == size


@pytest.mark.parametrize("size", [2, 8])
def test_distribution_page_queries_do_not_grow(client_of, bureau, size, django_assert_num_queries):
    issued = many_issued(bureau, size)
    row = Distribution.objects.get(document=issued[0], department=bureau.legal)
    client = client_of(bureau.legal_head)
    client.get(url("distribution", row.pk))
    # 1 session, 2 user, 3 roles, 4 the distribution with document, departments and people, 5 the badge.
    with django_assert_num_queries(5):
        assert client.get(url("distribution", row.pk)).status_code == 200


@pytest.mark.parametrize("size", [2, 8])
def test_issued_document_page_queries_do_not_grow(client_of, bureau, size, django_assert_num_queries):
    departments = [bureau.legal, *[_headed(i) for i in range(size)]]
    issued = issue(approved(bureau.drafter), bureau, main=departments)
    client = client_of(bureau.office_member)
    client.get(issued.get_absolute_url())
    # 1 session, 2 user, 3 roles, 4 the document, 5 versions, 6 files, 7 rounds (comments stage),
    # 8 the distributions with departments and people, 9 "seen this version", 10 the badge.
    with django_assert_num_queries(10):
        response = client.get(issued.get_absolute_url())
    assert len(re.findall(r'id="distribution-row-\d+"', text(response))) == size + 1


def _headed(i):
    from tests.factories import DepartmentFactory, UserFactory

    department = DepartmentFactory(name=f"第{i}科", code=f"extra{i}")
    department.head = UserFactory(username=f"extrahead{i}", department=department)
    department.save()
    return department


@pytest.mark.parametrize("size", [2, 8])
def test_verify_queries_do_not_grow(client, bureau, size, django_assert_num_queries):
    issued = many_issued(bureau, size)[0]
    # 1 the document by its code with the issuing department (no session: anonymous).
    with django_assert_num_queries(1):
        assert client.get(verify_url(issued)).status_code == 200


@pytest.mark.parametrize("size", [2, 8])
def test_issue_form_queries_do_not_grow(client_of, bureau, size, django_assert_num_queries):
    for i in range(size):
        _headed(i)
    document = approved(bureau.drafter)
    client = client_of(bureau.office_member)
    client.get(url("document_issue", document.pk))
    # 1 session, 2 user, 3 roles, 4 the document, 5 the departments it names (主送 法规处), 6-7 the
    # departments of both choices, 8 the badge.
    with django_assert_num_queries(8):
        response = client.get(url("document_issue", document.pk))
    assert response.status_code == 200
    # The form starts with the departments the draft names.
    assert re.search(rf'value="{bureau.legal.pk}"[^>]*checked', text(response).split('id="div_id_cc_departments"')[0])


def test_the_navigation_offers_the_queue_to_the_office_and_signing_to_everyone(client_of, bureau):
    office = text(client_of(bureau.office_member).get(url("distribution_list")))
    assert 'id="nav-issuing-queue"' in office and 'id="nav-distributions"' in office
    drafter = text(client_of(bureau.drafter).get(url("distribution_list")))
    assert 'id="nav-issuing-queue"' not in drafter and 'id="nav-distributions"' in drafter


def test_the_document_page_offers_issuing_to_the_office_only(client_of, document, bureau):
    assert 'id="issue-document"' in text(client_of(bureau.office_member).get(document.get_absolute_url()))
    assert 'id="issue-document"' not in text(client_of(bureau.drafter).get(document.get_absolute_url()))


def test_verify_refuses_an_oversized_upload(client, document, bureau, monkeypatch):
    from documents.views import issuing as pages

    issued = issue(document, bureau)
    monkeypatch.setattr(pages, "MAX_UPLOAD_BYTES", 10)
    response = client.post(verify_url(issued), {"file": SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * 100)})
    assert response.status_code == 400 and 'id="check-' not in text(response)
