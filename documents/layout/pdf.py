"""A Layout drawn as a PDF on the GB/T 9704-2012 grid (DOMAIN.md A): A4, 版心 156×225 mm at 37/28 mm,
22 lines of 28 characters, red 发文机关标志 and separator, the seal over the signature block, the
版记 at the foot of the last page and page numbers — 1 — outside the 版心."""

from collections.abc import Callable
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from . import geometry as g
from .data import (
    Layout,
    attachment_lines,
    cc_text,
    note_text,
    printed_text,
    recipients_text,
    seal_name,
)
from .fonts import FANGSONG, HEITI, KAITI, SONGTI, TITLE, Face, pdf_faces
from .text import balanced, wrap

LEVEL_ROLE = {0: FANGSONG, 1: HEITI, 2: KAITI, 3: FANGSONG, 4: FANGSONG}
BODY_SPACING = g.CELL - g.SIZE_3  # character spacing that puts 28 3号 characters on a line
JUSTIFY_LIMIT = 3 * g.CELL  # a line shorter than this by more is left ragged, not stretched


@dataclass
class Item:
    """A slice of the flow below the header: ``height`` points tall, drawn by ``draw(top)`` where
    ``top`` is its top edge in page coordinates."""

    height: float
    draw: Callable[[float], None]
    keep_with_next: bool = False
    space: bool = False  # blank space: dropped at the top of a page


