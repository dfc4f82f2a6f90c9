"""Numbered copies (份号, GB/T 9704 7.2.1): a classified document issued to three departments gives
each its own copy 000001..000003 in the order named and the office's file copy 000004, each a
signed PDF of its own whose SHA-256 the public verification page recognises with its number (never
its holder); the copies' downloads follow the distribution's rule; the DOCX carries the number; an
unclassified document prints no 份号 unless the office asks; a failed issue leaves no file."""

import re
from io import BytesIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from docx import Document as Docx
from pypdf import PdfReader

from core.errors import ValidationError
from documents.layout import sha256_hex, validate_pdf_signature
from documents.models import Distribution, Document, DocumentStatus
from documents.services import issuing, rendering
from tests.api import as_, assert_error
from tests.documents import issuing_support
from tests.documents.issuing_support import approved, issue
from tests.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db

bureau, monday = issuing_support.bureau, issuing_support.monday
_issuing_settings, signing_pair = issuing_support._issuing_settings, issuing_support.signing_pair
SIX_DIGITS = re.compile(r"(?<!\d)\d{6}(?!\d)")


@pytest.fixture
def finance(bureau):
    finance = DepartmentFactory(name="财务处", code="finance")
    finance.head = UserFactory(username="finance_head", name="钱财务", department=finance, clearance="secret")
    finance.save()
    return finance


@pytest.fixture
def secret(bureau, finance):
    """A 秘密 notice issued to 法规处 and 财务处 (主送) and 综合处 (抄送)."""
    document = approved(bureau.drafter, title="关于值班安排的通知", classification="secret", secrecy_period="1年")
    return issue(document, bureau, main=[bureau.legal, finance], cc=[bureau.general])


def copies(document):
    return list(Distribution.objects.filter(document=document).order_by("copy_number"))


def pdf_text(data: bytes) -> str:
    return "".join("".join(page.extract_text().split()) for page in PdfReader(BytesIO(data)).pages)


def docx_text(data: bytes) -> str:
    return "".join(p.text for p in Docx(BytesIO(data)).paragraphs)


def stored(field_file) -> bytes:
    with field_file.open("rb") as handle:
        return handle.read()


def test_each_distribution_gets_its_numbered_signed_copy(secret, bureau, finance):
    rows = copies(secret)
    # In the order the office named them: 主送 法规处, 财务处, then 抄送 综合处; the file copy after them.
    assert [(row.department, row.copy_label) for row in rows] == [
        (bureau.legal, "000001"),
        (finance, "000002"),
        (bureau.general, "000003"),
    ]
    assert secret.copy_label == "000004"
    files = [(row.copy_label, stored(row.copy_pdf), row.copy_sha256) for row in rows]
    files.append((secret.copy_label, stored(secret.issued_pdf), secret.pdf_sha256))
    assert len({sha for _label, _data, sha in files}) == 4
    for label, data, sha in files:
        assert sha256_hex(data) == sha, label
        text = pdf_text(data)
        assert label in text and "秘密★1年" in text and secret.number in text, label
        assert [n for n in SIX_DIGITS.findall(text) if n.startswith("0000")] == [label], label
        check = validate_pdf_signature(data)
        assert check.signed and check.intact and check.trusted, label
    assert secret.status == DocumentStatus.ISSUED


def test_the_docx_carries_the_copy_number(secret, bureau):
    legal_copy = copies(secret)[0]
    assert "000001" in docx_text(rendering.render(secret, "docx", copy=legal_copy))
    assert "000004" in docx_text(rendering.render(secret, "docx"))  # the office's file copy


