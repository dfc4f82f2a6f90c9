"""The printable monthly report of one department (``/dashboard/department/<id>/report.pdf?month=``):
the month's figures, per person, per kind, the oldest overdue items (masked as on the page), the
pass-backs and the share of 重点 work, on A4 with page numbers. Drawn with reportlab's platypus in a
CJK face (``core.pdf_fonts.report_font``)."""

from io import BytesIO
from typing import Any

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from core.pdf_fonts import report_font


def _number(value: Any) -> str:
    if value is None:
        return "–"
    return str(value)


def _share(value: float | None) -> str:
    return "–" if value is None else f"{round(value * 100)}%"


def _figure_header() -> list[str]:
    return [
        _("Open"),
        _("Overdue"),
        _("Done in the period"),
        _("Done late"),
        _("On-time rate"),
        _("Median turnaround (hours)"),
        _("Escalated"),
        _("Pass-backs"),
    ]


def _figure_cells(row: dict[str, Any]) -> list[str]:
    return [
        _number(row["open"]),
        _number(row["overdue"]),
        _number(row["done"]),
        _number(row["late"]),
        _share(row["on_time_rate"]),
        _number(row["median_turnaround_hours"]),
        _number(row["escalated"]),
        _number(row["passes"]),
    ]


def report_pdf(report: dict[str, Any]) -> bytes:
    """The report (``dashboards.monthly_report``) as PDF bytes."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = report_font()
    department, period = report["department"], report["period"]
    month = f"{period.start.year}-{period.start.month:02d}"
    title = _("%(department)s: workload report for %(month)s") % {"department": department.name, "month": month}
    base = ParagraphStyle("body", fontName=font, fontSize=9, leading=12, wordWrap="CJK")
    heading = ParagraphStyle("heading", parent=base, fontSize=12, leading=16, spaceBefore=8, spaceAfter=4)
    big = ParagraphStyle("title", parent=base, fontSize=16, leading=22, spaceAfter=6)
    cell = ParagraphStyle("cell", parent=base, fontSize=8, leading=10)

    def table(header: list[str], rows: list[list[str]], widths: list[float] | None = None) -> Table:
        data = [[Paragraph(text, cell) for text in header]]
        data += [[Paragraph(text, cell) for text in row] for row in rows]
        result = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
        result.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), font),
                    ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        return result

    def escape(text: Any) -> str:
        return str(text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    story: list[Any] = [
        Paragraph(escape(title), big),
        Paragraph(
            escape(
                _("Period: %(start)s to %(end)s. Printed %(now)s.")
                % {
                    "start": period.start.isoformat(),
                    "end": period.end.isoformat(),
                    "now": formats.date_format(timezone.localtime(period.now), "Y-m-d H:i"),
                }
            ),
            base,
        ),
        Paragraph(escape(_("Figures of the month")), heading),
        table(_figure_header(), [_figure_cells(report["figures"])]),
        Paragraph(escape(_("By person")), heading),
        table(
            [_("Person"), *_figure_header()],
            [[escape(row["name"]), *_figure_cells(row)] for row in report["people"]]
            or [[escape(_("No work in this period.")), *[""] * 8]],
            [30 * mm, *[18 * mm] * 8],
        ),
        Paragraph(escape(_("By kind of work")), heading),
        table(
            [_("Kind"), *_figure_header()],
            [[escape(row["label"]), *_figure_cells(row)] for row in report["kinds"]]
            or [[escape(_("No work in this period.")), *[""] * 8]],
            [30 * mm, *[18 * mm] * 8],
        ),
        Paragraph(escape(_("Oldest overdue items")), heading),
        table(
            [_("Work item"), _("Kind"), _("Assignee"), _("Due")],
            [
                [
                    escape(row["title"]),
                    escape(row["kind_label"]),
                    escape(row["assignee_name"]),
                    formats.date_format(timezone.localtime(row["due_at"]), "Y-m-d H:i") if row["due_at"] else "–",
                ]
                for row in report["oldest_overdue"]
            ]
            or [[escape(_("Nothing overdue.")), "", "", ""]],
            [80 * mm, 30 * mm, 30 * mm, 30 * mm],
        ),
        Paragraph(escape(_("Pass-backs")), heading),
        Paragraph(
            escape(_("Pass-backs in the month: %(count)s.") % {"count": report["figures"]["passes"]}),
            base,
        ),
        Paragraph(escape(_("Share of effort by priority")), heading),
        table(
            [_("Priority"), _("Items"), _("Share")],
            [[escape(row["label"]), str(row["count"]), _share(row["share"])] for row in report["priorities"]],
            [40 * mm, 25 * mm, 25 * mm],
        ),
        Spacer(1, 4 * mm),
    ]

    def number_page(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(font, 8)
        canvas.drawCentredString(A4[0] / 2, 10 * mm, _("Page %(page)d") % {"page": doc.page})
        canvas.drawString(15 * mm, A4[1] - 10 * mm, title)
        canvas.restoreState()

    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=title,
        author=str(department.name),
        initialFontName=font,
    )
    document.build(story, onFirstPage=number_page, onLaterPages=number_page)
    return buffer.getvalue()
