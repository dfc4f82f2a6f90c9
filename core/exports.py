"""Generic file exports: an XLSX sheet, a DOCX table in the official faces, and the download response."""

import re
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO
from typing import Any
from urllib.parse import quote

from django.http import HttpResponse

# The faces GB/T 9704-2012 documents are set in. A DOCX names them (w:eastAsia) so that Word uses
# them where they are installed; documents.layout uses the same names.
FONT_TITLE = "方正小标宋简体"
FONT_FANGSONG = "仿宋_GB2312"
FONT_HEITI = "黑体"
FONT_KAITI = "楷体_GB2312"
FONT_SONGTI = "宋体"
FONT_LATIN = "Times New Roman"

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_CONTENT_TYPE = "application/pdf"

# A spreadsheet reads a cell starting with one of these as a formula (OWASP "CSV injection"); a tab
# or carriage return in front hides it from a glance.
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def safe_cell(value: Any) -> Any:
    """A value fit for a spreadsheet cell: numbers and dates as they are, text defused and stripped
    of control characters, anything else as its text."""
    if value is None or isinstance(value, bool | int | float | Decimal | date | datetime):
        if isinstance(value, datetime) and value.tzinfo is not None:
            return value.replace(tzinfo=None)  # openpyxl cannot store aware datetimes
        return value
    text = "".join(ch for ch in str(value) if ch in "\t\n" or unicodedata.category(ch) != "Cc")
    if text.startswith(_FORMULA_PREFIXES):
        return "'" + text
    return text


def _display_width(value: Any) -> int:
    """Columns needed to show a value: a CJK (wide) character takes two."""
    text = value.isoformat(sep=" ", timespec="minutes") if isinstance(value, datetime) else str(value)
    longest = max(text.split("\n"), key=len) if text else ""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in longest)


def xlsx_bytes(sheet_title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """One worksheet: a bold, frozen header row, columns as wide as their content (within limits),
    text cells defused against formula injection."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=False)
    sheet = workbook.create_sheet(_SHEET_TITLE_FORBIDDEN.sub("_", sheet_title)[:31] or "Sheet1", 0)
    for other in workbook.worksheets[1:]:  # the empty sheet a new workbook starts with
        workbook.remove(other)
    sheet.append([safe_cell(h) for h in headers])
    widths = [_display_width(h) for h in headers]
    for row in rows:
        values = [safe_cell(v) for v in row]
        sheet.append(values)
        for i, value in enumerate(values):
            if value is not None:
                width = _display_width(value)
                if i < len(widths):
                    widths[i] = max(widths[i], width)
                else:
                    widths.append(width)
    bold = Font(bold=True)
    for cell in sheet[1]:
        cell.font = bold
        cell.alignment = Alignment(vertical="center")
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = min(max(width + 2, 8), 60)
    wrap = Alignment(wrap_text=True, vertical="top")
    for row_cells in sheet.iter_rows(min_row=2):
        for cell in row_cells:
            if isinstance(cell.value, str) and "\n" in cell.value:
                cell.alignment = wrap
    sheet.freeze_panes = "A2"
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def docx_set_font(target: Any, east_asia: str, *, latin: str = FONT_LATIN) -> None:
    """Name the faces of a python-docx run or style: ``east_asia`` for Chinese (w:eastAsia), ``latin``
    for Latin letters and digits. python-docx's ``font.name`` sets only the Latin slots."""
    from docx.oxml.ns import qn

    target.font.name = latin
    element = target.element
    rpr = element.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:hint"), "eastAsia")


def docx_table_bytes(title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]], *, subtitle: str = "") -> bytes:
    """A landscape A4 document with a title, an optional subtitle and one table whose header row
    repeats on each page; text in the official faces."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin = section.right_margin = Mm(20)

    normal = document.styles["Normal"]
    docx_set_font(normal, FONT_FANGSONG)
    normal.font.size = Pt(12)  # 小四: a table needs a smaller size than the 3号 body

    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(title)
    docx_set_font(run, FONT_TITLE)
    run.font.size = Pt(22)  # 2号
    if subtitle:
        line = document.add_paragraph()
        line.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = line.add_run(subtitle)
        docx_set_font(run, FONT_KAITI)
        run.font.size = Pt(14)

    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    header_row = table.rows[0]
    marker = OxmlElement("w:tblHeader")  # repeat the header row on every page
    marker.set(qn("w:val"), "true")
    header_row._tr.get_or_add_trPr().append(marker)
    for cell, text in zip(header_row.cells, headers, strict=True):
        paragraph = cell.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(str(text))
        docx_set_font(run, FONT_HEITI)
        run.bold = True
    for values in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, values, strict=False):
            text = "" if value is None else str(value)
            lines = text.split("\n")
            paragraph = cell.paragraphs[0]
            for n, part in enumerate(lines):
                run = paragraph.add_run(part)
                docx_set_font(run, FONT_FANGSONG)
                if n < len(lines) - 1:
                    run.add_break()
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _ascii_fallback(filename: str) -> str:
    """A plain-ASCII stand-in for clients that ignore filename*: accents dropped, other characters
    replaced, the extension kept."""
    stem, dot, ext = filename.rpartition(".")
    if not dot:
        stem, ext = filename, ""
    decomposed = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode("ascii")
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", decomposed).strip("._") or "download"
    ext = re.sub(r"[^A-Za-z0-9]+", "", ext)
    return f"{cleaned}.{ext}" if ext else cleaned


def content_disposition(filename: str, *, inline: bool = False) -> str:
    """An RFC 6266 Content-Disposition value: an ASCII ``filename`` for old clients and the real
    name as UTF-8 in ``filename*`` (RFC 8187)."""
    filename = re.sub(r"[\x00-\x1f\x7f/\\]", "_", filename)
    kind = "inline" if inline else "attachment"
    fallback = _ascii_fallback(filename)
    if fallback == filename:
        return f'{kind}; filename="{filename}"'
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def attachment_response(data: bytes, filename: str, content_type: str, *, inline: bool = False) -> HttpResponse:
    """A download of ``data`` under ``filename`` (Chinese names survive in every current browser)."""
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition(filename, inline=inline)
    response["Content-Length"] = str(len(data))
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
