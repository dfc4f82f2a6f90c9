"""A Layout as a DOCX (python-docx) on the GB/T 9704-2012 page: A4 with the 37/28 mm margins, lines of
exactly one grid 行, runs naming the official faces (w:eastAsia), the seal floating over the
signature block, the 版记 as a table floating at the foot of the last page and page numbers — 1 —
alternating right and left."""

import math
from io import BytesIO
from typing import Any

from core.exports import FONT_LATIN, docx_set_font

from . import geometry as g
from .data import Layout, attachment_lines, cc_text, note_text, printed_text, recipients_text, seal_name
from .fonts import FANGSONG, HEITI, KAITI, OFFICIAL_NAMES, SONGTI, TITLE
from .text import balanced

EMU_PER_PT = 12700
TWIPS_PER_PT = 20
LEVEL_ROLE = {0: FANGSONG, 1: HEITI, 2: KAITI, 3: FANGSONG, 4: FANGSONG}
RED = g.RED_HEX


def em_width(text: str) -> float:
    """Width of ``text`` in ems, as Word sets it: a CJK character one em, a digit or Latin letter
    (Times New Roman) about half, a full stop a quarter."""
    width = 0.0
    for ch in text:
        if ord(ch) < 0x2E80:
            width += 0.25 if ch in ".,:;'!|il" else 0.5
        else:
            width += 1.0
    return width


