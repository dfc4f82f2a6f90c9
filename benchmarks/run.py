"""Benchmarks against data volume (``make bench``): 我的工作台, the work-item and matter lists, the
matter page, the document list and page, and the reminder scanner.

For each size (``BENCH_SIZES``, default ``M``, run with ``S`` as its reference; ``M,L`` adds ``L``
with ``M`` as its reference; ``S`` alone is a quick run) a child process
generates data (``benchmarks/generate.py``) into a benchmark database of its own (a SQLite file
under ``var/bench/``, or the PostgreSQL database ``xietong_bench_<size>`` when ``DATABASE_URL`` is
PostgreSQL), kept between runs, and measures in-process with Django's test client the median server
time over ``BENCH_RUNS`` requests (default 30) and the query count of each page:

- 我的工作台 and ``GET /api/v1/work-items/`` for a typical person (staff with the median number of
  open items), beside a minimal login-required view;
- the matter list (``/affairs/matters/``) and ``GET /api/v1/matters/`` for a leader, who sees every
  matter: page 1 and a deep page (the keyset cursor at 90 % of the visible rows, ``?after=<id>``
  on the page, ``?cursor=`` on the API); the typical person's own matter list; a matter's page for
  its lead owner;
- the document list (``/documents/``) for the typical person and for a department head, who sees
  the department's documents, ``GET /api/v1/documents/`` for that head, and the page of an issued
  document with versions, a comment round and a whole approval chain, for its drafter; the
  approval queue (待我审批的) and ``GET /api/v1/approvals/?status=pending`` for the busiest approver;
  search (``/search/`` and ``GET /api/v1/search/``) for that head, a common word (值班, in a twelfth
  of the documents) and a rare pair (held to ≤ 100 ms at M);
- the reminder scanner: one ``scan_work_items(batch=1000)`` pass at the generation moment, when
  about 1,000 items are due, inside a transaction rolled back after each run (every run sees the
  same due items), and the query plan of its claim query;
- meetings (``measure_meetings``): the clash check of a booking in a taken room with 10 attendees
  (``meetings.clashes.find_clashes``: its server time, and the database time of the same queries'
  raw SQL run through a cursor), the free-slot finder for 10 attendees over two weeks
  (``POST /api/v1/meetings/free-slots/``), and booking creation (``meeting_create`` with a room and
  10 attendees, rolled back after each run).

- the dashboards (统计, ``benchmarks/dashboards_bench.py``) over the 30 days before the generation
  moment: the organization page and ``GET /api/v1/dashboard/`` for a leader, the largest generated
  department's page and ``GET /api/v1/dashboard/departments/<id>/`` for its head, the process views
  (``/dashboard/processes/`` and ``GET /api/v1/dashboard/processes/``) for the leader, all computed
  live; then the snapshot refresh (the beat task, timed) and the default period's pages from it; and
  the server time of the aggregates' ORM beside the database time of the same in hand-written SQL.

The results are rows (``benchmarks/results.py``: size, figure, value, unit, target, met), built by
``collect`` here and ``dashboards_bench.dashboard_results``, with ``make load``'s latest result file;
one markdown table of them is printed and written to ``var/bench/results-<date>.md``. The targets
are the constants below (and in dashboards_bench.py, load.py), each with the issue that set it.

Usage: ``.venv/bin/python benchmarks/run.py [--sizes M,L] [--runs 30] [--scan-runs 5]``.
"""

if __name__ == "__main__":  # run as a script: the project on the path
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from base64 import b64encode
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from benchmarks.dashboards_bench import DASHBOARD_KEYS, DASHBOARD_PRE_KEYS, dashboard_results
from benchmarks.results import (
    Result,
    at_most,
    figure,
    holds,
    latest_load,
    markdown,
    not_measured,
    same,
    write_table,
)

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
PG_BENCH_DB = "xietong_bench_{size}"