def test_the_verification_page_recognises_every_copy_by_its_number_only(client, secret, bureau, finance):
    url = reverse("verify", args=[secret.verification_code])
    # 综合处 is the issuing department, which the page names; the recipients are never named.
    holders = [bureau.legal.name, finance.name, bureau.legal_head.name, finance.head.name, bureau.head.name]
    with translation.override("en"):
        for row in [*copies(secret), None]:
            label = row.copy_label if row is not None else secret.copy_label
            data = stored(row.copy_pdf if row is not None else secret.issued_pdf)
            page = client.get(f"{url}?copy={label}").content.decode()
            assert f'id="verify-copy">{label}<' in page and sha256_hex(data) in page
            upload = SimpleUploadedFile(f"{label}.pdf", data, content_type="application/pdf")
            page = client.post(url, {"file": upload}).content.decode()
            assert 'id="check-passed"' in page and re.search(rf'id="check-copy">[^<]*{label}', page), label
            assert not any(name in page for name in holders)
        # An unknown copy number shows the file copy; a changed copy is no copy at all.
        page = client.get(f"{url}?copy=000099").content.decode()
        assert 'id="verify-copy">000004<' in page and secret.pdf_sha256 in page
        changed = bytearray(stored(copies(secret)[1].copy_pdf))
        changed[len(changed) // 2] ^= 1
        page = client.post(url, {"file": SimpleUploadedFile("x.pdf", bytes(changed))}).content.decode()
        assert 'id="check-failed"' in page and "It is copy number" not in page
    # The QR code of each copy leads to its own verification address.
    assert rendering.verification_url(secret, 2).endswith(f"/verify/{secret.verification_code}/?copy=000002")


def copy_url(row, fmt="pdf"):
    return reverse("documents:distribution_copy", args=[row.pk]) + f"?format={fmt}"


def test_a_recipient_downloads_only_their_own_copy(client, secret, bureau, finance):
    legal_copy, finance_copy, general_copy = copies(secret)
    expectations = {
        # The distribution's rule: a recipient department's own (its cleared head), and every one
        # for the office, the drafter and the drafting department's head.
        bureau.legal_head: {legal_copy},
        finance.head: {finance_copy},
        bureau.head: {legal_copy, finance_copy, general_copy},
        bureau.drafter: {legal_copy, finance_copy, general_copy},
        bureau.reviewer: set(),  # in 法规处, never routed on this 秘密 document
        bureau.uncleared: set(),
        bureau.outsider: set(),
        bureau.office_member: {legal_copy, finance_copy, general_copy},
    }
    for person, own in expectations.items():
        client.force_login(person)
        for row in (legal_copy, finance_copy, general_copy):
            visible = row in own
            response = client.get(copy_url(row))
            assert response.status_code == (200 if visible else 404), (person.username, row.copy_label)
            if visible:
                assert sha256_hex(response.content) == row.copy_sha256
            api = as_(person).get(f"/api/v1/distributions/{row.pk}/copy/")
            assert api.status_code == (200 if visible else 404), (person.username, row.copy_label)
    # The document's own download gives a recipient their copy, the office its file copy.
    client.force_login(finance.head)
    response = client.get(reverse("documents:document_render", args=[secret.pk]))
    assert sha256_hex(response.content) == finance_copy.copy_sha256
    assert "000002" in response["Content-Disposition"]
    api = as_(finance.head).get(f"/api/v1/documents/{secret.pk}/render/?format=docx")
    assert "000002" in docx_text(api.content)
    client.force_login(bureau.office_member)
    response = client.get(reverse("documents:document_render", args=[secret.pk]))
    assert sha256_hex(response.content) == secret.pdf_sha256


def test_the_distribution_api_names_its_copy(secret, bureau):
    legal_copy = copies(secret)[0]
    body = as_(bureau.legal_head).get(f"/api/v1/distributions/{legal_copy.pk}/").json()
    assert body["copy"] == {
        "number": "000001",
        "sha256": legal_copy.copy_sha256,
        "url": f"/api/v1/distributions/{legal_copy.pk}/copy/",
    }
    listed = as_(bureau.legal_head).get("/api/v1/distributions/").json()["results"]
    assert [row["copy"]["number"] for row in listed] == ["000001"]
    docx = as_(bureau.legal_head).get(f"/api/v1/distributions/{legal_copy.pk}/copy/?format=docx")
    assert docx.status_code == 200 and "000001" in docx_text(docx.content)
    assert_error(as_(bureau.legal_head).get(f"/api/v1/distributions/{legal_copy.pk}/copy/?format=exe"), 400)


def test_the_issue_api_numbers_copies_and_refuses_to_leave_a_classified_one_unnumbered(bureau, finance):
    document = approved(bureau.drafter, classification="secret")
    body = {"main_departments": [bureau.legal.pk], "cc_departments": [finance.pk], "numbered_copies": False}
    assert_error(as_(bureau.office_member).post(f"/api/v1/documents/{document.pk}/issue/", body, format="json"), 400)
    assert not Distribution.objects.exists()
    response = as_(bureau.office_member).post(
        f"/api/v1/documents/{document.pk}/issue/", {**body, "numbered_copies": None}, format="json"
    )
    assert response.status_code == 200, response.content
    numbers = [(row["number"], row["distribution"] is None) for row in response.json()["copies"]]
    assert numbers == [("000001", False), ("000002", False), ("000003", True)]


def test_an_unclassified_document_prints_no_copy_number_unless_the_office_asks(client, bureau, finance):
    plain = issue(approved(bureau.drafter, title="关于普通事项的通知"), bureau, main=[bureau.legal, finance])
    assert plain.copy_number is None
    assert all(row.copy_number is None and not row.copy_pdf and not row.copy_sha256 for row in copies(plain))
    text = pdf_text(stored(plain.issued_pdf))
    assert not [n for n in SIX_DIGITS.findall(text) if n.startswith("0000")]
    row = copies(plain)[0]
    assert as_(bureau.legal_head).get(f"/api/v1/distributions/{row.pk}/").json()["copy"] is None
    client.force_login(bureau.legal_head)
    assert client.get(copy_url(row)).status_code == 404
    # The office may number an internal document's copies too (a choice at issue time).
    asked = issuing.document_issue(
        document=approved(bureau.drafter, title="关于编号事项的通知"),
        by=bureau.office_member,
        main_departments=[bureau.legal],
        numbered_copies=True,
    )
    assert [row.copy_label for row in copies(asked)] == ["000001"] and asked.copy_label == "000002"
    assert "000001" in pdf_text(stored(copies(asked)[0].copy_pdf))


def test_the_issue_form_numbers_a_classified_document_whatever_is_posted(client, bureau):
    document = approved(bureau.drafter, classification="secret")
    client.force_login(bureau.office_member)
    form_url = reverse("documents:document_issue", args=[document.pk])
    page = client.get(form_url).content.decode()
    assert 'name="numbered_copies"' in page and "disabled" in page
    response = client.post(form_url, {"main_departments": [bureau.legal.pk]})  # the box left unchecked
    assert response.status_code == 302
    assert copies(document)[0].copy_label == "000001"


def test_a_failed_issue_leaves_no_row_and_no_file(bureau, finance, monkeypatch):
    document = approved(bureau.drafter, classification="secret")

    def broken(**_kwargs):
        raise RuntimeError("the audit log is down")

    monkeypatch.setattr(issuing, "audit_record", broken)
    with pytest.raises(RuntimeError):
        issue(document, bureau, main=[bureau.legal, finance])
    document.refresh_from_db()
    assert document.status == DocumentStatus.APPROVED and not document.number and document.copy_number is None
    assert not Distribution.objects.exists()
    media = Path(settings.MEDIA_ROOT)
    assert not [path for path in media.rglob("*") if path.is_file()]


def test_a_classified_document_cannot_be_issued_unnumbered(bureau):
    document = approved(bureau.drafter, classification="secret")
    with pytest.raises(ValidationError):
        issuing.document_issue(
            document=document, by=bureau.office_member, main_departments=[bureau.legal], numbered_copies=False
        )
    assert Document.objects.get(pk=document.pk).status == DocumentStatus.APPROVED