class _Builder:
    def __init__(self, layout: Layout) -> None:
        from docx import Document

        self.layout = layout
        self.document = Document()
        self._shape_id = 100
        self._setup()

    # --- document set-up ---------------------------------------------------------------------
    def _setup(self) -> None:
        from docx.enum.text import WD_LINE_SPACING
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn
        from docx.shared import Pt

        document = self.document
        section = document.sections[0]
        section.page_width, section.page_height = self.pt(g.PAGE_WIDTH), self.pt(g.PAGE_HEIGHT)
        section.top_margin = self.pt(g.TOP_MARGIN)
        section.left_margin = self.pt(g.LEFT_MARGIN)
        section.bottom_margin = self.pt(g.BOTTOM_MARGIN)
        section.right_margin = self.pt(g.RIGHT_MARGIN)
        section.header_distance = self.pt(15 * g.MM)
        # The page number's top edge 7 mm below the 版心: the footer starts there.
        section.footer_distance = self.pt(g.BOTTOM_MARGIN - g.PAGE_NUMBER_GAP - g.SIZE_4 * 1.1)
        document.settings.odd_and_even_pages_header_footer = True

        sect_pr = document.element.body.get_or_add_sectPr()
        for grid in sect_pr.findall(qn("w:docGrid")):
            sect_pr.remove(grid)
        grid = OxmlElement("w:docGrid")
        grid.set(qn("w:type"), "lines")
        grid.set(qn("w:linePitch"), str(round(g.LINE_PITCH * TWIPS_PER_PT)))
        sect_pr.append(grid)

        # Theme fonts in the defaults would win over the names set below: drop them.
        for fonts in document.styles.element.findall(".//" + qn("w:rPrDefault") + "//" + qn("w:rFonts")):
            for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
                fonts.attrib.pop(qn(attribute), None)
        normal = document.styles["Normal"]
        docx_set_font(normal, OFFICIAL_NAMES[FANGSONG])
        normal.font.size = Pt(g.SIZE_3)
        paragraph = normal.paragraph_format
        paragraph.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        paragraph.line_spacing = Pt(g.LINE_PITCH)
        paragraph.space_before = Pt(0)
        paragraph.space_after = Pt(0)
        paragraph.widow_control = True

        core = document.core_properties
        core.title = self.layout.title
        core.author = self.layout.signature_org
        core.subject = self.layout.number

    @staticmethod
    def pt(points: float) -> Any:
        from docx.shared import Pt

        return Pt(points)

    # --- paragraphs and runs -----------------------------------------------------------------
    def paragraph(
        self,
        *,
        align: str = "left",
        first_line: float | None = None,
        left: float = 0.0,
        right: float = 0.0,
        space_before: float = 0.0,
        line: float | None = None,
        keep_with_next: bool = False,
        container: Any = None,
    ) -> Any:
        from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING

        target = container if container is not None else self.document
        paragraph = target.add_paragraph()
        fmt = paragraph.paragraph_format
        fmt.alignment = {
            "left": WD_ALIGN_PARAGRAPH.LEFT,
            "center": WD_ALIGN_PARAGRAPH.CENTER,
            "right": WD_ALIGN_PARAGRAPH.RIGHT,
            "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
        }[align]
        if first_line is not None:
            fmt.first_line_indent = self.pt(first_line)
        if left:
            fmt.left_indent = self.pt(left)
        if right:
            fmt.right_indent = self.pt(right)
        if space_before:
            fmt.space_before = self.pt(space_before)
        if line is not None:
            fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            fmt.line_spacing = self.pt(line)
        if keep_with_next:
            fmt.keep_with_next = True
        return paragraph

    def run(self, paragraph: Any, text: str, role: str, size: float = g.SIZE_3, *, red: bool = False) -> Any:
        from docx.shared import Pt, RGBColor

        run = paragraph.add_run(text)
        docx_set_font(run, OFFICIAL_NAMES[role], latin=FONT_LATIN if role != TITLE else OFFICIAL_NAMES[role])
        run.font.size = Pt(size)
        if red:
            run.font.color.rgb = RGBColor.from_string(RED)
        return run

    def blank(self, rows: int = 1) -> None:
        for _ in range(rows):
            self.paragraph()

    def border(self, paragraph: Any, side: str, *, size_pt: float, color: str = "000000", space_pt: int = 0) -> None:
        """A paragraph border line (w:pBdr) ``size_pt`` thick."""
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        ppr = paragraph.paragraph_format.element.get_or_add_pPr()
        borders = ppr.find(qn("w:pBdr"))
        if borders is None:
            borders = OxmlElement("w:pBdr")
            ppr.append(borders)
            # pBdr must precede these in w:pPr (CT_PPr sequence).
            for later in ("w:shd", "w:tabs", "w:spacing", "w:ind", "w:jc", "w:rPr"):
                sibling = ppr.find(qn(later))
                if sibling is not None:
                    sibling.addprevious(borders)
                    break
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:val"), "single")
        edge.set(qn("w:sz"), str(max(2, round(size_pt * 8))))  # eighths of a point
        edge.set(qn("w:space"), str(space_pt))
        edge.set(qn("w:color"), color)
        order = ["top", "left", "bottom", "right", "between", "bar"]
        for existing in list(borders):
            if order.index(existing.tag.split("}")[1]) > order.index(side):
                existing.addprevious(edge)
                break
        else:
            borders.append(edge)

    def picture(self, run: Any, data: bytes, width_pt: float) -> Any:
        """An inline picture in ``run``; returns its w:drawing's wp:inline element."""
        run.add_picture(BytesIO(data), width=self.pt(width_pt))
        return run.element.xpath(".//wp:inline")[-1]

    def float_picture(
        self,
        run: Any,
        data: bytes,
        width_pt: float,
        *,
        x_pt: float | None,
        y_pt: float | None,
        horizontal_from: str = "margin",
        vertical_from: str = "paragraph",
        behind: bool = False,
        centred: bool = False,
    ) -> None:
        """A picture floating in front of (or behind) the text, placed relative to the margin and
        the paragraph (or centred on the page): python-docx writes inline pictures only, so the
        wp:inline it makes becomes a wp:anchor."""
        from docx.oxml import parse_xml
        from docx.oxml.ns import nsdecls, qn

        inline = self.picture(run, data, width_pt)
        extent = inline.find(qn("wp:extent"))
        self._shape_id += 1
        if centred:
            position_h = f'<wp:positionH relativeFrom="{horizontal_from}"><wp:align>center</wp:align></wp:positionH>'
            position_v = f'<wp:positionV relativeFrom="{vertical_from}"><wp:align>center</wp:align></wp:positionV>'
        else:
            position_h = (
                f'<wp:positionH relativeFrom="{horizontal_from}">'
                f"<wp:posOffset>{round((x_pt or 0) * EMU_PER_PT)}</wp:posOffset></wp:positionH>"
            )
            position_v = (
                f'<wp:positionV relativeFrom="{vertical_from}">'
                f"<wp:posOffset>{round((y_pt or 0) * EMU_PER_PT)}</wp:posOffset></wp:positionV>"
            )
        anchor = parse_xml(
            f'<wp:anchor {nsdecls("wp", "a", "pic", "r")} distT="0" distB="0" distL="0" distR="0" '
            f'simplePos="0" relativeHeight="{251659264 + self._shape_id}" behindDoc="{int(behind)}" '
            f'locked="0" layoutInCell="1" allowOverlap="1">'
            f'<wp:simplePos x="0" y="0"/>{position_h}{position_v}'
            f'<wp:extent cx="{extent.get("cx")}" cy="{extent.get("cy")}"/>'
            f'<wp:effectExtent l="0" t="0" r="0" b="0"/><wp:wrapNone/>'
            f'<wp:docPr id="{self._shape_id}" name="Picture {self._shape_id}"/>'
            f"<wp:cNvGraphicFramePr/></wp:anchor>"
        )
        anchor.append(inline.find(qn("a:graphic")))
        inline.addprevious(anchor)
        inline.getparent().remove(inline)

    def tab_stop(self, paragraph: Any, position_pt: float, kind: str = "left") -> None:
        from docx.enum.text import WD_TAB_ALIGNMENT

        alignment = {"left": WD_TAB_ALIGNMENT.LEFT, "right": WD_TAB_ALIGNMENT.RIGHT}[kind]
        paragraph.paragraph_format.tab_stops.add_tab_stop(self.pt(position_pt), alignment)

    # --- the document --------------------------------------------------------------------------
    def build(self) -> bytes:
        self.header()
        self.title_and_recipients()
        self.body()
        self.attachments()
        self.signature()
        self.note()
        self.qr()
        self.banji()
        self.footers()
        self.watermark()
        buffer = BytesIO()
        self.document.save(buffer)
        return buffer.getvalue()

    def header(self) -> None:
        layout = self.layout
        rows = 0
        for text, role in (
            (layout.copy_number, FANGSONG),
            (layout.classification_mark, HEITI),
            (layout.urgency_mark, HEITI),
        ):
            if text:
                self.run(self.paragraph(), text, role)
                rows += 1
        mark_size = g.SIZE_MARK
        mark = self.paragraph(
            align="center",
            space_before=max(0.0, g.MARK_TOP - rows * g.LINE_PITCH),
            line=mark_size * 1.05,
        )
        run = self.run(mark, layout.issuer_mark, TITLE, mark_size, red=True)
        width = em_width(layout.issuer_mark) * mark_size
        if width > g.TEXT_WIDTH:  # a long name is narrowed to the width of the 版心
            from docx.oxml import OxmlElement
            from docx.oxml.ns import qn

            scale = OxmlElement("w:w")
            scale.set(qn("w:val"), str(math.floor(100 * g.TEXT_WIDTH / width)))
            run.element.get_or_add_rPr().append(scale)

        # 发文字号 (and 签发人) 空二行 below the mark; the red rule 4 mm under the number.
        if layout.upward:
            last = self.signers()
        else:
            last = self.paragraph(align="center", space_before=2 * g.LINE_PITCH)
            if layout.number:
                self.run(last, layout.number, FANGSONG)
        self.border(last, "bottom", size_pt=g.RULE_WIDTH, color=RED, space_pt=round(g.RULE_GAP))

    def signers(self) -> Any:
        layout = self.layout
        label = "签发人："
        names = [n for n in layout.signers if n.strip()] or [""]
        rows = ["\u3000".join(names[i : i + 2]) for i in range(0, len(names), 2)]
        label_width = em_width(label) * g.SIZE_3
        block = label_width + max(em_width(r) for r in rows) * g.SIZE_3
        label_x = g.TEXT_WIDTH - g.CELL - block
        paragraph = None
        for n, names_text in enumerate(rows):
            paragraph = self.paragraph(space_before=2 * g.LINE_PITCH if n == 0 else 0.0)
            last = n == len(rows) - 1
            if last and layout.number:
                self.run(paragraph, "\u3000" + layout.number, FANGSONG)  # 居左空一字
            if n == 0:
                self.tab_stop(paragraph, label_x)
                self.run(paragraph, "\t" + label, FANGSONG)
            else:
                self.tab_stop(paragraph, label_x + label_width)
                self.run(paragraph, "\t", FANGSONG)
            self.run(paragraph, names_text, KAITI)
        return paragraph

    def title_and_recipients(self) -> None:
        layout = self.layout
        title = self.paragraph(
            align="center", space_before=2 * g.LINE_PITCH, line=g.TITLE_PITCH, keep_with_next=True
        )  # 空二行 below the red rule
        lines = balanced(layout.title, g.TEXT_WIDTH, lambda s: em_width(s) * g.SIZE_2)
        for n, line in enumerate(lines):  # broken where the PDF breaks it (a 梯形, not a ragged end)
            run = self.run(title, line, TITLE, g.SIZE_2)
            if n < len(lines) - 1:
                run.add_break()
        self.paragraph(keep_with_next=True)  # 空一行
        recipients = recipients_text(layout)
        if recipients:
            self.run(self.paragraph(keep_with_next=True), recipients, FANGSONG)

    def indent_chars(self, paragraph: Any, chars: int) -> None:
        """A first-line indent in characters (w:firstLineChars), which Word scales with the font."""
        from docx.oxml.ns import qn

        ind = paragraph.paragraph_format.element.get_or_add_pPr().get_or_add_ind()
        ind.set(qn("w:firstLineChars"), str(chars * 100))

    def body(self) -> None:
        paragraph = None
        for block in self.layout.body:
            role = LEVEL_ROLE[block.level]
            paragraph = self.paragraph(align="justify", first_line=2 * g.SIZE_3, keep_with_next=block.level > 0)
            self.indent_chars(paragraph, 2)
            self.run(paragraph, block.text.strip(), role)
        if paragraph is not None:  # the signature never stands on a page without 正文
            paragraph.paragraph_format.keep_with_next = True

    def attachments(self) -> None:
        lines = attachment_lines(self.layout)
        if not lines:
            return
        self.blank()  # 空一行 below the body
        label = "附件："
        for n, (ordinal, name) in enumerate(lines):
            prefix = (label if n == 0 else "") + ordinal
            name_x = (2 + em_width(label) + em_width(ordinal)) * g.SIZE_3
            start_x = (2 + (0 if n == 0 else em_width(label))) * g.SIZE_3
            # Wrapped lines align with the name: a hanging indent back to where the line starts.
            paragraph = self.paragraph(left=name_x, first_line=start_x - name_x, keep_with_next=True)
            self.run(paragraph, prefix + name, FANGSONG)

    def signature(self) -> None:
        layout = self.layout
        org = layout.signature_org.strip()
        date = layout.date_text.strip()
        org_w = em_width(org) * g.SIZE_3
        date_w = em_width(date) * g.SIZE_3
        if layout.sealed:
            date_right = 4 * g.SIZE_3
            org_right = date_right + (date_w - org_w) / 2
            self.paragraph(keep_with_next=True)
            self.paragraph(keep_with_next=True)
        else:
            org_right = 2 * g.SIZE_3
            date_right = org_right + org_w - 2 * g.SIZE_3 - date_w
            if date_right < 2 * g.SIZE_3:
                date_right = 2 * g.SIZE_3
                org_right = date_right + date_w + 2 * g.SIZE_3 - org_w
            self.paragraph(keep_with_next=True)
        org_paragraph = self.paragraph(align="right", right=org_right, keep_with_next=True)
        self.run(org_paragraph, org, FANGSONG)
        date_paragraph = self.paragraph(align="right", right=date_right)
        self.run(date_paragraph, date, FANGSONG)
        if layout.sealed:
            from .seal import seal_png

            diameter = g.SEAL_DIAMETER
            centre = g.TEXT_WIDTH - date_right - date_w / 2
            x = min(centre - diameter / 2, g.TEXT_WIDTH - diameter)
            # Its top a quarter line below the blank line under the text: it presses on both lines.
            y = -(2 - 0.25) * g.LINE_PITCH
            run = org_paragraph.add_run()
            self.float_picture(run, seal_png(seal_name(layout)), diameter, x_pt=x, y_pt=y)
            self.blank()  # room for the lower edge of the seal

    def note(self) -> None:
        text = note_text(self.layout)
        if text:
            paragraph = self.paragraph(first_line=2 * g.SIZE_3)
            self.indent_chars(paragraph, 2)
            self.run(paragraph, text, FANGSONG)

    def qr(self) -> None:
        """The verification QR code and its code after the signature block."""
        import segno
        from docx.enum.text import WD_LINE_SPACING

        layout = self.layout
        if not layout.verification_url:
            return
        buffer = BytesIO()
        segno.make(layout.verification_url, error="m", micro=False).save(buffer, kind="png", scale=8, border=2)
        paragraph = self.paragraph()
        paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE  # room for the picture
        self.picture(paragraph.add_run(), buffer.getvalue(), g.QR_SIZE)
        if layout.verification_code:
            self.run(paragraph, f"  验证码：{layout.verification_code}", FANGSONG, 9)

    def banji(self) -> None:
        """The 版记 as a table floating at the bottom of the 版心 (w:tblpPr), so that it lands at the
        foot of the last page whatever the length of the body: a thick line above and below, a thin
        one between 抄送 and 印发."""
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn
        from docx.shared import Pt

        layout = self.layout
        cc = cc_text(layout)
        printer = layout.printer_org.strip()
        printed = printed_text(layout)
        if not (cc or printer or printed):
            return
        size = g.SIZE_4
        rows = int(bool(cc)) + int(bool(printer or printed))
        table = self.document.add_table(rows=rows, cols=1)
        table.autofit = False
        properties = table._tbl.tblPr
        position = OxmlElement("w:tblpPr")
        for key, value in (
            ("w:vertAnchor", "margin"),
            ("w:horzAnchor", "margin"),
            ("w:tblpXSpec", "center"),
            ("w:tblpYSpec", "bottom"),
        ):
            position.set(qn(key), value)
        properties.insert(0, position)
        overlap = OxmlElement("w:tblOverlap")
        overlap.set(qn("w:val"), "never")
        position.addnext(overlap)
        width = OxmlElement("w:tblW")
        width.set(qn("w:w"), str(round(g.TEXT_WIDTH * TWIPS_PER_PT)))
        width.set(qn("w:type"), "dxa")
        properties.append(width)
        borders = OxmlElement("w:tblBorders")
        for side, thickness in (
            ("top", g.BANJI_THICK),
            ("left", 0.0),
            ("bottom", g.BANJI_THICK),
            ("right", 0.0),
            ("insideH", g.BANJI_THIN),
            ("insideV", 0.0),
        ):
            edge = OxmlElement(f"w:{side}")
            edge.set(qn("w:val"), "single" if thickness else "nil")
            if thickness:
                edge.set(qn("w:sz"), str(round(thickness * 8)))
                edge.set(qn("w:space"), "0")
                edge.set(qn("w:color"), "000000")
            borders.append(edge)
        properties.append(borders)
        margins = OxmlElement("w:tblCellMar")
        for side in ("left", "right"):
            margin = OxmlElement(f"w:{side}")
            margin.set(qn("w:w"), "0")
            margin.set(qn("w:type"), "dxa")
            margins.append(margin)
        properties.append(margins)
        table.columns[0].width = Pt(g.TEXT_WIDTH)
        cells = [row.cells[0] for row in table.rows]
        for cell in cells:
            cell.width = Pt(g.TEXT_WIDTH)
        index = 0
        if cc:
            label = em_width("抄送：") * size
            paragraph = cells[index].paragraphs[0]
            fmt = paragraph.paragraph_format
            fmt.left_indent, fmt.first_line_indent, fmt.right_indent = Pt(size + label), Pt(-label), Pt(size)
            self.run(paragraph, cc, FANGSONG, size)
            index += 1
        if printer or printed:
            paragraph = cells[index].paragraphs[0]
            fmt = paragraph.paragraph_format
            fmt.left_indent, fmt.right_indent = Pt(size), Pt(size)
            self.tab_stop(paragraph, g.TEXT_WIDTH - size, "right")
            self.run(paragraph, printer + "\t" + printed, FANGSONG, size)
        # A floating table is anchored to the paragraph after it; a document ends with a paragraph.
        self.paragraph(line=1.0)

    def footers(self) -> None:
        """— n — in 4号 宋体: odd pages right, even pages left, one character in."""
        from docx.enum.text import WD_ALIGN_PARAGRAPH

        section = self.document.sections[0]
        for footer, odd in ((section.footer, True), (section.even_page_footer, False)):
            footer.is_linked_to_previous = False
            paragraph = footer.paragraphs[0]
            fmt = paragraph.paragraph_format
            if odd:
                fmt.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                fmt.right_indent = self.pt(g.SIZE_4)
            else:
                fmt.alignment = WD_ALIGN_PARAGRAPH.LEFT
                fmt.left_indent = self.pt(g.SIZE_4)
            self.run(paragraph, "— ", SONGTI, g.SIZE_4)
            self.page_field(paragraph)
            self.run(paragraph, " —", SONGTI, g.SIZE_4)

    def page_field(self, paragraph: Any) -> None:
        """A PAGE field (its last result "1" shown until Word updates it)."""
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        def field_char(kind: str) -> None:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            self.run(paragraph, "", SONGTI, g.SIZE_4).element.append(char)

        field_char("begin")
        instruction = OxmlElement("w:instrText")
        instruction.set(qn("xml:space"), "preserve")
        instruction.text = " PAGE "
        self.run(paragraph, "", SONGTI, g.SIZE_4).element.append(instruction)
        field_char("separate")
        self.run(paragraph, "1", SONGTI, g.SIZE_4)
        field_char("end")

    def watermark(self) -> None:
        text = self.layout.watermark.strip()
        if not text:
            return
        data = _watermark_png(text)
        if data is None:
            return
        section = self.document.sections[0]
        for header in (section.header, section.even_page_header):
            header.is_linked_to_previous = False
            run = header.paragraphs[0].add_run()
            self.float_picture(
                run,
                data,
                g.TEXT_WIDTH,
                x_pt=None,
                y_pt=None,
                horizontal_from="page",
                vertical_from="page",
                behind=True,
                centred=True,
            )


def _watermark_png(text: str) -> bytes | None:
    """Light grey text at 45°, transparent around it (None when no CJK font is found)."""
    from PIL import Image, ImageDraw

    from .fonts import picture_font

    font = picture_font(160)
    if font is None:
        return None
    left, top, right, bottom = (round(v) for v in font.getbbox(text))
    canvas = Image.new("RGBA", (right - left + 40, bottom - top + 40), (0, 0, 0, 0))
    ImageDraw.Draw(canvas).text((20 - left, 20 - top), text, font=font, fill=(128, 128, 128, 45))
    rotated = canvas.rotate(45, expand=True, resample=Image.Resampling.BICUBIC)
    buffer = BytesIO()
    rotated.save(buffer, format="PNG")
    return buffer.getvalue()


def render_docx(layout: Layout) -> bytes:
    """The document as DOCX bytes."""
    return _Builder(layout).build()
