"""The 意见汇总表 (consolidated comment table) as DOCX and XLSX downloads, for the page and the API.

The caller has fetched the document through ``selectors.document_get`` (404 for anyone who may not
see it); the layout of the files is ``core.exports``'s.
"""

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from . import comment_selectors
from .models import Document

KINDS = ("docx", "xlsx")


def opinion_summary_export(*, document: Document, kind: str) -> HttpResponse:
    """The summary of ``document`` as a ``docx`` or ``xlsx`` attachment."""
    from core.exports import DOCX_CONTENT_TYPE, XLSX_CONTENT_TYPE, attachment_response, docx_table_bytes, xlsx_bytes

    if kind not in KINDS:
        raise ValueError(kind)
    summary = comment_selectors.opinion_summary(document=document)
    headers, rows = comment_selectors.summary_rows(summary)
    title = _("Consolidated comments")
    filename = f"{_('Consolidated comments')}-{document.title}"[:80]
    if kind == "xlsx":
        return attachment_response(xlsx_bytes(title, headers, rows), f"{filename}.xlsx", XLSX_CONTENT_TYPE)
    subtitle = _(
        "%(title)s · version %(version)d · %(unhandled)d unhandled · "
        "%(disagreements)d unresolved disagreements · %(date)s"
    ) % {
        "title": document.title,
        "version": document.version,
        "unhandled": summary.unhandled,
        "disagreements": summary.disagreements,
        "date": timezone.localdate().isoformat(),
    }
    return attachment_response(
        docx_table_bytes(title, headers, rows, subtitle=subtitle), f"{filename}.docx", DOCX_CONTENT_TYPE
    )
