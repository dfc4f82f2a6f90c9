"""The rendered documents: an issued document's signed PDF carries each element (read back with
pypdf and pdftotext), pyHanko validates its signature and notices a changed byte; the DOCX is read
back with python-docx; a draft renders without a number, seal or signature, marked 草稿."""

import shutil
import subprocess
from io import BytesIO

import pytest
from docx import Document as Docx
from pypdf import PdfReader

from documents.layout import sha256_hex, validate_pdf_signature
from documents.services import rendering
from documents.services.drafting import document_create
from tests.documents import issuing_support
from tests.documents.issuing_support import approved, issue

pytestmark = pytest.mark.django_db

bureau, monday, document = issuing_support.bureau, issuing_support.monday, issuing_support.document
_issuing_settings, signing_pair = issuing_support._issuing_settings, issuing_support.signing_pair


@pytest.fixture(autouse=True)
def _no_official_fonts(settings, tmp_path):
    settings.DOCUMENT_FONTS_DIR = tmp_path / "fonts"


def flat(text: str) -> str:
    return "".join(text.split())


def pdf_text(data: bytes) -> str:
    return flat("".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages))


def docx_text(data: bytes) -> str:
    document = Docx(BytesIO(data))
    parts = []
    for block in document.iter_inner_content():
        if hasattr(block, "rows"):
            parts += [p.text for row in block.rows for cell in row.cells for p in cell.paragraphs]
        else:
            parts.append(block.text)
    return flat("\n".join(parts))


@pytest.fixture
def issued(bureau):
    document = approved(
        bureau.drafter,
        title="关于加强值班管理的通知",
        main_recipients="",
        cc_recipients="",
        attachment_notes="值班表",
        note="联系人：张起草",
    )
    return issue(document, bureau, cc=[bureau.general])


def test_the_issued_pdf_is_the_stored_signed_original(issued):
    data = rendering.render(issued, "pdf")
    assert sha256_hex(data) == issued.pdf_sha256
    text = pdf_text(data)
    for element in (
        "协同市协同局综合处文件",  # 发文机关标志
        "综发〔2026〕1号",  # 发文字号
        "关于加强值班管理的通知",  # 标题
        "法规处：",  # 主送 from the distribution
        "一、总体要求",
        "附件：值班表",
        "2026年3月2日",
        "（联系人：张起草）",
        "抄送：综合处。",
        "协同市协同局办公室",  # 印发机关
        issued.verification_code,
    ):
        assert flat(element) in text, element
    check = validate_pdf_signature(data)
    assert check.signed and check.intact and check.trusted
    assert check.signer_name == "协同市协同局综合处"


def test_a_changed_byte_breaks_the_signature(issued):
    data = bytearray(rendering.render(issued, "pdf"))
    # Change a byte inside the signed range (the start of the file, past the header line).
    position = data.index(b"obj") + 10
    data[position] = (data[position] + 1) % 256
    check = validate_pdf_signature(bytes(data))
    assert not check.intact
    assert sha256_hex(bytes(data)) != issued.pdf_sha256


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")
def test_poppler_reads_the_issued_pdf(issued, tmp_path):
    path = tmp_path / "issued.pdf"
    path.write_bytes(rendering.render(issued, "pdf"))
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True).stdout
    text = flat(out.decode())
    for element in ("综发〔2026〕1号", "关于加强值班管理的通知", "法规处：", issued.verification_code):
        assert element in text, element


def test_the_docx_is_read_back(issued):
    text = docx_text(rendering.render(issued, "docx"))
    for element in (
        "综发〔2026〕1号",
        "关于加强值班管理的通知",
        "法规处：",
        "抄送：综合处。",
        issued.verification_code,
    ):
        assert flat(element) in text, element


def test_a_draft_renders_without_number_seal_or_signature(bureau):
    draft = document_create(
        drafter=bureau.drafter, title="关于草稿的通知", doc_type="notice", body="正文。", main_recipients="各处室"
    )
    data = rendering.render(draft, "pdf")
    text = pdf_text(data)
    assert "关于草稿的通知" in text and "各处室：" in text and "草稿" in text
    assert "〔" not in text
    assert not validate_pdf_signature(data).signed
    assert "关于草稿的通知" in docx_text(rendering.render(draft, "docx"))


def test_secret_urgent_upward_marks(bureau):
    leader = bureau.head
    document = approved(
        bureau.drafter,
        title="关于请求拨付经费的请示",
        doc_type="request",
        classification="secret",
        secrecy_period="1年",
        urgency="urgent",
    )
    document.signer = leader
    document.save(update_fields=["signer"])
    text = pdf_text(rendering.render(document, "pdf"))
    assert "秘密★1年" in text and "加急" in text and "签发人" in text and flat(leader.display_name) in text
