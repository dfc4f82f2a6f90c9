"""Showing notifications to a reader: rendered in a language, masked where the target is not theirs to see.

Every path that shows a notification (centre, API, e-mail and digest, robot message, admin) calls
``present`` with a whole page of notifications: one visibility question for the page
(``notifications.visibility.visible_targets``), then each row rendered in the reader's language.
A notification whose target the reader may not see says only that something exists ("您有一件秘密级
待办"): no title, no body, no link to the target.
"""

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.utils.translation import gettext, override

from core.enums import Classification

from . import visibility
from .links import target_ref
from .models import Notification

# Robot messages go to a group: from this classification up, only the kind and the link, whoever
# is in the group.
ROBOT_MASK_FROM = Classification.SECRET


def target_of(notification: Notification) -> dict[str, object] | None:
    """The API's target reference ({type, id, url}); content types are cached, so no query."""
    if notification.target_type_id is None or notification.target_id is None:
        return None
    return target_ref(notification.target_type_id, notification.target_id)


def classified_item(classification: str | None) -> str:
    """An item named by its level only, "一件秘密级待办" (in the active language): the one wording for
    every path that shows something a person may not see (work items on the desk and in the API
    reuse it through ``workload.targets.masked_title``)."""
    if classification in Classification.values:
        return gettext("A %(level)s work item") % {"level": Classification(classification).label}
    return gettext("A classified work item")


def masked_title(classification: str) -> str:
    """What a reader who may not see the target is told, "您有一件秘密级待办" (in the active language)."""
    if classification in Classification.values:
        return gettext("You have an item classified %(level)s") % {"level": Classification(classification).label}
    return gettext("You have an item you may not see")


def language_of(reader: Any) -> str:
    return getattr(reader, "language", "") or settings.LANGUAGE_CODE


def present(
    notifications: Sequence[Notification],
    *,
    reader: Any,
    language: str | None = None,
    mask_classified: bool = False,
) -> Sequence[Notification]:
    """Set ``shown_title``, ``shown_body``, ``masked`` and ``target_url`` on each notification.

    ``reader`` is who will read them (the recipient; an administrator in the admin); ``language``
    defaults to the reader's. ``mask_classified`` (robot messages) also masks secret and above.
    """
    refs = {(n.target_type_id, n.target_id) for n in notifications if n.target_type_id and n.target_id}
    visible = visibility.visible_targets(reader, refs) if refs else set()
    level = Classification.rank(ROBOT_MASK_FROM)
    with override(language or language_of(reader)):
        for notification in notifications:
            ref = (notification.target_type_id, notification.target_id)
            has_target = bool(notification.target_type_id and notification.target_id)
            hidden = has_target and ref not in visible
            classified = (
                mask_classified
                and notification.classification in Classification.values
                and Classification.rank(notification.classification) >= level
            )
            notification.masked = hidden or classified
            if notification.masked:
                notification.shown_title = masked_title(notification.classification)
                notification.shown_body = ""
            else:
                notification.shown_title, notification.shown_body = notification.render()
            target = target_of(notification) if has_target and not hidden else None
            url = target["url"] if target else None
            notification.target_url = str(url) if url else None
    return notifications


def link(notification: Notification) -> str:
    """The portal address a message points to: the target's page, else the notification centre.

    Call after ``present`` (a target the reader may not see is not linked)."""
    base = settings.SITE_URL.rstrip("/")
    url = getattr(notification, "target_url", None)
    return f"{base}{url}" if url else f"{base}/notifications/"
