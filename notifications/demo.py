"""Demo notifications for ``manage.py seed_demo``: a welcome note for everyone.

Idempotent: each note has a key, so a second run creates nothing.
"""

from accounts.models import Department, User

from .models import NotificationKind
from .services import notification_create

WELCOME_TITLE = "欢迎使用协同办公平台"
WELCOME_BODY = "这是演示数据：工作台列出交给您办理的事项，逾期事项排在最前。"


def seed(people: dict[str, User], departments: dict[str, Department]) -> int:
    created = 0
    for user in people.values():
        made = notification_create(
            recipient=user,
            kind=NotificationKind.INFO,
            title=WELCOME_TITLE,
            body=WELCOME_BODY,
            key=f"demo:welcome:{user.pk}",
        )
        created += made is not None
    return created