# (key, label): the rows of the table, in order. Paths and people are chosen in the child.
ENDPOINTS = [
    ("minimal", "minimal login-required view"),
    ("desk", "我的工作台 (my desk) /"),
    ("api", "GET /api/v1/work-items/"),
    ("matters", "matter list, leader, page 1"),
    ("matters_deep", "matter list, leader, deep"),
    ("matters_staff", "matter list, typical person"),
    ("matter", "matter page, lead owner"),
    ("matters_api", "GET /api/v1/matters/ page 1"),
    ("matters_api_deep", "GET /api/v1/matters/ deep"),
    ("documents", "document list, typical person"),
    ("documents_head", "document list, department head"),
    ("documents_api", "GET /api/v1/documents/ head"),
    ("document", "document page, its drafter"),
    ("approvals", "approval queue, busiest approver"),
    ("approvals_api", "GET /api/v1/approvals/ pending"),
    ("search", "search 值班, department head"),
    ("search_api", "GET /api/v1/search/?q=值班"),
    ("search_rare", "search a rare word, head"),
    ("dashboard", "统计 organization page, leader"),
    ("dashboard_api", "GET /api/v1/dashboard/ leader"),
    ("dashboard_department", "统计 department page, its head"),
    ("dashboard_department_api", "GET /api/v1/dashboard/departments/"),
    ("dashboard_pre", "统计 organization, pre-aggregated"),
    ("dashboard_api_pre", "GET /api/v1/dashboard/ pre-aggregated"),
    ("dashboard_department_pre", "统计 department, pre-aggregated"),
    ("dashboard_processes", "统计 process views, leader"),
    ("dashboard_processes_api", "GET /api/v1/dashboard/processes/"),
    ("dashboard_processes_pre", "统计 processes, pre-aggregated"),
    ("dashboard_processes_api_pre", "GET …/processes/ pre-aggregated"),
]
LABELS = dict(ENDPOINTS)
# Pages held to "equal query counts" (all) and "M within 1.2 × S" (all but the dashboards, which
# aggregate over the data: their targets are in benchmarks/dashboards_bench.py).
PAGES = [key for key, _label in ENDPOINTS if key != "minimal"]
FLAT_PAGES = [key for key in PAGES if key not in DASHBOARD_KEYS + DASHBOARD_PRE_KEYS]
# The size each size is compared with ("time at more data ≤ 1.2 × time at less"): run with it.
REFERENCE = {"M": "S", "L": "M"}

# Targets. Equal query counts at every size, time at M ≤ 1.2 × S and a deep page ≤ 1.2 × page 1:
# set with the matter pages', the API's and the scanner's benchmark (commit 018744c, before the
# issues were numbered in the history); search's M ≤ 1.2 × S is issue 8 item 5's.
TARGET_M_OVER_S = 1.2
TARGET_DEEP_OVER_FIRST = 1.2
# Issue 7 item 4: the desk and the work-item API ≤ 4 × the minimal view; the matter list pages ≤ 8 ×.
TARGET_OVER_MINIMAL = {"desk": 4.0, "api": 4.0, "matters": 8.0, "matters_deep": 8.0, "matters_staff": 8.0}
# (deep page, its page 1): held to "deep within 1.2 × page 1".
DEEP = [("matters_deep", "matters"), ("matters_api_deep", "matters_api")]
# Issue 8 item 5: search's median at M, in milliseconds: the page, the API and a rare word.
SEARCH_KEYS = ["search", "search_api", "search_rare"]
TARGET_SEARCH_MS_AT_M = 100.0
# The reminder scanner (commit 018744c): L ≤ 1.2 × M, its claim query through SCANNER_INDEX.
TARGET_SCAN_L_OVER_M = 1.2
# Issue 9 (meetings): the clash check's database time at L ≤ 5 ms and ≤ 1.2 × M; free slots at L ≤ 100 ms.
TARGET_CLASH_DB_MS_AT_L = 5.0
TARGET_CLASH_L_OVER_M = 1.2
TARGET_FREE_SLOTS_MS_AT_L = 100.0
SCAN_BATCH = 1000
SCANNER_INDEX = "wi_open_next_reminder"
DEEP_SHARE = 0.9


# --- the child: one size, one database ------------------------------------------------------------
def bench_database_url(size: str) -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://", "pgsql://")):
        parts = urlsplit(url)
        return urlunsplit(parts._replace(path="/" + PG_BENCH_DB.format(size=size.lower())))
    return ""


def ensure_postgres_database(url: str) -> None:
    import psycopg
    import psycopg.sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin_url = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(psycopg.sql.SQL("CREATE DATABASE {}").format(psycopg.sql.Identifier(name)))


