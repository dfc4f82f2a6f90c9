"""Demo notifications for ``manage.py seed_demo``: a welcome note for everyone, in each reader's language.

Idempotent: each note has a key, so a second run creates nothing.
"""

from accounts.models import Department, User

from .models import NotificationKind
from .services import notification_create


def seed(people: dict[str, User], departments: dict[str, Department]) -> int:
    created = 0
    for user in people.values():
        made = notification_create(
            recipient=user,
            kind=NotificationKind.INFO,
            message="demo.welcome",
            key=f"demo:welcome:{user.pk}",
        )
        created += made is not None
    return created