class _Renderer:
    def __init__(self, layout: Layout) -> None:
        from reportlab.lib.colors import CMYKColor, black
        from reportlab.pdfgen.canvas import Canvas

        self.layout = layout
        self.faces = pdf_faces()
        self.buffer = BytesIO()
        self.canvas = Canvas(
            self.buffer,
            pagesize=(g.PAGE_WIDTH, g.PAGE_HEIGHT),
            pageCompression=1,
            initialFontName=self.faces[FANGSONG].name,  # no unembedded Helvetica in the file
            initialFontSize=g.SIZE_3,
        )
        self.red = CMYKColor(*g.RED_CMYK)
        self.black = black
        self.left = g.LEFT_MARGIN
        self.right = g.LEFT_MARGIN + g.TEXT_WIDTH
        self.top = g.PAGE_HEIGHT - g.TOP_MARGIN  # top of the 版心, page coordinates (y up)
        canvas = self.canvas
        canvas.setTitle(layout.title)
        canvas.setAuthor(layout.signature_org)
        canvas.setSubject(layout.number or layout.title)
        canvas.setCreator("Xietong")

    # --- text ----------------------------------------------------------------------------------
    def face(self, role: str) -> Face:
        return self.faces[role]

    def width(self, text: str, role: str, size: float, spacing: float = 0.0) -> float:
        return self.canvas.stringWidth(text, self.face(role).name, size) + spacing * len(text)

    def text(
        self,
        x: float,
        baseline: float,
        text: str,
        role: str,
        size: float,
        *,
        spacing: float = 0.0,
        color: Any = None,
        scale: float = 100.0,
    ) -> None:
        if not text:
            return
        face = self.face(role)
        canvas = self.canvas
        canvas.saveState()
        colour = color if color is not None else self.black
        canvas.setFillColor(colour)
        obj = canvas.beginText(x, baseline)
        obj.setFont(face.name, size)
        obj.setCharSpace(spacing)
        if scale != 100.0:
            obj.setHorizScale(scale)
        if face.bold:  # a stand-in for a heavier face: outline stroked as well as filled
            canvas.setStrokeColor(colour)
            canvas.setLineWidth(size * 0.035)
            obj.setTextRenderMode(2)
        obj.textOut(text)
        canvas.drawText(obj)
        canvas.restoreState()

    @staticmethod
    def baseline(row_top: float, row_height: float, size: float) -> float:
        """Baseline that centres a CJK glyph of ``size`` in a row whose top edge is ``row_top``."""
        return row_top - row_height / 2 - (g.ASCENT - g.DESCENT) / 2 * size

    def paragraph_lines(
        self, text: str, role: str, *, first_indent: float, indent: float = 0.0
    ) -> list[tuple[str, float, bool]]:
        """(line, x offset, is last line) of a 3号 paragraph on the grid."""
        size = g.SIZE_3

        def measure(s: str) -> float:
            return self.width(s, role, size, BODY_SPACING)

        lines = wrap(text, g.TEXT_WIDTH - first_indent, g.TEXT_WIDTH - indent, measure)
        return [(line, first_indent if n == 0 else indent, n == len(lines) - 1) for n, line in enumerate(lines)]

    def line_item(self, line: str, x_offset: float, role: str, *, justify: bool, keep: bool = False) -> Item:
        size = g.SIZE_3
        spacing = BODY_SPACING
        avail = g.TEXT_WIDTH - x_offset
        if justify and len(line) > 1:
            slack = avail - self.width(line, role, size, BODY_SPACING)
            if 0 < slack < JUSTIFY_LIMIT:
                spacing += slack / (len(line) - 1)

        def draw(top: float) -> None:
            self.text(self.left + x_offset, self.baseline(top, g.LINE_PITCH, size), line, role, size, spacing=spacing)

        return Item(g.LINE_PITCH, draw, keep_with_next=keep)

    def blank(self, rows: float = 1.0, *, keep: bool = False) -> Item:
        return Item(g.LINE_PITCH * rows, lambda top: None, keep_with_next=keep, space=True)

    # --- page 1 header (版头) ---------------------------------------------------------------------
    def header(self) -> float:
        """Draw the 版头 on page 1; the offset below the 版心 top where the flow starts."""
        layout = self.layout
        size = g.SIZE_3
        row = 0
        for text, role in (
            (layout.copy_number, FANGSONG),
            (layout.classification_mark, HEITI),
            (layout.urgency_mark, HEITI),
        ):
            if text:
                top = self.top - row * g.LINE_PITCH
                self.text(self.left, self.baseline(top, g.LINE_PITCH, size), text, role, size, spacing=BODY_SPACING)
                row += 1

        mark_size = g.SIZE_MARK
        mark_width = self.width(layout.issuer_mark, TITLE, mark_size)
        scale = min(100.0, 100.0 * g.TEXT_WIDTH / mark_width) if mark_width else 100.0
        shown = mark_width * scale / 100
        mark_baseline = self.top - g.MARK_TOP - g.ASCENT * mark_size
        self.text(
            self.left + (g.TEXT_WIDTH - shown) / 2,
            mark_baseline,
            layout.issuer_mark,
            TITLE,
            mark_size,
            color=self.red,
            scale=scale,
        )
        mark_bottom = g.MARK_TOP + mark_size  # offset below the 版心 top

        number_row = mark_bottom + 2 * g.LINE_PITCH  # 空二行
        if layout.upward:
            number_baseline = self._signers(number_row)
        else:
            number_baseline = self.baseline(self.top - number_row, g.LINE_PITCH, size)
            if layout.number:
                width = self.width(layout.number, FANGSONG, size)
                self.text(self.left + (g.TEXT_WIDTH - width) / 2, number_baseline, layout.number, FANGSONG, size)
        rule_y = number_baseline - g.DESCENT * size - g.RULE_GAP
        canvas = self.canvas
        canvas.saveState()
        canvas.setStrokeColor(self.red)
        canvas.setLineWidth(g.RULE_WIDTH)
        canvas.line(self.left, rule_y, self.right, rule_y)
        canvas.restoreState()
        return (self.top - rule_y) + 2 * g.LINE_PITCH  # the title: 空二行 below the rule

    def _signers(self, first_row: float) -> float:
        """签发人 (right, 1 character in; two names a line, later lines aligned with the first name)
        and 发文字号 (left, 1 character in) on the last 签发人 line; the number's baseline."""
        layout = self.layout
        size = g.SIZE_3
        label = "签发人："
        names = [n for n in layout.signers if n.strip()] or [""]
        rows = [names[i : i + 2] for i in range(0, len(names), 2)]
        texts = ["\u3000".join(r) for r in rows]
        label_width = self.width(label, FANGSONG, size)
        block = label_width + max(self.width(t, KAITI, size) for t in texts)
        x_label = self.right - g.CELL - block
        baseline = 0.0
        for n, text in enumerate(texts):
            baseline = self.baseline(self.top - first_row - n * g.LINE_PITCH, g.LINE_PITCH, size)
            if n == 0:
                self.text(x_label, baseline, label, FANGSONG, size)
            self.text(x_label + label_width, baseline, text, KAITI, size)
        if layout.number:
            self.text(self.left + g.CELL, baseline, layout.number, FANGSONG, size)
        return baseline

    # --- the flow ------------------------------------------------------------------------------
    def items(self) -> list[Item]:
        layout = self.layout
        items: list[Item] = []

        size = g.SIZE_2

        def title_measure(s: str) -> float:
            return self.width(s, TITLE, size)

        for line in balanced(layout.title, g.TEXT_WIDTH, title_measure):

            def draw_title(top: float, line: str = line) -> None:
                width = self.width(line, TITLE, size)
                baseline = self.baseline(top, g.TITLE_PITCH, size)
                self.text(self.left + (g.TEXT_WIDTH - width) / 2, baseline, line, TITLE, size)

            items.append(Item(g.TITLE_PITCH, draw_title, keep_with_next=True))
        items.append(self.blank(keep=True))  # 空一行 below the title

        recipients = recipients_text(layout)
        if recipients:
            for line, x, _last in self.paragraph_lines(recipients, FANGSONG, first_indent=0):
                items.append(self.line_item(line, x, FANGSONG, justify=False, keep=True))

        for block in layout.body:
            role = LEVEL_ROLE[block.level]
            lines = self.paragraph_lines(block.text.strip(), role, first_indent=2 * g.CELL)
            heading = block.level > 0
            for n, (line, x, last) in enumerate(lines):
                # Headings stay with what follows; a paragraph leaves no single line behind or ahead.
                keep = heading or (n == 0 and len(lines) > 1) or n == len(lines) - 2
                items.append(self.line_item(line, x, role, justify=not last, keep=keep))

        attachments = attachment_lines(layout)
        if attachments:
            # The 附件说明 goes with the end of the body and the signature: never a page without 正文.
            if items:
                items[-1].keep_with_next = True
            items.append(self.blank(keep=True))  # 空一行 below the body
            label = "附件："
            label_width = self.width(label, FANGSONG, g.SIZE_3, BODY_SPACING)
            for n, (ordinal, name) in enumerate(attachments):
                prefix = (label if n == 0 else "") + ordinal
                x0 = 2 * g.CELL + (0 if n == 0 else label_width)
                name_x = 2 * g.CELL + label_width + self.width(ordinal, FANGSONG, g.SIZE_3, BODY_SPACING)
                lines = self.paragraph_lines(
                    name, FANGSONG, first_indent=name_x, indent=name_x
                )  # wrapped lines align with the name
                for m, (line, x, last) in enumerate(lines):
                    text = prefix + line if m == 0 else line
                    items.append(self.line_item(text, x0 if m == 0 else x, FANGSONG, justify=not last, keep=True))
        if items:
            items[-1].keep_with_next = True  # the signature never stands alone on a page
        items.append(self.signature(keep=bool(layout.note)))

        note = note_text(layout)
        if note:
            for line, x, last in self.paragraph_lines(note, FANGSONG, first_indent=2 * g.CELL, indent=0):
                items.append(self.line_item(line, x, FANGSONG, justify=not last))
        return items

    def signature(self, *, keep: bool) -> Item:
        """署名, 成文日期 and the seal (7.3.5), with the verification QR code on the left."""
        layout = self.layout
        size = g.SIZE_3
        org = layout.signature_org.strip()
        date = layout.date_text.strip()
        org_width = self.width(org, FANGSONG, size, BODY_SPACING)
        date_width = self.width(date, FANGSONG, size, BODY_SPACING)
        if layout.sealed:
            # Date 4 characters in from the right; 署名 centred over it; the seal on both.
            date_x = g.TEXT_WIDTH - 4 * g.CELL - date_width
            org_x = date_x + (date_width - org_width) / 2
            org_row, rows = 2, 5
        else:
            # 署名 2 characters in from the right; the date 2 characters right of its first character.
            org_x = g.TEXT_WIDTH - 2 * g.CELL - org_width
            date_x = org_x + 2 * g.CELL
            if date_x + date_width > g.TEXT_WIDTH - 2 * g.CELL:
                date_x = g.TEXT_WIDTH - 2 * g.CELL - date_width
                org_x = date_x - 2 * g.CELL
            org_row, rows = 1, 3
        if layout.verification_url:
            rows = max(rows, 4)

        def draw(top: float) -> None:
            org_top = top - org_row * g.LINE_PITCH
            date_top = org_top - g.LINE_PITCH
            self.text(
                self.left + org_x, self.baseline(org_top, g.LINE_PITCH, size), org, FANGSONG, size, spacing=BODY_SPACING
            )
            self.text(
                self.left + date_x,
                self.baseline(date_top, g.LINE_PITCH, size),
                date,
                FANGSONG,
                size,
                spacing=BODY_SPACING,
            )
            if layout.sealed:
                from .seal import draw_seal

                radius = g.SEAL_DIAMETER / 2
                seal_top = top - 0.25 * g.LINE_PITCH  # within one line of the text above
                cx = self.left + date_x + date_width / 2
                cx = min(cx, self.right - radius)  # the seal stays inside the 版心
                font = self.face(TITLE).name
                draw_seal(self.canvas, cx, seal_top - radius, g.SEAL_DIAMETER, seal_name(layout), font, self.red)
            if layout.verification_url:
                self.qr(self.left, top - g.LINE_PITCH)

        return Item(rows * g.LINE_PITCH, draw, keep_with_next=keep)

    def qr(self, x: float, top: float) -> None:
        import segno

        layout = self.layout
        code = segno.make(layout.verification_url, error="m", micro=False)
        matrix = code.matrix
        modules = len(matrix)
        unit = g.QR_SIZE / modules
        canvas = self.canvas
        canvas.saveState()
        canvas.setFillColor(self.black)
        path = canvas.beginPath()
        for r, row in enumerate(matrix):
            for c, dark in enumerate(row):
                if dark:
                    path.rect(x + c * unit, top - (r + 1) * unit, unit, unit)
        canvas.drawPath(path, stroke=0, fill=1)
        canvas.linkURL(layout.verification_url, (x, top - g.QR_SIZE, x + g.QR_SIZE, top), relative=0)
        canvas.restoreState()
        if layout.verification_code:
            size = 9.0
            self.text(x, top - g.QR_SIZE - size * 1.3, f"验证码：{layout.verification_code}", FANGSONG, size)

    # --- 版记 ------------------------------------------------------------------------------------
    def cc_lines(self) -> list[tuple[str, float]]:
        """The 抄送 lines (text, x offset): 4号, one character in from each side, wrapped lines
        aligned after the colon."""
        size = g.SIZE_4
        cc = cc_text(self.layout)
        if not cc:
            return []
        label_width = self.width("抄送：", FANGSONG, size)

        def measure(s: str) -> float:
            return self.width(s, FANGSONG, size)

        inner = g.TEXT_WIDTH - 2 * size
        lines = wrap(cc, inner, inner - label_width, measure)
        return [(line, size if n == 0 else size + label_width) for n, line in enumerate(lines)]

    def has_printer_line(self) -> bool:
        return bool(self.layout.printer_org.strip() or printed_text(self.layout))

    def draw_banji(self, cc_lines: list[tuple[str, float]]) -> None:
        """The 版记, its last line on the bottom edge of the 版心."""
        size = g.SIZE_4
        has_printer = self.has_printer_line()
        rows = len(cc_lines) + (1 if has_printer else 0)
        bottom = self.top - g.TEXT_HEIGHT
        top = bottom + rows * g.LINE_PITCH
        canvas = self.canvas
        canvas.saveState()
        canvas.setStrokeColor(self.black)
        canvas.setLineWidth(g.BANJI_THICK)
        canvas.line(self.left, top, self.right, top)
        canvas.line(self.left, bottom, self.right, bottom)
        if cc_lines and has_printer:
            middle = top - len(cc_lines) * g.LINE_PITCH
            canvas.setLineWidth(g.BANJI_THIN)
            canvas.line(self.left, middle, self.right, middle)
        canvas.restoreState()
        row_top = top
        for line, x in cc_lines:
            self.text(self.left + x, self.baseline(row_top, g.LINE_PITCH, size), line, FANGSONG, size)
            row_top -= g.LINE_PITCH
        if has_printer:
            baseline = self.baseline(row_top, g.LINE_PITCH, size)
            self.text(self.left + size, baseline, self.layout.printer_org.strip(), FANGSONG, size)
            printed = printed_text(self.layout)
            width = self.width(printed, FANGSONG, size)
            self.text(self.right - size - width, baseline, printed, FANGSONG, size)

    # --- pages ---------------------------------------------------------------------------------
    def page_number(self, number: int) -> None:
        """— n — in 4号 宋体 7 mm below the 版心: odd pages right, even pages left, 1 character in."""
        size = g.SIZE_4
        text = f"— {number} —"
        baseline = self.top - g.TEXT_HEIGHT - g.PAGE_NUMBER_GAP - g.ASCENT * size
        width = self.width(text, SONGTI, size)
        x = self.right - size - width if number % 2 else self.left + size
        self.text(x, baseline, text, SONGTI, size)

    def watermark(self) -> None:
        text = self.layout.watermark.strip()
        if not text:
            return
        canvas = self.canvas
        unit = self.width(text, HEITI, 1.0) or 1.0
        size = min(140.0, 0.6 * (g.PAGE_WIDTH**2 + g.PAGE_HEIGHT**2) ** 0.5 / unit)
        canvas.saveState()
        canvas.setFillAlpha(0.12)
        canvas.translate(g.PAGE_WIDTH / 2, g.PAGE_HEIGHT / 2)
        canvas.rotate(45)
        canvas.setFillGray(0.3)
        canvas.setFont(self.face(HEITI).name, size)
        canvas.drawCentredString(0, -0.38 * size, text)
        canvas.restoreState()

    @staticmethod
    def paginate(items: list[Item], start: float) -> list[list[tuple[Item, float]]]:
        """Pages of (item, offset below the 版心 top). Items chained by keep_with_next move to the
        next page together unless the chain began the page."""
        pages: list[list[tuple[Item, float]]] = [[]]
        offset = start
        i = 0
        while i < len(items):
            item = items[i]
            page = pages[-1]
            if item.space and not page and len(pages) > 1:
                i += 1  # no blank line at the top of a page
                continue
            if offset + item.height <= g.TEXT_HEIGHT + 0.01 or not page:
                page.append((item, offset))
                offset += item.height
                i += 1
                continue
            # Carry the chain of keep_with_next items ending at the previous one along, unless it
            # fills the whole page.
            j = len(page)
            while j > 0 and page[j - 1][0].keep_with_next:
                j -= 1
            if 0 < j < len(page):
                i -= len(page) - j
                del page[j:]
            pages.append([])
            offset = 0.0
        return pages

    def render(self) -> bytes:
        canvas = self.canvas
        start = self._header_offset()
        pages = self.paginate(self.items(), start)
        cc_lines = self.cc_lines()
        banji_rows = len(cc_lines) + int(self.has_printer_line())
        banji_page = len(pages) - 1
        if banji_rows:
            last = pages[-1]
            used = last[-1][1] + last[-1][0].height if last else start
            if used > g.TEXT_HEIGHT - banji_rows * g.LINE_PITCH + 0.01:
                pages.append([])  # no room above the foot of the last page: the 版记 gets its own
                banji_page = len(pages) - 1
        for number, page in enumerate(pages, start=1):
            self.watermark()
            if number == 1:
                self.header()
            for item, offset in page:
                item.draw(self.top - offset)
            if banji_rows and number - 1 == banji_page:
                self.draw_banji(cc_lines)
            self.page_number(number)
            canvas.showPage()
        canvas.save()
        return self.buffer.getvalue()

    def _header_offset(self) -> float:
        """Where the flow starts on page 1, found by drawing the header on a scratch canvas."""
        from reportlab.pdfgen.canvas import Canvas

        real = self.canvas
        self.canvas = Canvas(BytesIO(), pagesize=(g.PAGE_WIDTH, g.PAGE_HEIGHT))
        try:
            return self.header()
        finally:
            self.canvas = real


def render_pdf(layout: Layout) -> bytes:
    """The document as PDF bytes (fonts embedded where a TrueType CJK font is available)."""
    return _Renderer(layout).render()
