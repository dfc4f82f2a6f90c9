"""Documents in the search index (``workload.search``): what of an outgoing or an incoming document
is searchable, and the calls the document services make when it changes."""

from collections.abc import Iterable

from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _

from workload import search

from .models import Approval, Document, IncomingDocument, Opinion, Reading


def _joined(*parts: object) -> str:
    return "\n".join(str(part) for part in parts if part)


def document_content(document: Document) -> search.Content:
    """Title; number, drafting and issuing departments (the sender), recipients, body, notes; and
    every opinion given on it (comment points and approval opinions)."""
    opinions = Opinion.objects.filter(request__round__document=document).values_list("text", flat=True)
    decisions = Approval.objects.filter(step__document=document).exclude(opinion="").values_list("opinion", flat=True)
    issuing = document.issuing_department.name if document.issuing_department_id else ""  # type: ignore[union-attr]
    text = _joined(
        document.number,
        document.department.name,
        issuing,
        document.main_recipients,
        document.cc_recipients,
        strip_tags(document.body),
        document.attachment_notes,
        document.note,
        *opinions,
        *decisions,
    )
    return search.Content(title=document.title, text=text, classification=document.classification)


def incoming_content(incoming: IncomingDocument) -> search.Content:
    """Title; registration number, sender and their number, text, the office's notes, the leader's
    instruction, the reply and the leaders' remarks in circulation."""
    remarks = Reading.objects.filter(incoming=incoming).exclude(remark="").values_list("remark", flat=True)
    text = _joined(
        incoming.serial,
        incoming.sender_org,
        incoming.sender_number,
        strip_tags(incoming.body),
        incoming.review_note,
        incoming.proposal,
        incoming.instruction,
        incoming.reply,
        *remarks,
    )
    return search.Content(title=incoming.title, text=text, classification=incoming.classification)


def _documents() -> Iterable[Document]:
    return Document.objects.select_related("department", "issuing_department").iterator(chunk_size=500)


def register() -> None:
    """Called from ``DocumentsConfig.ready``."""
    search.register(Document, label=_("Document"), content=document_content, objects=_documents)
    search.register(IncomingDocument, label=_("Incoming document"), content=incoming_content)


def index_document(document: Document) -> None:
    """Refresh ``document``'s entry in the search index."""
    search.index(document)


def index_incoming(incoming: IncomingDocument) -> None:
    """Refresh ``incoming``'s entry in the search index."""
    search.index(incoming)
