"""``manage.py generate_data --size S|M|L``: volume data for benchmarks and load tests.

S: 50 people, 5,000 work items; M: 500 and 200,000; L: 5,000 and 2,000,000. Rows are inserted with
``bulk_create`` in batches (no per-row services, signals or audit: this is synthetic volume, not a
record of anyone's actions), from a seeded random generator so that two runs make the same data.
Generated rows are recognisable (usernames ``gen…``, department codes ``gen-…``) and ``--reset``
removes exactly them, leaving real and demo data alone.
"""

import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Department, User, pinyin_keys
from core.enums import Classification, Priority, Urgency
from notifications.models import Notification, NotificationKind
from workload.models import WorkItem, WorkItemKind, WorkItemStatus

USERNAME_PREFIX = "gen"
DEPARTMENT_PREFIX = "gen-"
PASSWORD = "bench12345"  # noqa: S105  (synthetic accounts; documented in README.md)
BATCH = 5000


@dataclass(frozen=True)
class Size:
    users: int
    departments: int
    items: int
    notifications: int


SIZES = {
    "S": Size(users=50, departments=6, items=5_000, notifications=2_000),
    "M": Size(users=500, departments=20, items=200_000, notifications=50_000),
    "L": Size(users=5_000, departments=80, items=2_000_000, notifications=500_000),
    # Not advertised: a tiny size for the generator's own tests.
    "XS": Size(users=12, departments=3, items=300, notifications=60),
}

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏"
    "魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红文辉鹏飞宇浩然晨阳雪梅海燕玉兰德成斌俊峰琳颖欣怡婷晓春"
UNITS_LIST = [
    *["综合", "财务", "人事", "法规", "政策研究", "规划", "审批服务", "监督检查", "宣传", "信息"],
    *["后勤保障", "档案", "统计", "科技", "安全生产", "行政审批", "督查", "机关党委", "离退休干部", "应急管理"],
]
TITLES = ["科员", "科员", "科员", "主任科员", "一级主任科员", "副处长"]
VERBS = ["起草", "核对", "报送", "整理", "审核", "汇总", "修订", "落实", "答复", "准备"]
OBJECTS = [
    "年度工作总结",
    "季度经费支出明细",
    "会议纪要",
    "下月重点工作安排",
    "人员考核材料",
    "合同文本审查意见",
    "来文办理意见",
    "督查事项进展",
    "调研报告",
    "信息报送材料",
    "接待方案",
    "应急预案",
]

# Realistic shares: most of a ledger is history; about a quarter is open, a third of that overdue.
STATUS_WEIGHTS = [(WorkItemStatus.DONE, 70), (WorkItemStatus.CANCELLED, 5), (WorkItemStatus.OPEN, 25)]
KIND_WEIGHTS = [
    (WorkItemKind.MATTER, 20),
    (WorkItemKind.TASK, 15),
    (WorkItemKind.APPROVAL, 12),
    (WorkItemKind.COMMENT_REQUEST, 10),
    (WorkItemKind.DISTRIBUTION, 10),
    (WorkItemKind.READING, 8),
    (WorkItemKind.MEETING, 8),
    (WorkItemKind.INCOMING, 6),
    (WorkItemKind.COORDINATION, 5),
    (WorkItemKind.MATTER_CONFIRMATION, 3),
    (WorkItemKind.AGENDA_REVIEW, 2),
    (WorkItemKind.FEEDBACK, 1),
]
URGENCY_WEIGHTS = [(Urgency.NORMAL, 80), (Urgency.URGENT, 15), (Urgency.EXTRA_URGENT, 5)]
PRIORITY_WEIGHTS = [(Priority.ROUTINE, 70), (Priority.SECONDARY, 20), (Priority.KEY, 10)]
CLASSIFICATION_WEIGHTS = [(Classification.INTERNAL, 80), (Classification.PUBLIC, 15), (Classification.SECRET, 5)]
NOTIFICATION_KIND_WEIGHTS = [
    (NotificationKind.ASSIGNED, 50),
    (NotificationKind.REMINDER, 20),
    (NotificationKind.OVERDUE, 10),
    (NotificationKind.URGE, 5),
    (NotificationKind.CHANGED, 5),
    (NotificationKind.CANCELLED, 5),
    (NotificationKind.INFO, 5),
]


def _picker(rng: random.Random, weights: list[tuple[Any, int]]) -> Any:
    values = [v for v, _ in weights]
    cumulative: list[int] = []
    total = 0
    for _, w in weights:
        total += w
        cumulative.append(total)

    def pick() -> Any:
        return rng.choices(values, cum_weights=cumulative)[0]

    return pick


