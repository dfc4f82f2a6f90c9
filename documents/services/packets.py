"""Reading packets (阅件): the office compiles documents, incoming documents, files and a cover note
for a leader, who reads them and remarks. The packet is on the leader's desk as a work item until read.

A packet carries the highest classification of its contents. The office may include only what it
may see itself and what the leader is cleared for; the leader is then routed onto each included
document (need-to-know, reason "packet"), so that the entries open for them.
"""

from collections.abc import Mapping, Sequence
from typing import TypeVar

from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import is_office_member
from accounts.models import User
from core import calendar
from core.attachments import attachment_store, attachments_check, files_count_error
from core.audit import audit_record
from core.enums import Classification
from core.errors import Conflict, PermissionDenied, ValidationError
from workload.models import WorkItemKind
from workload.services import workitem_open, workitems_settle_for_target

from ..models import AccessReason, Document, IncomingDocument, PacketEntry, PacketStatus, ReadingPacket
from ..selectors import documents_visible, incoming_visible
from .drafting import access_grant
from .incoming import clean_text, incoming_access_grant

T = TypeVar("T", Document, IncomingDocument)

MAX_ENTRIES = 100
# A leader reads a packet within two working days (DOMAIN.md C1: leaders read within 2).
READ_WORKING_DAYS = 2


def _unique(rows: Sequence[T]) -> list[T]:
    seen: set[int] = set()
    kept: list[T] = []
    for row in rows:
        if row.pk not in seen:
            seen.add(row.pk)
            kept.append(row)
    return kept


@transaction.atomic
def packet_compile(
    *,
    actor: User,
    leader: User,
    title: str,
    cover_note: str = "",
    documents: Sequence[Document] = (),
    incomings: Sequence[IncomingDocument] = (),
    notes: Mapping[models.Model, str] | None = None,
    files: Sequence[UploadedFile] = (),
) -> ReadingPacket:
    """Compile a packet for ``leader``: the documents first, then the incoming documents, each with
    its note from ``notes`` (keyed by the document or incoming document)."""
    if not is_office_member(actor):
        raise PermissionDenied(_("Reading packets are compiled by the office."), code="office_only")
    title = clean_text(title, field="title", limit=200)
    cover_note = (cover_note or "").strip()
    if not leader.is_active or not leader.is_leader:
        message = _("Choose a leader.")
        raise ValidationError(message, fields={"leader": [message]})
    documents = _unique(documents)
    incomings = _unique(incomings)
    uploads = list(files)
    too_many = files_count_error(len(uploads))
    if too_many:
        raise ValidationError(too_many, fields={"files": [too_many]})
    if not documents and not incomings and not uploads:
        message = _("Put at least one document, incoming document or file in the packet.")
        raise ValidationError(message, fields={"documents": [message]})
    if len(documents) + len(incomings) > MAX_ENTRIES:
        message = _("At most %(n)d entries in one packet.") % {"n": MAX_ENTRIES}
        raise ValidationError(message, fields={"documents": [message]})
    # Only what the compiler may see (anything else is "not found", as it would be elsewhere).
    seen_documents = set(
        documents_visible(user=actor).filter(pk__in=[d.pk for d in documents]).values_list("pk", flat=True)
    )
    seen_incomings = set(
        incoming_visible(user=actor).filter(pk__in=[i.pk for i in incomings]).values_list("pk", flat=True)
    )
    fields: dict[str, list[str]] = {}
    if any(d.pk not in seen_documents for d in documents):
        fields["documents"] = [_("Some of these documents were not found.")]
    if any(i.pk not in seen_incomings for i in incomings):
        fields["incomings"] = [_("Some of these incoming documents were not found.")]
    if fields:
        raise ValidationError(next(iter(fields.values()))[0], fields=fields)
    items: list[Document | IncomingDocument] = [*documents, *incomings]
    above = [item.title for item in items if not Classification.allows(leader.clearance, item.classification)]
    if above:
        message = _("%(name)s is not cleared for: %(titles)s.") % {
            "name": leader.display_name,
            "titles": "、".join(above),
        }
        raise ValidationError(message, fields={"leader": [message]})
    levels = [item.classification for item in items] or [Classification.INTERNAL]
    classification = max(levels, key=Classification.rank)
    packet = ReadingPacket.objects.create(
        title=title, cover_note=cover_note, compiled_by=actor, leader=leader, classification=classification
    )
    notes = notes or {}
    PacketEntry.objects.bulk_create(
        [
            PacketEntry(
                packet=packet,
                order=order,
                document=item if isinstance(item, Document) else None,
                incoming=item if isinstance(item, IncomingDocument) else None,
                note=(notes.get(item) or "").strip()[:300],
            )
            for order, item in enumerate(items, start=1)
        ]
    )
    for document in documents:
        access_grant(document=document, users=[leader], reason=AccessReason.PACKET)
    for incoming in incomings:
        incoming_access_grant(incoming=incoming, users=[leader], reason=AccessReason.PACKET)
    attachments_check(uploads)
    stored = [attachment_store(owner=packet, upload=upload, uploaded_by=actor) for upload in uploads]
    workitem_open(
        assignee=leader,
        kind=WorkItemKind.READING_PACKET,
        target=packet,
        title=packet.title,
        due_at=calendar.end_of_working_day(calendar.add_working_days(timezone.localdate(), READ_WORKING_DAYS)),
        classification=packet.classification,
        assigned_by=actor,
    )
    audit_record(
        actor=actor,
        verb="document.packet_compile",
        target=packet,
        data={
            "leader": leader.pk,
            "documents": [d.pk for d in documents],
            "incomings": [i.pk for i in incomings],
            "files": [a.pk for a in stored],
        },
    )
    return packet


@transaction.atomic
def packet_mark_read(*, packet: ReadingPacket, actor: User, remark: str = "") -> ReadingPacket:
    """The leader has read the packet, with a remark (批示 or 阅); once only."""
    if packet.leader_id != actor.pk:
        raise PermissionDenied(_("Only the leader the packet is for marks it as read."), code="not_the_leader")
    remark = clean_text(remark, field="remark", limit=5000, required=False, line=False)
    now = timezone.now()
    moved = ReadingPacket.objects.filter(pk=packet.pk, status=PacketStatus.SENT).update(
        status=PacketStatus.READ, remark=remark, read_at=now
    )
    if not moved:
        raise Conflict(_("You have already marked this packet as read."), code="already_read")
    packet.status, packet.remark, packet.read_at = PacketStatus.READ, remark, now
    workitems_settle_for_target(target=packet, outcome="read", actor=actor)
    audit_record(actor=actor, verb="document.packet_mark_read", target=packet, data={"remark": bool(remark)})
    return packet
