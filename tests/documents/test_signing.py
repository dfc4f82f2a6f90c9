"""PAdES signing of issued PDFs and the check the verify page relies on."""

import asyncio
import stat
from io import BytesIO, StringIO

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from documents.layout import (
    Block,
    Layout,
    SigningUnavailable,
    make_demo_certificate,
    render_pdf,
    sha256_hex,
    sign_pdf,
    signing_available,
    validate_pdf_signature,
)
from documents.layout.signing import DEMO_COMMON_NAME

SMALL = Layout(
    title="关于测试签名的通知",
    issuer_mark="协同市协同局文件",
    signature_org="协同市协同局",
    date_text="2026年12月1日",
    body=(Block(0, "正文。"),),
    number="办发〔2026〕8号",
)


@pytest.fixture(scope="module")
def demo_pair(tmp_path_factory):
    """A self-signed pair in a temporary folder (made once: an RSA key takes a moment)."""
    folder = tmp_path_factory.mktemp("signing")
    cert, key = folder / "cert.pem", folder / "key.pem"
    assert make_demo_certificate(cert, key)
    return cert, key


@pytest.fixture
def signing_cert(settings, demo_pair):
    """The demo pair configured as the signing certificate."""
    settings.SIGNING_CERT, settings.SIGNING_KEY = demo_pair
    return demo_pair


@pytest.fixture(scope="module")
def pdf():
    return render_pdf(SMALL)


def test_without_a_certificate_nothing_is_signed(settings, tmp_path, pdf):
    settings.SIGNING_CERT, settings.SIGNING_KEY = tmp_path / "none.pem", tmp_path / "none.key"
    assert not signing_available()
    with pytest.raises(SigningUnavailable):
        sign_pdf(pdf, reason="签发")


def test_a_signed_pdf_validates_with_the_signers_name(signing_cert, pdf):
    assert signing_available()
    signed = sign_pdf(pdf, reason="签发", location="协同市", signer_name="张三")
    assert signed.startswith(pdf)  # an incremental update: the rendered bytes stay as they were
    check = validate_pdf_signature(signed)
    assert check.signed and check.intact and check.trusted
    assert check.signer == DEMO_COMMON_NAME
    assert check.signer_name == "张三"
    assert check.signed_at is not None
    assert "关于测试签名的通知" in PdfReader(BytesIO(signed)).pages[0].extract_text()


def test_signing_and_checking_work_inside_a_running_event_loop(signing_cert, pdf):
    """pyHanko's synchronous calls start an event loop of their own; called from a thread whose
    loop is running (an async caller; a browser test seeding the demo beside Playwright's loop) they
    used to fail with "asyncio.run() cannot be called from a running event loop"."""

    async def inside_a_loop():
        signed = sign_pdf(pdf, reason="签发")
        changed = bytearray(signed)
        start = changed.index(b"stream", changed.index(b"/Filter")) + 20
        changed[start] ^= 0xFF
        return validate_pdf_signature(signed), validate_pdf_signature(bytes(changed))

    check, changed_check = asyncio.run(inside_a_loop())
    assert check.signed and check.intact and check.trusted
    assert changed_check.signed and not changed_check.intact


def test_a_changed_byte_in_the_signed_content_is_detected(signing_cert, pdf):
    signed = bytearray(sign_pdf(pdf, reason="签发"))
    # A byte inside the first page's compressed content stream: the file still parses.
    start = signed.index(b"stream", signed.index(b"/Filter")) + 20
    signed[start] ^= 0xFF
    check = validate_pdf_signature(bytes(signed))
    assert check.signed
    assert not check.intact


def test_another_organizations_certificate_is_intact_but_not_trusted(settings, signing_cert, tmp_path, pdf):
    signed = sign_pdf(pdf, reason="签发")
    other_cert, other_key = tmp_path / "other" / "cert.pem", tmp_path / "other" / "key.pem"
    make_demo_certificate(other_cert, other_key, common_name="别的机关 (demo)")
    settings.SIGNING_CERT, settings.SIGNING_KEY = other_cert, other_key
    check = validate_pdf_signature(signed)
    assert check.signed and check.intact
    assert not check.trusted


def test_an_unsigned_or_broken_pdf_is_reported_unsigned(pdf):
    assert not validate_pdf_signature(pdf).signed
    broken = validate_pdf_signature(b"%PDF-1.4 not really")
    assert not broken.signed and not broken.intact


def test_sha256_hex():
    assert sha256_hex(b"abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_the_demo_certificate_is_made_once_with_a_private_key(tmp_path):
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    assert make_demo_certificate(cert, key)
    before = cert.read_bytes()
    assert not make_demo_certificate(cert, key)  # idempotent
    assert cert.read_bytes() == before
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    key.unlink()
    with pytest.raises(FileExistsError):
        make_demo_certificate(cert, key)  # never half a pair


def test_the_command_creates_the_demo_pair_once(settings, tmp_path):
    settings.SIGNING_CERT, settings.SIGNING_KEY = tmp_path / "s" / "cert.pem", tmp_path / "s" / "key.pem"
    out = StringIO()
    call_command("signing_certificate", stdout=out)
    assert "not signed" in out.getvalue()
    call_command("signing_certificate", "--demo", stdout=out)
    assert "created a self-signed demo certificate" in out.getvalue()
    assert signing_available()
    again = StringIO()
    call_command("signing_certificate", "--demo", stdout=again)
    assert again.getvalue() == ""  # nothing to do, nothing said
    call_command("signing_certificate", stdout=again)
    assert "signed with" in again.getvalue()


def test_a_change_appended_after_signing_is_not_intact(signing_cert, pdf):
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    signed = sign_pdf(pdf, reason="签发")
    writer = IncrementalPdfFileWriter(BytesIO(signed))
    writer.root["/Lang"] = generic.TextStringObject("en")
    writer.update_root()
    changed = BytesIO()
    writer.write(changed)
    check = validate_pdf_signature(changed.getvalue())
    assert check.signed
    assert not check.intact  # the signature no longer covers the whole file
