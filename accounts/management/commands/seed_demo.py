"""``manage.py seed_demo``: a believable bureau to log in to, and the demo logins.

Idempotent: whatever already exists (a department by code, a person by username, an app's demo
object by its title) is left as it is, so a second run creates nothing and changes nothing.
Everything goes through the services, so the audit log shows the set-up like any other change.
"""

import importlib
import importlib.util
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import Department, User
from accounts.services import department_create, department_update, user_create, user_update
from core.enums import Classification
from notifications.models import NotificationKind
from notifications.services import notification_create
from workload.models import WorkItem, WorkItemStatus

DEMO_PASSWORD = "demo12345"  # noqa: S105  (the published demo password, documented in README.md)
ADMIN_USERNAME = "admin"

# code, name, document number prefix, is the office
DEPARTMENTS: list[tuple[str, str, str, bool]] = [
    ("office", "办公室", "办发", True),
    ("general", "综合处", "综发", False),
    ("finance", "财务处", "财发", False),
    ("personnel", "人事处", "人发", False),
    ("legal", "法规处", "法发", False),
    # No prefix of its own: its documents carry the office's 办发.
    ("info", "信息中心", "", False),
]


@dataclass(frozen=True)
class Person:
    username: str
    name: str
    department: str | None  # department code; None for the bureau's leaders
    title: str
    leader: bool = False
    head: bool = False
    clearance: str = Classification.INTERNAL


PEOPLE: list[Person] = [
    Person("wangjp", "王建平", None, "局长", leader=True, clearance=Classification.CONFIDENTIAL),
    Person("yangzg", "杨志刚", None, "副局长", leader=True, clearance=Classification.CONFIDENTIAL),
    Person("gaoxy", "高秀英", None, "副局长", leader=True, clearance=Classification.CONFIDENTIAL),
    Person("chenjg", "陈建国", "office", "主任", head=True, clearance=Classification.SECRET),
    Person("liuf", "刘芳", "office", "副主任", clearance=Classification.SECRET),
    Person("zhoum", "周敏", "office", "秘书"),
    Person("wuj", "吴静", "office", "文书"),
    Person("limh", "李明华", "general", "处长", head=True, clearance=Classification.SECRET),
    Person("zhaolj", "赵丽娟", "general", "副处长"),
    Person("zhangwt", "张文涛", "general", "科员"),
    Person("sunzq", "孙志强", "finance", "处长", head=True, clearance=Classification.SECRET),
    Person("maxy", "马晓燕", "finance", "会计"),
    Person("huangw", "黄伟", "personnel", "处长", head=True, clearance=Classification.SECRET),
    Person("guot", "郭婷", "personnel", "科员"),
    Person("linht", "林海涛", "legal", "处长", head=True, clearance=Classification.SECRET),
    Person("hexm", "何雪梅", "legal", "科员"),
    Person("luoj", "罗俊", "info", "主任", head=True),
    Person("xul", "徐磊", "info", "工程师"),
]


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


class Command(BaseCommand):
    help = "Create the demo bureau (departments, leaders, heads, staff, some work) and print the logins."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            created = self._seed()
        verbosity = options["verbosity"]
        if verbosity >= 1:
            self.stdout.write(f"Demo data: {created} new row(s).")
            self.stdout.write(self._logins_table())

    # --- building ----------------------------------------------------------------------------------
    def _seed(self) -> int:
        created = 0
        admin = User.objects.filter(username=ADMIN_USERNAME).first()
        if admin is None:
            # The first administrator has nobody to create them, so it is made directly.
            admin = User.objects.create_superuser(ADMIN_USERNAME, password=DEMO_PASSWORD, name="系统管理员")
            admin.title = "系统管理员"
            admin.save(update_fields=["title"])
            created += 1

        departments: dict[str, Department] = {}
        for order, (code, name, prefix, is_office) in enumerate(DEPARTMENTS, start=1):
            dept = Department.objects.filter(code=code).first()
            if dept is None:
                dept = department_create(
                    actor=admin, name=name, code=code, doc_prefix=prefix, is_office=is_office, order=order * 10
                )
                created += 1
            departments[code] = dept

        if admin.department_id is None:
            user_update(actor=admin, user=admin, department=departments["info"])

        people: dict[str, User] = {ADMIN_USERNAME: admin}
        for person in PEOPLE:
            user = User.objects.filter(username=person.username).first()
            if user is None:
                user = user_create(
                    actor=admin,
                    username=person.username,
                    password=DEMO_PASSWORD,
                    name=person.name,
                    department=departments[person.department] if person.department else None,
                    roles=["leader"] if person.leader else [],
                    clearance=person.clearance,
                    title=person.title,
                    email=f"{person.username}@example.org",
                )
                created += 1
            people[person.username] = user
            if person.head and person.department:
                dept = departments[person.department]
                if dept.head_id is None:
                    departments[person.department] = department_update(actor=admin, department=dept, head=user)

        created += self._seed_work(people, departments)
        return created

    def _seed_work(self, people: dict[str, User], departments: dict[str, Department]) -> int:
        """Each app that has demo content seeds it (``<app>/demo.py``: ``seed(people, departments)``)."""
        created = 0
        for config in apps.get_app_configs():
            if importlib.util.find_spec(f"{config.name}.demo") is None:
                continue
            created += importlib.import_module(f"{config.name}.demo").seed(people, departments)
        for user in people.values():
            created += self._notify(
                recipient=user,
                kind=NotificationKind.INFO,
                message="demo.welcome",
                target=None,
                key=f"demo:welcome:{user.pk}",
            )
        return created

    @staticmethod
    def _notify(*, recipient: User, kind: str, message: str, target: Any, key: str) -> int:
        # The key makes the notification exist at most once, however often the command runs.
        made = notification_create(recipient=recipient, kind=kind, message=message, target=target, key=key)
        return int(made is not None)

    # --- printing ----------------------------------------------------------------------------------
    def _logins_table(self) -> str:
        usernames = [ADMIN_USERNAME, *(p.username for p in PEOPLE)]
        users = {u.username: u for u in User.objects.filter(username__in=usernames).select_related("department")}
        heads = set(Department.objects.exclude(head=None).values_list("head_id", flat=True))
        rows = [("Username", "Name", "Department", "Title", "Role")]
        for username in usernames:
            user = users.get(username)
            if user is None:
                continue
            role = ", ".join(user.roles) or ("head" if user.pk in heads else "staff")
            department = user.department.name if user.department else "局领导"
            rows.append((username, user.display_name, department, user.title, role))
        widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]))]
        lines = [f"Demo logins (password for all: {DEMO_PASSWORD}):"]
        for n, row in enumerate(rows):
            lines.append("  " + "  ".join(_pad(cell, widths[i]) for i, cell in enumerate(row)).rstrip())
            if n == 0:
                lines.append("  " + "  ".join("-" * w for w in widths))
        open_items = WorkItem.objects.filter(assignee__username="zhangwt", status=WorkItemStatus.OPEN).count()
        lines.append(f"Try zhangwt (张文涛, {open_items} open item(s) on 我的工作台).")
        return "\n".join(lines)
