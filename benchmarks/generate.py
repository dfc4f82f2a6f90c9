"""``python benchmarks/generate.py --size S|M|L [--reset]``: volume data for benchmarks and load tests.

It lives with the benchmarks, which may import every app (DESIGN.md, Layers); ``benchmarks/run.py``
calls ``Command`` in-process. Run as a script it uses ``config.settings`` and ``DATABASE_URL``, like
``manage.py``.

S: 50 people, 5,000 work items, 5,000 matters, 5,000 documents; M: 500, 200,000, 100,000 and 100,000;
L: 5,000, 2,000,000, 1,000,000 and 1,000,000 (documents: ``benchmarks/documents_data.py``). Meetings
(``benchmarks/meetings_data.py``): S 2,000 over 20 rooms, M 20,000 over 100, L 200,000 over 200.
Matters (交办事项) come in every state, newest ids the most recent, with assisting owners,
a timeline (assigned, progress, transfers, completion, confirmation) and the ledger rows that
match them: an open item for each owner of a matter in progress, one for the assigner of a matter
awaiting confirmation, settled items for part of the history. At every size about ``due`` (1,000)
open items are due for the reminder scanner at the generation moment (``generation_moment()``,
recorded as the generated people's ``date_joined``); every other open item's next reminder is
later, and closed items keep the stale moments the scanner left them.

Rows are inserted with ``bulk_create`` in batches (no per-row services, signals or audit: this is
synthetic volume, not a record of anyone's actions), from a seeded random generator so that two
runs make the same data. Generated rows are recognisable (usernames ``gen…``, department codes
``gen-…``, matters led by ``gen…`` people) and ``--reset`` removes exactly them, leaving real and
demo data alone.
"""

if __name__ == "__main__":  # run as a script: the project on the path, Django set up first
    import os
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()

import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import Department, User, pinyin_keys
from affairs.models import Matter, MatterAssistant, MatterEvent, MatterEventKind, MatterSource, MatterStatus
from benchmarks.documents_data import generate_documents
from benchmarks.meetings_data import ROOM_PREFIX, generate_meetings
from core import calendar
from core.enums import Classification, Priority, Urgency
from documents.models import Document
from meetings.models import Attendee, Meeting, Room
from notifications.models import EmailDelivery, Notification, NotificationKind
from workload import search
from workload.models import Urge, WorkItem, WorkItemKind, WorkItemStatus

USERNAME_PREFIX = "gen"
DEPARTMENT_PREFIX = "gen-"
PASSWORD = "bench12345"  # noqa: S105  (synthetic accounts; documented in README.md)
BATCH = 5000
OPEN, DONE, CANCELLED = WorkItemStatus.OPEN, WorkItemStatus.DONE, WorkItemStatus.CANCELLED


@dataclass(frozen=True)
class Size:
    users: int
    departments: int
    items: int
    notifications: int
    matters: int
    due: int  # open items due for the reminder scanner at the generation moment
    documents: int = 0  # outgoing documents with versions, rounds, approvals and distributions
    meetings: int = 0  # meetings with their attendees (benchmarks/meetings_data.py)
    rooms: int = 0  # meeting rooms the meetings are spread over


