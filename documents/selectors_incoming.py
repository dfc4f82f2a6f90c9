"""Reads of incoming documents, circulation and reading packets for their pages, API and export.

The visibility rules are ``documents.selectors`` (``incoming_visibility``, ``packet_visibility``);
everything here starts from them.
"""

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch, QuerySet
from django.http import Http404

from affairs.models import Matter, MatterAssistant
from affairs.selectors import matters_visible
from core.models import Attachment

from .models import IncomingDocument, PacketEntry, Reading, ReadingPacket, ReadingStatus
from .selectors import incoming_visible, packets_visible, readings_visible


def keyset_page(qs: QuerySet[Any], *, after: int | None, size: int) -> tuple[list[Any], int | None]:
    """One page of a ``-id`` ordered queryset after the id ``after``; returns (rows, next cursor)."""
    if after is not None:
        qs = qs.filter(pk__lt=after)
    rows = list(qs[: size + 1])
    next_after = rows[size - 1].pk if len(rows) > size else None
    return rows[:size], next_after


def incoming_register(*, user: Any) -> QuerySet[IncomingDocument]:
    """The 收文登记簿: visible incoming documents, newest first, with the people and department shown."""
    return incoming_visible(user=user).select_related("registered_by", "leader", "lead_department").order_by("-id")


def incoming_page(*, user: Any, pk: int) -> IncomingDocument:
    """One visible incoming document with what its page and API detail show, or 404."""
    readings = Reading.objects.select_related("reader", "sent_by").order_by("id")
    found = (
        incoming_visible(user=user)
        .select_related("registered_by", "reviewed_by", "proposed_by", "leader", "lead_department", "matter")
        .prefetch_related(Prefetch("readings", queryset=readings))
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404
    return found


def incoming_row(*, user: Any, pk: int) -> IncomingDocument:
    """The bare row for an action (404 when not visible); the service locks and re-checks it."""
    found = incoming_visible(user=user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def matter_assistants(*, matter_id: int | None) -> list[Any]:
    """The assisting owners of the matter an instruction created (people, with their departments)."""
    if matter_id is None:
        return []
    rows = MatterAssistant.objects.filter(matter_id=matter_id).select_related("user__department").order_by("id")
    return [row.user for row in rows]


def matter_seen(*, user: Any, matter_id: int | None) -> Matter | None:
    """The matter (with its status) when ``user`` may see it, else None (the page then names no link)."""
    if matter_id is None:
        return None
    return matters_visible(user=user).filter(pk=matter_id).only("id", "status", "title").first()


def attachments_of(owner: Any) -> list[Attachment]:
    return list(
        Attachment.objects.filter(owner_type=ContentType.objects.get_for_model(owner), owner_id=owner.pk).order_by(
            "created_at", "id"
        )
    )


def attachment_of_incoming(*, user: Any, pk: int) -> Attachment:
    """A file of an incoming document, by the file's id alone, when the person may see the document."""
    found = Attachment.objects.filter(pk=pk, owner_type=ContentType.objects.get_for_model(IncomingDocument)).first()
    if found is None or not incoming_visible(user=user).filter(pk=found.owner_id).exists():
        raise Http404
    return found


def attachment_of_packet(*, user: Any, pk: int) -> Attachment:
    """A file of a reading packet, by the file's id alone, when the person may see the packet."""
    found = Attachment.objects.filter(pk=pk, owner_type=ContentType.objects.get_for_model(ReadingPacket)).first()
    if found is None or not packets_visible(user=user).filter(pk=found.owner_id).exists():
        raise Http404
    return found


def reading_list(*, user: Any) -> QuerySet[Reading]:
    """The person's own readings (圈阅), newest first, with their incoming documents."""
    return (
        readings_visible(user=user).filter(reader=user).select_related("incoming", "reader", "sent_by").order_by("-id")
    )


def reading_page(*, user: Any, pk: int) -> Reading:
    """One visible reading with its incoming document and the other readers' turns, or 404."""
    found = (
        readings_visible(user=user)
        .select_related("incoming__registered_by", "incoming__leader", "incoming__lead_department", "reader", "sent_by")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404
    return found


def pending_readings(*, incoming: IncomingDocument) -> int:
    return Reading.objects.filter(incoming=incoming, status=ReadingStatus.PENDING).count()


def packet_list(*, user: Any) -> QuerySet[ReadingPacket]:
    """Visible packets, newest first, with the leader and compiler shown."""
    return packets_visible(user=user).select_related("leader", "compiled_by").order_by("-id")


def packet_page(*, user: Any, pk: int) -> ReadingPacket:
    """One visible packet with its entries (documents and incoming documents), or 404."""
    entries = PacketEntry.objects.select_related("document", "incoming").order_by("order", "id")
    found = (
        packets_visible(user=user)
        .select_related("leader", "compiled_by")
        .prefetch_related(Prefetch("entries", queryset=entries))
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404
    return found


def packet_row(*, user: Any, pk: int) -> ReadingPacket:
    found = packets_visible(user=user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found
