"""The audit log's one writer. Services call ``audit_record`` inside their own transaction."""

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .middleware import current_address
from .models import AuditEvent


def audit_record(
    *,
    actor: Any,
    verb: str,
    target: models.Model | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event. ``actor`` may be None for the system (Celery, commands)."""
    actor_id = getattr(actor, "pk", None) if actor is not None and getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        actor_id=actor_id,
        verb=verb,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=target.pk if target is not None else None,
        data=data or {},
        address=current_address(),
    )
