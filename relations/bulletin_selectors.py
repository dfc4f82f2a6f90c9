"""Reads of leader bulletins (信息通报), filtered to what the requesting person may see.

A bulletin is visible to those cleared for its classification who are in the office (it is the
office's circulation) or among its recipients. Anyone else gets 404. ``bulletin_visibility`` is the
one rule: ``relations.apps`` registers it with the ledger (``workload.targets``), so the recipients'
work items, the reply notifications and the admin page ask it too.
"""

from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from accounts.access import is_office_member
from core.enums import Classification
from core.errors import NotFound

from .bulletin_models import Bulletin, BulletinRecipient, BulletinReply
from .models import CoordinationMatter
from .selectors import coordinations_visible


def bulletin_visibility(user: Any) -> Q:
    """The condition a bulletin must meet to be visible to ``user``."""
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    cleared = Q(classification__in=Classification.up_to(user.clearance))
    if is_office_member(user):
        return cleared
    return cleared & Q(pk__in=BulletinRecipient.objects.filter(leader=user).values("bulletin_id"))


def bulletins_visible(*, user: Any) -> QuerySet[Bulletin]:
    return Bulletin.objects.filter(bulletin_visibility(user))


def _unread_by(user: Any) -> Exists:
    """The bulletin is one ``user`` received and has not marked read."""
    return Exists(BulletinRecipient.objects.filter(bulletin=OuterRef("pk"), leader=user, read_at__isnull=True))


def _annotated(user: Any) -> QuerySet[Bulletin]:
    """Visible bulletins with their receipt counts and whether ``user`` still has to read them."""
    return (
        bulletins_visible(user=user)
        .select_related("author")
        .annotate(
            recipient_count=Count("recipients"),
            read_count=Count("recipients", filter=Q(recipients__read_at__isnull=False)),
            unread=_unread_by(user),
        )
    )


def bulletin_list(*, user: Any, unread: bool | None = None) -> QuerySet[Bulletin]:
    """Visible bulletins, newest first; ``unread``: only those ``user`` has (not) yet read."""
    rows = _annotated(user)
    if unread is not None:
        rows = rows.filter(_unread_by(user) if unread else ~_unread_by(user))
    return rows.order_by("-id")


def bulletin_desk_list(*, user: Any) -> QuerySet[Bulletin]:
    """The list page: a leader's unread bulletins first, then the rest newest first."""
    return _annotated(user).order_by("-unread", "-id")


def _recipients() -> Prefetch:
    return Prefetch(
        "recipients",
        queryset=BulletinRecipient.objects.select_related("leader").order_by("leader__name", "leader_id"),
    )


def _replies() -> Prefetch:
    return Prefetch("replies", queryset=BulletinReply.objects.select_related("author").order_by("created_at", "id"))


def bulletin_get(*, user: Any, pk: int) -> Bulletin:
    """One visible bulletin with its receipts and replies, or 404."""
    found = _annotated(user).prefetch_related(_recipients(), _replies()).filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def bulletin_coordination(*, user: Any, bulletin: Bulletin) -> CoordinationMatter | None:
    """The coordination matter the bulletin explains, when ``user`` may see it too."""
    if bulletin.coordination_id is None:
        return None
    return coordinations_visible(user=user).filter(pk=bulletin.coordination_id).first()