def drf_cursor(position: int) -> str:
    """The ``?cursor=`` value of DRF's cursor pagination that starts after ``position`` (an id)."""
    return b64encode(urlencode({"p": str(position)}).encode("ascii")).decode("ascii")


def time_all(plan: list[tuple[str, Any, str]], runs: int) -> dict[str, dict[str, Any]]:
    """Median time and query count of each endpoint, timed in interleaved rounds.

    Each round requests every endpoint once, in turn, so that no endpoint (the tiny minimal view
    above all) is timed in a loop of its own with every cache hot: they share the conditions of
    the run, and the ratios compare like with like.
    """
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    results: dict[str, dict[str, Any]] = {}
    for key, client, path in plan:
        for _ in range(3):  # warm-up: templates, content types, connections
            response = client.get(path)
            if response.status_code != 200:
                raise SystemExit(f"{path} answered {response.status_code}")
        with CaptureQueriesContext(connection) as queries:
            client.get(path)
        # Counted now: the next request clears the connection's query log.
        results[key] = {"queries": len(queries.captured_queries), "path": path, "timings": []}
    for _ in range(runs):
        for key, client, path in plan:
            t0 = time.perf_counter()
            client.get(path)
            results[key]["timings"].append((time.perf_counter() - t0) * 1000)
    for result in results.values():
        result["median_ms"] = statistics.median(result.pop("timings"))
    return results


def measure_scanner(scan_runs: int) -> dict[str, Any]:
    """One scanner pass at the generation moment, rolled back each time; and its claim query's plan."""
    from django.db import connection, transaction

    from benchmarks.generate import generation_moment
    from workload.models import WorkItem
    from workload.reminders import due_work_items_query, scan_work_items

    now = generation_moment()
    if now is None:
        raise SystemExit("no generated data")
    due = WorkItem.objects.filter(due_work_items_query(now)).count()
    # The scanner's claim query (workload.reminders._claim_batch), as it runs.
    with transaction.atomic():
        claim = (
            WorkItem.objects.filter(due_work_items_query(now))
            .select_related("assignee", "assigned_by")
            .order_by("next_reminder_at", "id")
        )
        if connection.features.has_select_for_update_skip_locked:
            claim = claim.select_for_update(skip_locked=True, of=("self",))
        plan = claim[:SCAN_BATCH].explain()

    executed = 0

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal executed
        executed += 1
        return execute(sql, params, many, context)

    def one_pass() -> tuple[float, int]:
        with transaction.atomic():
            t0 = time.perf_counter()
            handled = scan_work_items(now=now, batch=SCAN_BATCH)
            elapsed = (time.perf_counter() - t0) * 1000
            transaction.set_rollback(True)  # the next run finds the same items due
        return elapsed, handled

    one_pass()  # warm-up
    with connection.execute_wrapper(count):  # thousands of queries: more than the debug query log keeps
        _ms, handled = one_pass()
    query_count = executed
    timings = [one_pass()[0] for _ in range(scan_runs)]
    return {
        "due": due,
        "handled": handled,
        "queries": query_count,
        "median_ms": statistics.median(timings),
        "plan": plan,
        "uses_index": SCANNER_INDEX in plan,
    }