SIZES = {
    "S": Size(
        users=50,
        departments=6,
        items=5_000,
        notifications=2_000,
        matters=5_000,
        due=1_000,
        documents=5_000,
        meetings=2_000,
        rooms=20,
    ),
    "M": Size(
        users=500,
        departments=20,
        items=200_000,
        notifications=50_000,
        matters=100_000,
        due=1_000,
        documents=100_000,
        meetings=20_000,
        rooms=100,
    ),
    "L": Size(
        users=5_000,
        departments=80,
        items=2_000_000,
        notifications=500_000,
        matters=1_000_000,
        due=1_000,
        documents=1_000_000,
        meetings=200_000,
        rooms=200,
    ),
    # Not advertised: a tiny size for the generator's own tests.
    "XS": Size(
        users=12, departments=3, items=300, notifications=60, matters=60, due=20, documents=40, meetings=40, rooms=3
    ),
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
# Matter and confirmation items come with the matters they belong to (``_matters``).
KIND_WEIGHTS = [
    (WorkItemKind.TASK, 15),
    (WorkItemKind.APPROVAL, 12),
    (WorkItemKind.COMMENT_REQUEST, 10),
    (WorkItemKind.DISTRIBUTION, 10),
    (WorkItemKind.READING, 8),
    (WorkItemKind.MEETING, 8),
    (WorkItemKind.INCOMING, 6),
    (WorkItemKind.COORDINATION, 5),
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

# Matters: assigned over the last year, newest ids the most recent. Those of the last weeks are
# mostly still moving; older ones are mostly closed, with a few long-running (and overdue) ones.
RECENT_DAYS = 45
MATTER_SPAN_DAYS = 365
RECENT_STATUS_WEIGHTS = [
    (MatterStatus.IN_PROGRESS, 55),
    (MatterStatus.AWAITING_CONFIRMATION, 10),
    (MatterStatus.DONE, 30),
    (MatterStatus.CANCELLED, 5),
]
OLD_STATUS_WEIGHTS = [
    (MatterStatus.DONE, 88),
    (MatterStatus.CANCELLED, 10),
    (MatterStatus.IN_PROGRESS, 2),
]
SOURCE_WEIGHTS = [
    (MatterSource.AD_HOC, 40),
    (MatterSource.INSTRUCTION, 30),
    (MatterSource.MEETING_DECISION, 20),
    (MatterSource.INCOMING_DOCUMENT, 10),
]
DEADLINE_WORKING_DAYS = (3, 5, 5, 10, 10, 15, 20, 30)
PROGRESS_NOTES = ["已完成初稿", "正在征求相关处室意见", "已与有关单位对接", "材料已报分管领导审阅", "正在汇总数据"]
# At most this share of the ledger is the settled history of closed matters (the rest of the
# volume is the other kinds of work); open matter items are always written.
MATTER_HISTORY_SHARE = 0.5


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


def generation_moment() -> datetime | None:
    """The moment the generated data describes (its "now"), or None without generated data.

    The reminder scanner finds exactly the generated ``due`` items due at this moment; the
    benchmark scans at it, so that data generated yesterday gives today the same numbers.
    """
    first = User.objects.filter(username__startswith=USERNAME_PREFIX).order_by("username").first()
    return first.date_joined if first is not None else None


def _next_reminder(status: str, due: datetime | None, now: datetime, rng: random.Random) -> datetime | None:
    """Where the scanner would have left ``next_reminder_at``, never due at ``now`` for open items."""
    if due is None:
        return None  # no deadline, no reminders
    if status != WorkItemStatus.OPEN:
        return due  # settled items keep the moment they had; the scanner's index skips them
    if due > now:
        before = due - timedelta(hours=8)  # the "before" reminder, or the deadline once it went out
        return before if before > now else due
    return now + timedelta(hours=rng.randint(1, 24))  # overdue: the next daily reminder


class Command(BaseCommand):
    help = "Generate volume data (departments, people, work items, matters, notifications) for benchmarks."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--size", choices=list(SIZES), default="S", help="S, M or L (default S).")
        parser.add_argument("--reset", action="store_true", help="Remove previously generated data first.")
        parser.add_argument("--seed", type=int, default=20251, help="Random seed (same seed, same data).")
        parser.add_argument("--users", type=int, help="Override the number of people of the size.")
        parser.add_argument("--items", type=int, help="Override the number of work items of the size.")
        parser.add_argument("--notifications", type=int, help="Override the number of notifications.")
        parser.add_argument("--matters", type=int, help="Override the number of matters.")
        parser.add_argument("--due", type=int, help="Override the number of items due for the reminder scanner.")
        parser.add_argument("--documents", type=int, help="Override the number of documents.")
        parser.add_argument("--meetings", type=int, help="Override the number of meetings.")

    def handle(self, *args: Any, **options: Any) -> None:
        size = SIZES[options["size"]]
        users = options["users"] if options["users"] is not None else size.users
        if users < 4:
            raise CommandError("--users must be at least 4.")

        def pick(name: str) -> int:
            value = options[name] if options[name] is not None else getattr(size, name)
            if value < 0:
                raise CommandError(f"--{name} cannot be negative.")
            return int(value)

        size = Size(
            users=users,
            departments=min(size.departments, max(1, users // 4)),
            items=pick("items"),
            notifications=pick("notifications"),
            matters=pick("matters"),
            due=pick("due"),
            documents=pick("documents"),
            meetings=pick("meetings"),
            rooms=size.rooms,
        )
        self.verbose = options["verbosity"] >= 1
        if options["reset"]:
            self._reset()
        elif User.objects.filter(username__startswith=USERNAME_PREFIX).exists():
            raise CommandError("Generated data already exists; add --reset to replace it.")

        if connection.vendor == "sqlite":
            # A page cache the size of the indexes being filled: with SQLite's default 2 MB, inserting
            # millions of rows into a table with seven indexes becomes random disk reads.
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA cache_size = -524288")  # KiB: 512 MB at most, this connection only
        rng = random.Random(options["seed"])
        now = timezone.now().replace(minute=0, second=0, microsecond=0)
        started = time.monotonic()
        departments = self._departments(size)
        people = self._people(size, departments, rng, now)
        matter_rows = self._matters(size, departments, people, rng, now)
        if matter_rows > size.items:
            raise CommandError(
                f"The matters need {matter_rows} ledger rows, more than --items {size.items}; "
                "raise --items or lower --matters (and add --reset)."
            )
        self._work_items(size, departments, people, rng, now, count=size.items - matter_rows, first=matter_rows)
        due = self._due(size, rng, now)
        self._notifications(size, people, departments, rng, now)
        generate_documents(self._insert, count=size.documents, departments=departments, people=people, rng=rng, now=now)
        generate_meetings(self._insert, count=size.meetings, rooms=size.rooms, people=people, rng=rng, now=now)
        indexed = search.rebuild()  # bulk inserts bypass the services that keep the index in step
        self._say(f"  search index: {indexed} entries")
        self._analyze()
        self._say(
            f"Generated {len(departments)} departments, {len(people)} people, {size.matters} matters, "
            f"{size.items} work items ({due} due for the reminder scanner at {now:%Y-%m-%d %H:%M} UTC) and "
            f"{size.notifications} notifications, {size.documents} documents and {size.meetings} meetings in "
            f"{time.monotonic() - started:.1f}s."
        )

    def _say(self, message: str) -> None:
        if self.verbose:
            self.stdout.write(message)

    # --- removal ----------------------------------------------------------------------------------------
    def _reset(self) -> None:
        generated = User.objects.filter(username__startswith=USERNAME_PREFIX)
        with transaction.atomic():
            items = WorkItem.objects.filter(assignee__in=generated)
            about_items = Q(subject_type=ContentType.objects.get_for_model(WorkItem), subject_id__in=items.values("pk"))
            notifications = Notification.objects.filter(Q(recipient__in=generated) | about_items)
            # What a scanner or a person may have added on top (usually nothing) first, so that the
            # millions of generated rows have no cascades left to follow.
            EmailDelivery.objects.filter(notification__in=notifications).delete()
            Urge.objects.filter(work_item__in=items).delete()
            notifications.delete()
            items.delete()
            # Documents cascade to their versions, rounds, opinions, approvals and distributions.
            Document.objects.filter(drafter__in=generated).delete()
            # Meetings cascade to their attendees; then their rooms.
            meetings = Meeting.objects.filter(organizer__in=generated)
            Attendee.objects.filter(meeting__in=meetings).delete()
            meetings.delete()
            Room.objects.filter(name__startswith=ROOM_PREFIX).delete()
            matters = Matter.objects.filter(lead__in=generated)
            MatterEvent.objects.filter(matter__in=matters).delete()
            MatterAssistant.objects.filter(matter__in=matters).delete()
            matters.delete()
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

    def _people(self, size: Size, departments: list[Department], rng: random.Random, now: datetime) -> list[User]:
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
                    date_joined=now,  # the generation moment: see generation_moment()
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

    # --- matters, their timelines and their ledger rows -----------------------------------------------
    def _matters(
        self, size: Size, departments: list[Department], people: list[User], rng: random.Random, now: datetime
    ) -> int:
        """Write the matters with assistants, events and ledger rows; return the ledger rows written."""
        if size.matters == 0:
            return 0
        matter_type_id = ContentType.objects.get_for_model(Matter).pk
        head_of: dict[int | None, int | None] = {d.pk: d.head_id for d in departments}
        department_of = {p.pk: p.department_id for p in people}
        leader_ids = [p.pk for p in people if p.is_leader]
        staff = [(p.pk, p.department_id, p.clearance) for p in people if not p.is_leader]
        colleagues: dict[int | None, list[int]] = {}
        for pk, department_id, _clearance in staff:
            colleagues.setdefault(department_id, []).append(pk)
        recent_status_of = _picker(rng, RECENT_STATUS_WEIGHTS)
        old_status_of = _picker(rng, OLD_STATUS_WEIGHTS)
        source_of = _picker(rng, SOURCE_WEIGHTS)
        urgency_of = _picker(rng, URGENCY_WEIGHTS)
        priority_of = _picker(rng, PRIORITY_WEIGHTS)
        classification_of = _picker(rng, CLASSIFICATION_WEIGHTS)
        hour = timedelta(hours=1)
        span = timedelta(days=MATTER_SPAN_DAYS)
        recent = timedelta(days=RECENT_DAYS)
        # The settled history of closed matters fills at most a share of the ledger: a closed
        # matter (about 2.3 rows: its owners' items and the confirmation) gets its rows with
        # probability ``keep`` while the budget lasts.
        history_budget = int(size.items * MATTER_HISTORY_SHARE)
        keep = min(1.0, history_budget / max(1.0, size.matters * 2.3))
        deadlines: dict[tuple[date, int], tuple[date, datetime]] = {}

        def deadline(start: datetime, working_days: int) -> tuple[date, datetime]:
            key = (timezone.localdate(start), working_days)
            if key not in deadlines:  # a few hundred distinct days: the calendar is asked once each
                day = calendar.add_working_days(key[0], working_days)
                deadlines[key] = (day, calendar.end_of_working_day(day).astimezone(UTC))
            return deadlines[key]

        def between(start: datetime, end: datetime, share_from: float, share_to: float) -> datetime:
            return start + (end - start) * rng.uniform(share_from, share_to)

        def row(
            matter: Matter,
            assignee_id: int,
            kind: str,
            state: str,
            *,
            opened: datetime,
            due: datetime,
            done_at: datetime | None = None,
            outcome: str | None = None,
            by_id: int | None = None,
        ) -> WorkItem:
            return WorkItem(
                assignee_id=assignee_id,
                department_id=department_of[assignee_id],
                kind=kind,
                target_type_id=matter_type_id,
                title=matter.title,
                priority=matter.priority,
                urgency=matter.urgency,
                classification=matter.classification,
                assigned_by_id=by_id,
                created_at=opened,
                due_at=due,
                completed_at=done_at,
                status=state,
                outcome=outcome if outcome is not None else ("" if state == OPEN else str(state)),
                next_reminder_at=_next_reminder(state, due, now, rng),
            )

        pending: list[tuple[Matter, list[MatterAssistant], list[MatterEvent], list[WorkItem]]] = []
        counts = {"ledger": 0, "history": 0, "events": 0, "assistants": 0}
        started = time.monotonic()

        def flush() -> None:
            with transaction.atomic():
                Matter.objects.bulk_create([p[0] for p in pending], batch_size=BATCH)
                assistants = [a for p in pending for a in p[1]]
                events = [e for p in pending for e in p[2]]
                items = []
                for matter, _a, _e, rows in pending:
                    for row in rows:
                        row.target_id = matter.pk
                        items.append(row)
                MatterAssistant.objects.bulk_create(assistants, batch_size=BATCH)
                MatterEvent.objects.bulk_create(events, batch_size=BATCH)
                WorkItem.objects.bulk_create(items, batch_size=BATCH)
            counts["assistants"] += len(assistants)
            counts["events"] += len(events)
            pending.clear()

        for n in range(size.matters):
            age = span * (1 - (n + 1) / size.matters) + hour * rng.randint(1, 12)
            created = now - age
            status = recent_status_of() if age < recent else old_status_of()
            lead_id, department_id, clearance = rng.choice(staff)
            head_id = head_of.get(department_id)
            if head_id is not None and head_id != lead_id and rng.random() < 0.6:
                assigner_id = head_id
            else:
                assigner_id = rng.choice(leader_ids)
            classification = classification_of()
            if not Classification.allows(clearance, classification):
                classification = Classification.INTERNAL
            assistant_ids: list[int] = []
            roll = rng.random()
            for _ in range(0 if roll < 0.6 else (1 if roll < 0.9 else 2)):
                other_id, _dept, other_clearance = rng.choice(staff)
                eligible = Classification.allows(other_clearance, classification)
                if eligible and other_id != lead_id and other_id not in assistant_ids:
                    assistant_ids.append(other_id)
            due_on, due_at = deadline(created, rng.choice(DEADLINE_WORKING_DAYS))
            if status == MatterStatus.IN_PROGRESS and age < recent and rng.random() < 0.7:
                # Most matters still moving are within their deadline (given long, or extended).
                due_on, due_at = deadline(now, rng.choice(DEADLINE_WORKING_DAYS))
            title = f"{rng.choice(VERBS)}{rng.choice(OBJECTS)}（交办{n + 1}）"
            completed_at: datetime | None = None
            closed_at: datetime | None = None
            if status == MatterStatus.AWAITING_CONFIRMATION:
                completed_at = max(created + hour, now - hour * rng.randint(1, 72))
            elif status == MatterStatus.DONE:
                completed_at = between(created, min(due_at, now), 0.3, 1.0)
                if rng.random() < 0.15:  # some finish late
                    completed_at += hour * rng.randint(1, 72)
                completed_at = min(completed_at, now - 2 * hour)
                closed_at = min(completed_at + hour * rng.randint(1, 48), now - hour)
            elif status == MatterStatus.CANCELLED:
                closed_at = between(created, now, 0.05, 0.5)
            end = closed_at or completed_at or now
            if status == MatterStatus.IN_PROGRESS:
                percent = rng.randrange(0, 100, 10)
            elif status == MatterStatus.CANCELLED:
                percent = rng.randrange(0, 60, 10)
            else:
                percent = 100
            roll = rng.random()
            transfers = 2 if roll < 0.02 else (1 if roll < 0.12 else 0)
            partners = [pk for pk in colleagues.get(department_id, []) if pk != lead_id]
            if not partners:
                transfers = 0
            returned = status in (MatterStatus.AWAITING_CONFIRMATION, MatterStatus.DONE) and rng.random() < 0.05
            report = f"{title}已办理完毕，相关材料已归档。" if completed_at else ""
            matter = Matter(
                title=title,
                description=f"请牵头{title[: -len(f'（交办{n + 1}）')]}，按期报送办理情况。",
                source=source_of(),
                priority=priority_of(),
                urgency=urgency_of(),
                classification=classification,
                assigner_id=assigner_id,
                lead_id=lead_id,
                department_id=department_id,
                due_on=due_on,
                due_at=due_at,
                status=status,
                percent=percent,
                closing_report=report,
                transfer_count=transfers,
                return_count=1 if returned else 0,
                created_at=created,
                completed_at=completed_at,
                closed_at=closed_at,
            )

            # The timeline: assigned, then transfers, progress (and a sent-back completion), then the end.
            steps: list[dict[str, Any]] = []
            if transfers:
                partner_id = rng.choice(partners)
                if transfers == 2:  # passed on and handed back
                    steps.append({"kind": MatterEventKind.TRANSFERRED, "actor_id": lead_id, "from_user_id": lead_id})
                    steps[-1].update(to_user_id=partner_id, text="工作职责调整，请协助牵头办理")
                    steps.append({"kind": MatterEventKind.TRANSFERRED, "actor_id": partner_id})
                    steps[-1].update(from_user_id=partner_id, to_user_id=lead_id, text="不属本人职责范围，退回原主办")
                else:
                    steps.append({"kind": MatterEventKind.TRANSFERRED, "actor_id": partner_id})
                    steps[-1].update(from_user_id=partner_id, to_user_id=lead_id, text="工作职责调整")
            top = percent if status == MatterStatus.IN_PROGRESS else 90
            progress = sorted(rng.randrange(10, max(top, 10) + 1, 10) for _ in range(rng.randint(0, 2)))
            for value in progress:
                steps.append({"kind": MatterEventKind.PROGRESS, "actor_id": lead_id, "percent": value})
                steps[-1]["text"] = rng.choice(PROGRESS_NOTES)
            if returned:
                steps.append({"kind": MatterEventKind.COMPLETED, "actor_id": lead_id, "text": "已办理完毕"})
                steps.append({"kind": MatterEventKind.RETURNED, "actor_id": assigner_id, "text": "请补充办理依据"})
            moments = sorted(between(created, end, 0.05, 0.95) for _ in steps)
            events = [
                MatterEvent(matter=matter, kind=MatterEventKind.CREATED, actor_id=assigner_id, created_at=created)
            ]
            events[0].text = matter.description
            events += [
                MatterEvent(matter=matter, created_at=at, **step) for at, step in zip(moments, steps, strict=True)
            ]
            if completed_at:
                events.append(
                    MatterEvent(
                        matter=matter,
                        kind=MatterEventKind.COMPLETED,
                        actor_id=lead_id,
                        text=report,
                        created_at=completed_at,
                    )
                )
            if status == MatterStatus.DONE:
                events.append(
                    MatterEvent(matter=matter, kind=MatterEventKind.CONFIRMED, actor_id=assigner_id, created_at=end)
                )
            elif status == MatterStatus.CANCELLED:
                events.append(
                    MatterEvent(
                        matter=matter,
                        kind=MatterEventKind.CANCELLED,
                        actor_id=assigner_id,
                        text="情况变化，不再办理",
                        created_at=end,
                    )
                )

            # The ledger: open items for what is owed now; settled ones for part of the history.
            owners = [lead_id, *assistant_ids]
            kind, confirmation = WorkItemKind.MATTER, WorkItemKind.MATTER_CONFIRMATION
            owed: list[WorkItem] = []
            history: list[WorkItem] = []
            settled = 0 if status == MatterStatus.IN_PROGRESS else len(owners) + (status == MatterStatus.DONE)
            with_history = settled and rng.random() < keep and counts["history"] + settled <= history_budget
            if status == MatterStatus.IN_PROGRESS:
                for owner in owners:
                    owed.append(row(matter, owner, kind, OPEN, opened=created, due=due_at, by_id=assigner_id))
            elif status == MatterStatus.CANCELLED:
                for owner in owners if with_history else ():
                    history.append(row(matter, owner, kind, CANCELLED, opened=created, due=due_at, done_at=end))
            else:
                completed_at = completed_at or end
                for owner in owners if with_history else ():
                    history.append(row(matter, owner, kind, DONE, opened=created, due=due_at, done_at=completed_at))
                confirm_due = deadline(completed_at, 2)[1]
                if status == MatterStatus.AWAITING_CONFIRMATION:
                    owed.append(
                        row(
                            matter, assigner_id, confirmation, OPEN, opened=completed_at, due=confirm_due, by_id=lead_id
                        )
                    )
                elif with_history:
                    history.append(
                        row(
                            matter,
                            assigner_id,
                            confirmation,
                            DONE,
                            opened=completed_at,
                            due=confirm_due,
                            done_at=end,
                            outcome="confirmed",
                            by_id=lead_id,
                        )
                    )
            counts["history"] += len(history)
            counts["ledger"] += len(owed) + len(history)
            assistants = [MatterAssistant(matter=matter, user_id=pk, added_at=created) for pk in assistant_ids]
            pending.append((matter, assistants, events, owed + history))
            if len(pending) >= BATCH:
                flush()
                if self.verbose and (n + 1) % (BATCH * 20) == 0:
                    rate = (n + 1) / max(time.monotonic() - started, 0.001)
                    self.stdout.write(f"  matters: {n + 1}/{size.matters} ({rate:,.0f} matters/s)")
        if pending:
            flush()
        self._say(
            f"  matters: {size.matters} with {counts['assistants']} assisting owners, {counts['events']} events "
            f"and {counts['ledger']} ledger rows in {time.monotonic() - started:.1f}s"
        )
        return counts["ledger"]

    # --- the ledger ---------------------------------------------------------------------------------------
    def _work_items(
        self,
        size: Size,
        departments: list[Department],
        people: list[User],
        rng: random.Random,
        now: datetime,
        *,
        count: int,
        first: int,
    ) -> None:
        """The rest of the ledger: work of the other kinds. Their targets stand in as matters, a
        registered target type (``workload.targets``), with the matter's classification: every row
        of a page is checked against a visibility rule, as in a running bureau, where every target
        type is registered (a type nobody registered is visible to no one and costs no query)."""
        target_type_id = ContentType.objects.get_for_model(Matter).pk
        stand_ins = list(Matter.objects.values_list("pk", "classification"))
        if count <= 0:
            return
        if not stand_ins:
            raise CommandError("The work items of the other kinds point at matters: generate matters too (--matters).")
        head_of: dict[int | None, int | None] = {d.pk: d.head_id for d in departments}
        leader_ids = [p.pk for p in people if p.is_leader]
        assignees = [(p.pk, p.department_id) for p in people]
        status_of = _picker(rng, STATUS_WEIGHTS)
        kind_of = _picker(rng, KIND_WEIGHTS)
        urgency_of = _picker(rng, URGENCY_WEIGHTS)
        priority_of = _picker(rng, PRIORITY_WEIGHTS)
        hour = timedelta(hours=1)

        def rows() -> Iterator[WorkItem]:
            # Plain ids, not model instances: at millions of rows the ORM's descriptors cost minutes.
            for n in range(first, first + count):
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
                target_id, classification = rng.choice(stand_ins)
                yield WorkItem(
                    assignee_id=assignee_id,
                    department_id=department_id,
                    kind=kind_of(),
                    target_type_id=target_type_id,
                    target_id=target_id,
                    title=f"{rng.choice(VERBS)}{rng.choice(OBJECTS)}（{n + 1}）",
                    priority=priority_of(),
                    urgency=urgency_of(),
                    classification=classification,
                    assigned_by_id=assigned_by_id,
                    created_at=created,
                    due_at=due,
                    completed_at=completed,
                    status=status,
                    outcome="" if status == WorkItemStatus.OPEN else str(status),
                    next_reminder_at=_next_reminder(status, due, now, rng),
                )

        self._insert(WorkItem, rows(), count, "work items")

    def _due(self, size: Size, rng: random.Random, now: datetime) -> int:
        """Make exactly ``size.due`` open items (with a deadline) due for the scanner at ``now``."""
        candidates = list(
            WorkItem.objects.filter(
                assignee__username__startswith=USERNAME_PREFIX, status=WorkItemStatus.OPEN, due_at__isnull=False
            )
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if len(candidates) < size.due:
            raise CommandError(f"Only {len(candidates)} open items with a deadline for --due {size.due}.")
        chosen = sorted(rng.sample(candidates, size.due))
        # Due over the last hour (the scanner runs every minute; these piled up), ten moments.
        for group in range(10):
            ids = chosen[group::10]
            if ids:
                moment = now - timedelta(minutes=1 + 5 * group)
                with transaction.atomic():
                    for start in range(0, len(ids), 500):
                        WorkItem.objects.filter(pk__in=ids[start : start + 500]).update(next_reminder_at=moment)
        return len(chosen)

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
                    params={"title": f"{rng.choice(VERBS)}{rng.choice(OBJECTS)}", "body": ""},
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


def main(argv: list[str] | None = None) -> None:
    import sys

    Command().run_from_argv(["python", "benchmarks/generate.py", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
