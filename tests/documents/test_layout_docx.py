"""The DOCX of a Layout: the same elements in order, the official faces named, the A4 page of
GB/T 9704-2012, the seal floating over the signature."""

from io import BytesIO

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm

from core.exports import FONT_FANGSONG, FONT_HEITI, FONT_KAITI, FONT_TITLE
from documents.layout import render_docx

from .layout_data import DRAFT, FULL, FULL_IN_ORDER, HEADINGS, UPWARD, in_order

OFFICIAL = {FONT_TITLE, FONT_FANGSONG, FONT_HEITI, FONT_KAITI, "宋体"}


@pytest.fixture(scope="module")
def full_docx():
    return Document(BytesIO(render_docx(FULL)))


def all_paragraphs(document):
    """Body paragraphs and table-cell paragraphs (the 版记 is a table) in document order."""
    for block in document.iter_inner_content():
        if hasattr(block, "rows"):
            for row in block.rows:
                for cell in row.cells:
                    yield from cell.paragraphs
        else:
            yield block


def east_asia(run) -> str:
    fonts = run.element.rPr.find(qn("w:rFonts"))
    return fonts.get(qn("w:eastAsia")) if fonts is not None else ""


def paragraph_with(document, text):
    return next(p for p in all_paragraphs(document) if text in p.text)


def test_every_element_in_reading_order(full_docx):
    text = "\n".join(p.text for p in all_paragraphs(full_docx))
    parts = [part for part in FULL_IN_ORDER if part != "验证码：ABCD-EFGH"]
    assert in_order(text, parts) == []
    # The QR code and its code follow the signature block.
    assert in_order(text, ["2026年12月1日", "验证码：ABCD-EFGH", "抄送"]) == []


def test_runs_name_the_official_faces(full_docx):
    runs = [run for p in all_paragraphs(full_docx) for run in p.runs if run.text.strip()]
    assert runs and all(east_asia(run) in OFFICIAL for run in runs)

    def face_of(text):
        return {east_asia(run) for run in paragraph_with(full_docx, text).runs if run.text.strip()}

    assert face_of("协同市协同局文件") == {FONT_TITLE}
    assert face_of(FULL.title[:6]) == {FONT_TITLE}
    assert face_of("秘密★1年") == {FONT_HEITI}
    assert face_of(HEADINGS[0]) == {FONT_HEITI}
    assert face_of(HEADINGS[1]) == {FONT_KAITI}
    assert face_of(HEADINGS[2]) == face_of(HEADINGS[3]) == {FONT_FANGSONG}
    assert face_of("为深入贯彻落实") == {FONT_FANGSONG}
    red = paragraph_with(full_docx, "协同市协同局文件").runs[0].font.color.rgb
    assert str(red) == "E60012"


def test_the_section_is_a4_with_the_standard_margins(full_docx):
    section = full_docx.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(0.1)
    assert abs(section.page_height - Mm(297)) < Mm(0.1)
    assert abs(section.top_margin - Mm(37)) < Mm(0.1)
    assert abs(section.left_margin - Mm(28)) < Mm(0.1)
    assert abs(section.page_width - section.left_margin - section.right_margin - Mm(156)) < Mm(0.1)
    assert abs(section.page_height - section.top_margin - section.bottom_margin - Mm(225)) < Mm(0.1)
    line = full_docx.styles["Normal"].paragraph_format.line_spacing
    assert line.pt == pytest.approx(225 / 22 * 72 / 25.4, abs=0.1)  # 22 lines to the 版心


def test_page_numbers_alternate_sides(full_docx):
    section = full_docx.sections[0]
    assert full_docx.settings.odd_and_even_pages_header_footer
    odd, even = section.footer.paragraphs[0], section.even_page_footer.paragraphs[0]
    for footer in (odd, even):
        xml = footer._p.xml
        assert "PAGE" in xml and footer.text.startswith("— ") and footer.text.endswith(" —")
    assert odd.alignment == 2 and even.alignment == 0  # right, left


def test_the_seal_floats_over_the_signature_of_an_issued_document(full_docx):
    signature = paragraph_with(full_docx, "协同市协同局办公室")
    anchors = signature._p.xpath(".//wp:anchor")
    assert len(anchors) == 1
    assert anchors[0].xpath(".//pic:pic")  # a picture
    draft = Document(BytesIO(render_docx(DRAFT)))
    assert not [p for p in all_paragraphs(draft) if p._p.xpath(".//wp:anchor")]  # no seal on a draft
    header = draft.sections[0].header.paragraphs[0]
    assert header._p.xpath(".//wp:anchor[@behindDoc='1']")  # the watermark, behind the text


def test_the_banji_is_a_table_of_lines_at_the_foot_of_the_page(full_docx):
    (table,) = full_docx.tables
    assert [row.cells[0].text for row in table.rows] == [
        "抄送：市政府办公室，市财政局。",
        "协同市协同局办公室\t2026年12月2日印发",
    ]
    position = table._tbl.tblPr.find(qn("w:tblpPr"))
    assert position.get(qn("w:tblpYSpec")) == "bottom"


def test_an_upward_document_names_the_signers():
    document = Document(BytesIO(render_docx(UPWARD)))
    text = "\n".join(p.text for p in all_paragraphs(document))
    assert in_order(text, ["签发人：", "张三", "李四", "办发〔2026〕7号", "王五"]) == []
    last = paragraph_with(document, "王五")
    assert "办发〔2026〕7号" in last.text  # the number on the last 签发人 line
    kaiti = {east_asia(run) for run in paragraph_with(document, "张三").runs if "张三" in run.text}
    assert kaiti == {FONT_KAITI}