def measure_meetings(runs: int) -> dict[str, Any]:
    """The clash check, the free-slot finder and booking creation on the generated meetings."""
    from django.db import connection, transaction
    from django.test import Client

    from accounts.models import User
    from benchmarks.generate import USERNAME_PREFIX, generation_moment
    from meetings.clashes import Invitee, find_clashes
    from meetings.models import Meeting, MeetingStatus, Room
    from meetings.services import meeting_create
    from meetings.slots import find_free_slots

    moment = generation_moment()
    if moment is None:
        raise SystemExit("no generated data")
    generated = User.objects.filter(username__startswith=USERNAME_PREFIX, is_leader=False).order_by("username")
    people = list(generated[10:20])
    organizer = people[0]
    invitees = [Invitee(user=p) for p in people]
    # A booking in a room that is taken then: the first scheduled meeting after the generation moment.
    taken = (
        Meeting.objects.filter(room__name__startswith="gen-", room_exclusive=True, status=MeetingStatus.SCHEDULED)
        .filter(start__gte=moment)
        .select_related("room")
        .order_by("start", "id")
        .first()
    )
    if taken is None or taken.room is None:
        raise SystemExit("no generated meeting ahead of the generation moment")
    room: Room = taken.room

    def check() -> list[Any]:
        return find_clashes(viewer=organizer, start=taken.start, end=taken.end, room=room, invitees=invitees)

    captured: list[tuple[str, Any]] = []

    def capture(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        captured.append((sql, params))
        return execute(sql, params, many, context)

    check()  # warm-up
    with connection.execute_wrapper(capture):
        clashes = check()
    server = []
    for _ in range(runs):
        t0 = time.perf_counter()
        check()
        server.append((time.perf_counter() - t0) * 1000)
    raw = []
    with connection.cursor() as cursor:
        for _ in range(runs):
            t0 = time.perf_counter()
            for sql, params in captured:
                cursor.execute(sql, params)
                cursor.fetchall()
            raw.append((time.perf_counter() - t0) * 1000)

    # The free-slot finder for the 10 over two weeks from the next Monday, through the API.
    local = moment.astimezone(timezone_of_settings())
    monday = (local + timedelta(days=7 - local.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)
    body = {
        "attendees": [p.pk for p in people],
        "duration_minutes": 60,
        "window_start": monday.isoformat(),
        "window_end": (monday + timedelta(days=14)).isoformat(),
    }
    client = Client()
    client.force_login(organizer)

    def free_slots() -> Any:
        response = client.post("/api/v1/meetings/free-slots/", body, content_type="application/json")
        if response.status_code != 200:
            raise SystemExit(f"free-slots answered {response.status_code}: {response.content[:300]!r}")
        return response

    for _ in range(3):
        free_slots()
    executed = 0

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal executed
        executed += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        slots = free_slots().json()["slots"]
    slot_queries = executed
    slot_timings = []
    for _ in range(runs):
        t0 = time.perf_counter()
        free_slots()
        slot_timings.append((time.perf_counter() - t0) * 1000)

    # Booking creation in the first free slot's first room (the people free then), rolled back.
    found = find_free_slots(
        viewer=organizer,
        attendee_ids=body["attendees"],
        duration_minutes=60,
        window_start=monday,
        window_end=monday + timedelta(days=14),
    )
    if not found:
        raise SystemExit("no free slot for the booking benchmark")
    slot = found[0]

    def book() -> float:
        with transaction.atomic():
            t0 = time.perf_counter()
            meeting_create(
                actor=organizer,
                title="基准测试会议",
                start=slot.start,
                end=slot.end,
                room=slot.rooms[0],
                attendees=invitees,
            )
            elapsed = (time.perf_counter() - t0) * 1000
            transaction.set_rollback(True)
        return elapsed

    book()
    executed = 0
    with connection.execute_wrapper(count):
        book()
    book_queries = executed
    book_timings = [book() for _ in range(runs)]
    return {
        "meetings": Meeting.objects.count(),
        "rooms": Room.objects.count(),
        "clashes": len(clashes),
        "check_ms": statistics.median(server),
        "check_db_ms": statistics.median(raw),
        "check_queries": len(captured),
        "slots": len(slots),
        "slots_ms": statistics.median(slot_timings),
        "slots_queries": slot_queries,
        "book_ms": statistics.median(book_timings),
        "book_queries": book_queries,
    }


def timezone_of_settings() -> Any:
    from django.utils import timezone

    return timezone.get_default_timezone()


def replace_meetings(size: str) -> None:
    """Generate the meetings of ``size`` again (and only them), for the generated people."""
    import random

    from django.db import transaction

    from accounts.models import User
    from benchmarks.generate import BATCH, SIZES, USERNAME_PREFIX, generation_moment
    from benchmarks.meetings_data import ROOM_PREFIX, generate_meetings
    from meetings.models import Attendee, Meeting, Room

    generated = User.objects.filter(username__startswith=USERNAME_PREFIX)
    with transaction.atomic():
        meetings = Meeting.objects.filter(organizer__in=generated)
        Attendee.objects.filter(meeting__in=meetings).delete()
        meetings.delete()
        Room.objects.filter(name__startswith=ROOM_PREFIX).delete()

    def insert(model: Any, rows: Any, total: int, label: str) -> None:
        batch: list[Any] = []
        for row in rows:
            batch.append(row)
            if len(batch) == BATCH:
                model.objects.bulk_create(batch)
                batch = []
        model.objects.bulk_create(batch)
        print(f"  {label}: {total}", file=sys.stderr, flush=True)

    wanted = SIZES[size]
    moment = generation_moment()
    if moment is None:
        raise SystemExit("no generated data")
    generate_meetings(
        insert,
        count=wanted.meetings,
        rooms=wanted.rooms,
        people=list(generated.order_by("username")),
        rng=random.Random(20251),
        now=moment,
    )


def measure(size: str, runs: int, scan_runs: int) -> dict[str, Any]:
    url = bench_database_url(size)
    if url:
        ensure_postgres_database(url)
    else:
        BENCH_DIR.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{BENCH_DIR / f'xietong-bench-{size}.sqlite3'}"
    os.environ["DATABASE_URL"] = url
    os.environ.pop("REDIS_URL", None)  # the pages do not need the broker; keep the cache in-process
    os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.settings"
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()

    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count, Exists, OuterRef, Q
    from django.test import Client

    from accounts.models import Department, User
    from affairs.models import Matter, MatterAssistant, MatterEvent, MatterEventKind, MatterStatus
    from affairs.selectors import matter_list
    from benchmarks.dashboards_bench import (
        check_pre_aggregated,
        dashboard_plan,
        measure_aggregates,
        pre_aggregated_plan,
    )
    from benchmarks.generate import SIZES, USERNAME_PREFIX, Command, generation_moment
    from documents.models import Approval, ApprovalStatus, Document, DocumentStatus
    from meetings.models import Meeting
    from workload.dashboard_snapshots import refresh as snapshot_refresh
    from workload.models import SearchEntry, WorkItem
    from workload.reminders import due_work_items_query

    call_command("migrate", verbosity=0)
    # A migration may have rebuilt a table (SQLite does for some changes) and dropped its planner
    # statistics: gather them again, as generate_data does, so that the plans are those of the data.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    wanted = SIZES[size]
    generated = User.objects.filter(username__startswith=USERNAME_PREFIX)
    started = time.monotonic()
    moment = generation_moment()
    current = (
        generated.count() == wanted.users
        and WorkItem.objects.count() == wanted.items
        and Matter.objects.count() == wanted.matters
        and Document.objects.count() == wanted.documents
        and SearchEntry.objects.count() == wanted.documents + wanted.matters
        and moment is not None
        and WorkItem.objects.filter(due_work_items_query(moment)).count() == wanted.due
        # Data of an earlier generator, whose work items pointed at departments (no target type).
        and not WorkItem.objects.filter(target_type=ContentType.objects.get_for_model(Department)).exists()
    )
    if not current:
        call_command(Command(), size=size, reset=True, verbosity=1, stdout=sys.stderr)
        moment = generation_moment()  # the new data's (it was None before the first generation)
    elif Meeting.objects.filter(organizer__in=generated).count() != wanted.meetings:
        # Data generated before meetings were: add them alone rather than everything again.
        replace_meetings(size)
    generation_s = time.monotonic() - started
    if moment is None:
        raise SystemExit("no generated data")

    # A typical person: staff (not a leader, not a head) with the median number of open items.
    staff = list(
        generated.filter(is_leader=False, headed_departments=None)
        .annotate(open_items=Count("work_items", filter=Q(work_items__status="open")))
        .order_by("open_items", "username")
        .values_list("username", "open_items")
    )
    username, open_items = staff[len(staff) // 2]
    user = User.objects.get(username=username)
    # A leader sees every matter: the longest list, where a deep page is deep.
    leader = generated.filter(is_leader=True).order_by("username").first()
    if leader is None:
        raise SystemExit("the generated data has no leader")
    visible = matter_list(user=leader).values_list("pk", flat=True)
    visible_count = visible.count()
    deep_after = visible[int(visible_count * DEEP_SHARE)]  # one OFFSET query, outside the timings
    # A matter page with every part filled: assistants, progress reports, a transfer.
    matter = (
        Matter.objects.filter(status=MatterStatus.IN_PROGRESS, transfer_count__gte=1)
        .filter(Exists(MatterAssistant.objects.filter(matter=OuterRef("pk"))))
        .filter(Exists(MatterEvent.objects.filter(matter=OuterRef("pk"), kind=MatterEventKind.PROGRESS)))
        .select_related("lead")
        .order_by("-id")
        .first()
    )
    if matter is None:
        raise SystemExit("no matter in progress with assistants, progress and a transfer")

    # A department head (sees the department's documents) and a document with every part filled:
    # versions, a comment round with opinions, a whole approval chain, distributions.
    document = (
        Document.objects.filter(status=DocumentStatus.ISSUED, version__gte=2, rounds__isnull=False)
        .select_related("drafter", "department__head")
        .order_by("-id")
        .first()
    )
    if document is None or document.department.head is None:
        raise SystemExit("no issued document with versions and a comment round")
    head = document.department.head
    # The approver with the most pending tasks (the office's head, in the generated bureau).
    approver_id = (
        Approval.objects.filter(status=ApprovalStatus.PENDING)
        .values("approver")
        .annotate(n=Count("pk"))
        .order_by("-n", "approver")
        .values_list("approver", flat=True)
        .first()
    )
    if approver_id is None:
        raise SystemExit("no pending approval")
    approver = User.objects.get(pk=approver_id)

    def client_of(person: Any) -> Client:
        client = Client()
        client.force_login(person)
        return client

    as_user, as_leader, as_lead = client_of(user), client_of(leader), client_of(matter.lead)
    plan = [
        ("minimal", as_user, "/bench/minimal/"),
        ("desk", as_user, "/"),
        ("api", as_user, "/api/v1/work-items/"),
        ("matters", as_leader, "/affairs/matters/"),
        ("matters_deep", as_leader, f"/affairs/matters/?after={deep_after}"),
        ("matters_staff", as_user, "/affairs/matters/"),
        ("matter", as_lead, f"/affairs/matters/{matter.pk}/"),
        ("matters_api", as_leader, "/api/v1/matters/"),
        ("matters_api_deep", as_leader, f"/api/v1/matters/?{urlencode({'cursor': drf_cursor(deep_after)})}"),
        ("documents", as_user, "/documents/"),
        ("documents_head", client_of(head), "/documents/"),
        ("documents_api", client_of(head), "/api/v1/documents/"),
        ("document", client_of(document.drafter), f"/documents/{document.pk}/"),
        ("approvals", client_of(approver), "/documents/approvals/"),
        ("approvals_api", client_of(approver), "/api/v1/approvals/?status=pending"),
        ("search", client_of(head), "/search/?" + urlencode({"q": "值班"})),
        ("search_api", client_of(head), "/api/v1/search/?" + urlencode({"q": "值班"})),
        ("search_rare", client_of(head), "/search/?" + urlencode({"q": "防汛 延后"})),
    ]
    dashboard_pages, dashboard_department = dashboard_plan(moment, leader, client_of)
    plan.extend(dashboard_pages)
    results = time_all(plan, runs)
    # The pre-aggregated dashboards: refresh the snapshots (timed), then the default period's pages.
    t0 = time.perf_counter()
    snapshot_refresh()
    refresh_ms = (time.perf_counter() - t0) * 1000
    pre_pages = pre_aggregated_plan(dashboard_pages, dashboard_department)
    check_pre_aggregated(pre_pages)
    results.update(time_all(pre_pages, runs))
    deep_path = next(path for key, _client, path in plan if key == "matters_api_deep")
    deep_rows = as_leader.get(deep_path).json()["results"]
    if not deep_rows or deep_rows[0]["id"] >= deep_after:
        raise SystemExit("the deep API cursor did not start after the chosen id")
    return {
        "size": size,
        "vendor": connection.vendor,
        "user": username,
        "open_items": open_items,
        "leader": leader.username,
        "visible_matters": visible_count,
        "deep_after": deep_after,
        "matter": matter.pk,
        "items": WorkItem.objects.count(),
        "matters": Matter.objects.count(),
        "documents": Document.objects.count(),
        "generation_s": generation_s,
        "endpoints": results,
        "scanner": measure_scanner(scan_runs),
        "meetings": measure_meetings(runs),
        "aggregates": {**measure_aggregates(moment, dashboard_department, runs), "refresh_ms": refresh_ms},
    }


# --- the parent: run every size, print the table ------------------------------------------------
def run_size(size: str, runs: int, scan_runs: int) -> dict[str, Any]:
    print(f"… size {size}: generating data (first time) and measuring", file=sys.stderr, flush=True)
    result = subprocess.run(
        [
            sys.executable,
            str(Path(__file__).resolve()),
            "--child",
            size,
            "--runs",
            str(runs),
            "--scan-runs",
            str(scan_runs),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"benchmark of size {size} failed (exit {result.returncode})")
    return json.loads(result.stdout.strip().splitlines()[-1])


def collect(results: list[dict[str, Any]]) -> list[Result]:
    """The rows of the table: each figure measured, with its target where it has one."""
    rows: list[Result] = []
    by_size = {r["size"]: r for r in results}
    deep_of = dict(DEEP)
    for key in PAGES:
        label = LABELS[key]
        for r in results:
            size, endpoints = r["size"], r["endpoints"]
            ms = endpoints[key]["median_ms"]
            if key in SEARCH_KEYS and size == "M":
                rows.append(at_most(size, f"{label}: median", ms, "ms", TARGET_SEARCH_MS_AT_M))
            elif key in FLAT_PAGES:  # the dashboards' medians are dashboard_results' rows
                rows.append(figure(size, f"{label}: median", ms, "ms"))
            over_minimal = ms / endpoints["minimal"]["median_ms"]
            if key in TARGET_OVER_MINIMAL:
                rows.append(
                    at_most(size, f"{label}: time over the minimal view's", over_minimal, "×", TARGET_OVER_MINIMAL[key])
                )
            if key in deep_of:
                ratio = ms / endpoints[deep_of[key]]["median_ms"]
                rows.append(at_most(size, f"{label}: time over page 1's", ratio, "×", TARGET_DEEP_OVER_FIRST))
            if key in FLAT_PAGES and size == "M" and "S" in by_size:
                ratio = ms / by_size["S"]["endpoints"][key]["median_ms"]
                rows.append(at_most(size, f"{label}: time at M over S", ratio, "×", TARGET_M_OVER_S))
        rows.extend(same(f"{label}: queries", {r["size"]: r["endpoints"][key]["queries"] for r in results}, "queries"))
        if key in FLAT_PAGES and ("M" not in by_size or "S" not in by_size):
            why = "M not run" if "M" not in by_size else "S not run"
            rows.append(not_measured("M", f"{label}: time at M over S", "×", f"≤ {TARGET_M_OVER_S:g}", why))
        if key in SEARCH_KEYS and "M" not in by_size:
            rows.append(not_measured("M", f"{label}: median", "ms", f"≤ {TARGET_SEARCH_MS_AT_M:g}", "M not run"))
    for r in results:
        rows.append(
            figure(r["size"], "minimal login-required view: median", r["endpoints"]["minimal"]["median_ms"], "ms")
        )

    for r in results:
        sc = r["scanner"]
        rows.append(figure(r["size"], f"scanner pass ({sc['handled']} due items): median", sc["median_ms"], "ms"))
        rows.append(
            holds(
                r["size"],
                f"scanner claim query uses {SCANNER_INDEX}",
                1 if sc["uses_index"] else 0,
                "yes/no",
                "yes",
                sc["uses_index"],
            )
        )
    rows.extend(same("scanner pass: queries", {r["size"]: r["scanner"]["queries"] for r in results}, "queries"))
    rows.append(
        size_ratio(by_size, "scanner pass: time at L over M", lambda r: r["scanner"]["median_ms"], TARGET_SCAN_L_OVER_M)
    )

    for r in results:
        mt, size = r["meetings"], r["size"]
        rows.append(figure(size, "clash check (room + 10 attendees): server median", mt["check_ms"], "ms"))
        rows.append(
            figure(size, "clash check: its raw SQL's time", mt["check_db_ms"], "ms")
            if size != "L"
            else at_most(size, "clash check: its raw SQL's time", mt["check_db_ms"], "ms", TARGET_CLASH_DB_MS_AT_L)
        )
        rows.append(
            figure(size, "clash check: server time over its raw SQL's", mt["check_ms"] / mt["check_db_ms"], "×")
        )
        rows.append(
            figure(size, "free slots (10 attendees, two weeks): median", mt["slots_ms"], "ms")
            if size != "L"
            else at_most(
                size, "free slots (10 attendees, two weeks): median", mt["slots_ms"], "ms", TARGET_FREE_SLOTS_MS_AT_L
            )
        )
        rows.append(figure(size, "booking (room + 10 attendees): median", mt["book_ms"], "ms"))
    if "L" not in by_size:
        rows.append(
            not_measured("L", "clash check: its raw SQL's time", "ms", f"≤ {TARGET_CLASH_DB_MS_AT_L:g}", "L not run")
        )
        rows.append(
            not_measured(
                "L",
                "free slots (10 attendees, two weeks): median",
                "ms",
                f"≤ {TARGET_FREE_SLOTS_MS_AT_L:g}",
                "L not run",
            )
        )
    rows.append(
        size_ratio(
            by_size,
            "clash check raw SQL: time at L over M",
            lambda r: r["meetings"]["check_db_ms"],
            TARGET_CLASH_L_OVER_M,
        )
    )
    for key, label in (("check_queries", "clash check"), ("slots_queries", "free slots"), ("book_queries", "booking")):
        rows.extend(same(f"{label}: queries", {r["size"]: r["meetings"][key] for r in results}, "queries"))

    rows.extend(dashboard_results(results, LABELS))
    return rows


def size_ratio(by_size: dict[str, dict[str, Any]], name: str, value: Any, limit: float) -> Result:
    """Time at L over time at M (ten times the data), or a row saying which size was not run."""
    if "L" in by_size and "M" in by_size:
        return at_most("L", name, value(by_size["L"]) / value(by_size["M"]), "×", limit)
    return not_measured("L", name, "×", f"≤ {limit:g}", "L not run" if "L" not in by_size else "M not run")


def context(results: list[dict[str, Any]], runs: int, scan_runs: int) -> list[str]:
    lines = [
        f"{results[0]['vendor']}; median of {runs} requests (scanner: {scan_runs} passes), server time in-process; "
        f"sizes {', '.join(r['size'] for r in results)}"
    ]
    for r in results:
        lines.append(
            f"size {r['size']}: {r['items']:,} work items, {r['matters']:,} matters, {r.get('documents', 0):,} "
            f"documents, {r['meetings']['meetings']:,} meetings; typical person {r['user']} ({r['open_items']} open "
            f"items); leader {r['leader']} sees {r['visible_matters']:,} matters (deep page after #{r['deep_after']}); "
            f"dashboards: department {r['aggregates']['department']}, period {r['aggregates']['period']}"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", default=os.environ.get("BENCH_SIZES", "M"), help="e.g. M or M,L (S: a quick run)")
    parser.add_argument("--runs", type=int, default=int(os.environ.get("BENCH_RUNS", "30")))
    parser.add_argument("--scan-runs", type=int, default=int(os.environ.get("BENCH_SCAN_RUNS", "5")))
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child, args.runs, args.scan_runs)))
        return
    sizes = [s.strip().upper() for s in args.sizes.split(",") if s.strip()]
    unknown = [s for s in sizes if s not in ("S", "M", "L")]
    if unknown or not sizes:
        parser.error(f"sizes are S, M and L (got {args.sizes!r})")
    sizes = sorted(set(sizes), key="SML".index)
    results = [run_size(size, args.runs, args.scan_runs) for size in with_references(sizes)]
    text = markdown(
        f"Xietong benchmarks, {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}",
        context(results, args.runs, args.scan_runs),
        collect(results),
        latest_load(BENCH_DIR),
    )
    largest = results[-1]
    text += (
        f"\nQuery plan of the scanner's claim query at size {largest['size']} ({largest['vendor']}):\n\n```\n"
        f"{largest['scanner']['plan']}\n```\n"
    )
    path = write_table(BENCH_DIR, text)
    print(text)
    print(f"Written to {path.relative_to(ROOT)}", file=sys.stderr)


def with_references(sizes: list[str]) -> list[str]:
    """The sizes to run: those asked for and the size below each (the 1 × of "time at more data")."""
    wanted = set(sizes) | {REFERENCE[size] for size in sizes if size in REFERENCE}
    return sorted(wanted, key="SML".index)


if __name__ == "__main__":
    main()
