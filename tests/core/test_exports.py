"""Generic exports: an XLSX sheet safe to open, a DOCX table in the official faces, a download
whose Chinese file name survives."""

from datetime import date
from io import BytesIO
from urllib.parse import unquote

from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook

from core.exports import (
    DOCX_CONTENT_TYPE,
    FONT_FANGSONG,
    FONT_HEITI,
    FONT_TITLE,
    XLSX_CONTENT_TYPE,
    attachment_response,
    docx_table_bytes,
    xlsx_bytes,
)


def test_xlsx_has_a_bold_frozen_header_and_sized_columns():
    data = xlsx_bytes(
        "意见汇总", ["序号", "意见内容"], [[1, "建议进一步明确职责分工，细化各处室任务清单"], [2, "无意见"]]
    )
    sheet = load_workbook(BytesIO(data)).active
    assert sheet.title == "意见汇总"
    assert [c.value for c in sheet[1]] == ["序号", "意见内容"]
    assert all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["B"].width > sheet.column_dimensions["A"].width >= 8
    assert sheet["A2"].value == 1 and sheet["B3"].value == "无意见"


def test_xlsx_defuses_formulas_but_keeps_numbers_and_dates():
    rows = [['=HYPERLINK("http://x")', "+1", "-2+3", "@SUM(A1)", -5, 2.5, date(2026, 12, 1), None, "\tx"]]
    sheet = load_workbook(BytesIO(xlsx_bytes("s", list("ABCDEFGHI"), rows))).active
    values = [c.value for c in sheet[2]]
    assert values[:4] == ['\'=HYPERLINK("http://x")', "'+1", "'-2+3", "'@SUM(A1)"]
    assert values[4:6] == [-5, 2.5]
    assert values[6].date() == date(2026, 12, 1)
    assert values[7] is None
    assert values[8] == "'\tx"
    assert all(cell.data_type != "f" for cell in sheet[2])  # nothing is a formula


def test_xlsx_sheet_title_is_made_valid():
    sheet = load_workbook(BytesIO(xlsx_bytes("a/b:c*d?[e]" + "x" * 40, ["h"], []))).active
    assert sheet.title == "a_b_c_d__e_" + "x" * 20


def test_docx_table_is_landscape_in_the_official_faces():
    data = docx_table_bytes(
        "意见汇总表", ["序号", "单位", "意见"], [[1, "财务处", "同意\n建议修改第三条"]], subtitle="第一轮"
    )
    document = Document(BytesIO(data))
    section = document.sections[0]
    assert section.page_width > section.page_height
    assert [p.text for p in document.paragraphs][:2] == ["意见汇总表", "第一轮"]
    (table,) = document.tables
    assert [c.text for c in table.rows[0].cells] == ["序号", "单位", "意见"]
    assert [c.text for c in table.rows[1].cells] == ["1", "财务处", "同意\n建议修改第三条"]

    def east_asia(run):
        return run.element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))

    assert east_asia(document.paragraphs[0].runs[0]) == FONT_TITLE
    assert east_asia(table.rows[0].cells[0].paragraphs[0].runs[0]) == FONT_HEITI
    assert east_asia(table.rows[1].cells[1].paragraphs[0].runs[0]) == FONT_FANGSONG
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None  # repeated on each page


def test_attachment_response_keeps_a_chinese_file_name():
    response = attachment_response(b"data", "意见汇总表（第一轮）.xlsx", XLSX_CONTENT_TYPE)
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="')
    assert "filename*=UTF-8''" in disposition
    encoded = disposition.split("filename*=UTF-8''", 1)[1]
    assert unquote(encoded) == "意见汇总表（第一轮）.xlsx"
    fallback = disposition.split('filename="', 1)[1].split('"', 1)[0]
    assert fallback.isascii() and fallback.endswith(".xlsx")
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert response.content == b"data"
    assert response["Content-Length"] == "4"


def test_attachment_response_with_a_plain_name_and_hostile_characters():
    assert attachment_response(b"", "report.docx", DOCX_CONTENT_TYPE)["Content-Disposition"] == (
        'attachment; filename="report.docx"'
    )
    disposition = attachment_response(b"", 'a"b\r\nSet-Cookie: x/..\\c.pdf', "application/pdf")["Content-Disposition"]
    assert "\r" not in disposition and "\n" not in disposition
    assert disposition.count('"') == 2  # the quoted fallback holds no quote of its own
    assert "/" not in unquote(disposition.split("filename*=UTF-8''", 1)[1])