def _batches(iterator: Iterator[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for obj in iterator:
        batch.append(obj)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


class Command(BaseCommand):
    help = "Generate volume data (departments, people, work items, notifications) for benchmarks."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--size", choices=list(SIZES), default="S", help="S, M or L (default S).")
        parser.add_argument("--reset", action="store_true", help="Remove previously generated data first.")
        parser.add_argument("--seed", type=int, default=20251, help="Random seed (same seed, same data).")
        parser.add_argument("--users", type=int, help="Override the number of people of the size.")
        parser.add_argument("--items", type=int, help="Override the number of work items of the size.")
        parser.add_argument("--notifications", type=int, help="Override the number of notifications.")

    def handle(self, *args: Any, **options: Any) -> None:
        size = SIZES[options["size"]]
        users = options["users"] if options["users"] is not None else size.users
        if users < 4:
            raise CommandError("--users must be at least 4.")
        size = Size(
            users=users,
            departments=min(size.departments, max(1, users // 4)),
            items=options["items"] if options["items"] is not None else size.items,
            notifications=options["notifications"] if options["notifications"] is not None else size.notifications,
        )
        self.verbose = options["verbosity"] >= 1
        if options["reset"]:
            self._reset()
        elif User.objects.filter(username__startswith=USERNAME_PREFIX).exists():
            raise CommandError("Generated data already exists; add --reset to replace it.")

        rng = random.Random(options["seed"])
        now = timezone.now().replace(minute=0, second=0, microsecond=0)
        started = time.monotonic()
        departments = self._departments(size)
        people = self._people(size, departments, rng)
        self._work_items(size, departments, people, rng, now)
        self._notifications(size, people, departments, rng, now)
        self._analyze()
        self._say(
            f"Generated {len(departments)} departments, {len(people)} people, {size.items} work items and "
            f"{size.notifications} notifications in {time.monotonic() - started:.1f}s."
        )

    def _say(self, message: str) -> None:
        if self.verbose:
            self.stdout.write(message)

    # --- removal ----------------------------------------------------------------------------------------
    def _reset(self) -> None:
        generated = User.objects.filter(username__startswith=USERNAME_PREFIX)
        with transaction.atomic():
            # Raw deletes: millions of generated rows with no cascades to follow.
            notifications = Notification.objects.filter(recipient__in=generated)
            notifications._raw_delete(notifications.db)
            items = WorkItem.objects.filter(assignee__in=generated)
            items._raw_delete(items.db)
            Department.objects.filter(code__startswith=DEPARTMENT_PREFIX).update(head=None)
            deleted_users, _ = generated.delete()
            Department.objects.filter(code__startswith=DEPARTMENT_PREFIX).order_by("-pk").delete()
        self._say(f"Removed previously generated data ({deleted_users} rows with the people).")

    # --- organization -----------------------------------------------------------------------------------
    def _departments(self, size: Size) -> list[Department]:
        rows = []
        for n in range(size.departments):
            unit = UNITS_LIST[n % len(UNITS_LIST)]
            suffix = "" if n < len(UNITS_LIST) else str(n // len(UNITS_LIST) + 1)
            rows.append(
                Department(
                    name=f"{unit}处{suffix}",
                    code=f"{DEPARTMENT_PREFIX}{n + 1:03d}",
                    doc_prefix=f"{unit[0]}发{suffix}",
                    order=1000 + n,
                )
            )
        Department.objects.bulk_create(rows, batch_size=BATCH)
        return list(Department.objects.filter(code__startswith=DEPARTMENT_PREFIX).order_by("code"))

    def _people(self, size: Size, departments: list[Department], rng: random.Random) -> list[User]:
        password = make_password(PASSWORD)  # hashed once: thousands of slow hashes would take minutes
        rows = []
        for n in range(size.users):
            name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
            pinyin, initials = pinyin_keys(name)
            leader = n < 3
            department = None if leader else departments[(n - 3) % len(departments)]
            head = not leader and n - 3 < len(departments)
            rows.append(
                User(
                    username=f"{USERNAME_PREFIX}{n + 1:05d}",
                    password=password,
                    name=name,
                    name_pinyin=pinyin,
                    name_initials=initials,
                    email=f"{USERNAME_PREFIX}{n + 1:05d}@example.org",
                    department=department,
                    is_leader=leader,
                    title="副局长" if leader else ("处长" if head else rng.choice(TITLES)),
                    clearance=Classification.SECRET if leader or head else Classification.INTERNAL,
                )
            )
        with transaction.atomic():
            User.objects.bulk_create(rows, batch_size=BATCH)
        people = list(User.objects.filter(username__startswith=USERNAME_PREFIX).order_by("username"))
        heads = {p.department_id: p for p in reversed(people) if p.department_id and p.title == "处长"}
        for dept in departments:
            dept.head = heads.get(dept.pk)
        Department.objects.bulk_update(departments, ["head"], batch_size=BATCH)
        return people

    # --- the ledger ---------------------------------------------------------------------------------------
    def _work_items(
        self, size: Size, departments: list[Department], people: list[User], rng: random.Random, now: datetime
    ) -> None:
        target_type_id = ContentType.objects.get_for_model(Department).pk
        department_ids = [d.pk for d in departments]
        head_of = {d.pk: d.head_id for d in departments}
        leader_ids = [p.pk for p in people if p.is_leader]
        assignees = [(p.pk, p.department_id) for p in people]
        status_of = _picker(rng, STATUS_WEIGHTS)
        kind_of = _picker(rng, KIND_WEIGHTS)
        urgency_of = _picker(rng, URGENCY_WEIGHTS)
        priority_of = _picker(rng, PRIORITY_WEIGHTS)
        classification_of = _picker(rng, CLASSIFICATION_WEIGHTS)
        hour = timedelta(hours=1)

        def rows() -> Iterator[WorkItem]:
            # Plain ids, not model instances: at millions of rows the ORM's descriptors cost minutes.
            for n in range(size.items):
                assignee_id, department_id = rng.choice(assignees)
                status = status_of()
                head_id = head_of.get(department_id)
                if head_id is not None and head_id != assignee_id and rng.random() < 0.6:
                    assigned_by_id: int | None = head_id
                elif rng.random() < 0.5:
                    assigned_by_id = rng.choice(leader_ids)
                else:
                    assigned_by_id = None  # opened by the system (a workflow step)
                if status == WorkItemStatus.OPEN:
                    created = now - hour * rng.randint(1, 24 * 30)
                    roll = rng.random()
                    if roll < 0.3:  # overdue
                        due: datetime | None = now - hour * rng.randint(1, 24 * 20)
                    elif roll < 0.4:
                        due = None
                    else:
                        due = now + hour * rng.randint(1, 24 * 30)
                    completed = None
                else:
                    created = now - hour * rng.randint(24 * 2, 24 * 365)
                    due = created + hour * (24 * rng.randint(1, 15))
                    # Most finished on time, some late.
                    completed = min(created + hour * rng.randint(1, 24 * 18), now)
                yield WorkItem(
                    assignee_id=assignee_id,
                    department_id=department_id,
                    kind=kind_of(),
                    target_type_id=target_type_id,
                    target_id=rng.choice(department_ids),
                    title=f"{rng.choice(VERBS)}{rng.choice(OBJECTS)}（{n + 1}）",
                    priority=priority_of(),
                    urgency=urgency_of(),
                    classification=classification_of(),
                    assigned_by_id=assigned_by_id,
                    created_at=created,
                    due_at=due,
                    completed_at=completed,
                    status=status,
                    outcome="" if status == WorkItemStatus.OPEN else str(status),
                )

        self._insert(WorkItem, rows(), size.items, "work items")

    def _notifications(
        self, size: Size, people: list[User], departments: list[Department], rng: random.Random, now: datetime
    ) -> None:
        target_type_id = ContentType.objects.get_for_model(Department).pk
        department_ids = [d.pk for d in departments]
        recipient_ids = [p.pk for p in people]
        kind_of = _picker(rng, NOTIFICATION_KIND_WEIGHTS)

        def rows() -> Iterator[Notification]:
            for _ in range(size.notifications):
                read = rng.random() < 0.7
                yield Notification(
                    recipient_id=rng.choice(recipient_ids),
                    kind=kind_of(),
                    title=f"{rng.choice(VERBS)}{rng.choice(OBJECTS)}",
                    target_type_id=target_type_id,
                    target_id=rng.choice(department_ids),
                    read_at=now - timedelta(hours=rng.randint(0, 24 * 30)) if read else None,
                )

        self._insert(Notification, rows(), size.notifications, "notifications")

    def _insert(self, model: Any, rows: Iterator[Any], total: int, label: str) -> None:
        done = 0
        started = time.monotonic()
        for batch in _batches(rows, BATCH):
            with transaction.atomic():
                model.objects.bulk_create(batch, batch_size=BATCH)
            done += len(batch)
            if self.verbose and (done % (BATCH * 40) == 0 or done == total) and total > BATCH:
                rate = done / max(time.monotonic() - started, 0.001)
                self.stdout.write(f"  {label}: {done}/{total} ({rate:,.0f} rows/s)")

    def _analyze(self) -> None:
        # Fresh planner statistics, so that the first queries after a bulk load use the indexes.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
