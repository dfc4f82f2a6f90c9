"""Heartbeats of background processes: the beat scheduler's periodic job records one every minute,
``/healthz`` reads it (README "Logs and health")."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from .models import Heartbeat

BEAT = "beat"


def heartbeat_record(*, name: str = BEAT) -> None:
    Heartbeat.objects.update_or_create(name=name, defaults={"seen_at": timezone.now()})


@dataclass(frozen=True)
class Freshness:
    ok: bool
    last_seen: datetime | None


def beat_freshness() -> Freshness:
    """Fresh when the beat's heartbeat is younger than ``BEAT_STALE_SECONDS``."""
    seen = Heartbeat.objects.filter(name=BEAT).values_list("seen_at", flat=True).first()
    if seen is None:
        return Freshness(ok=False, last_seen=None)
    return Freshness(ok=timezone.now() - seen <= timedelta(seconds=settings.BEAT_STALE_SECONDS), last_seen=seen)
