"""Many people booking one room slot at the same moment: exactly one booking, every other a clear
clash (issue 9: "20 threads ... exactly one success and 19 clear 409s, repeated"; SQLite with 4).

PostgreSQL: threads, each on its own connection, released together (``support.run_together``); the
check runs in each before any commits, so it is the exclusion constraint that refuses 19 of them.
SQLite: a fresh database file in a subprocess (threads of one process, each its own connection):
the IMMEDIATE transactions serialize check-and-insert; none may fail with "database is locked".
"""

import subprocess
import sys
from datetime import datetime, time, timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from core.errors import Conflict
from meetings.clashes import Invitee
from meetings.models import AttendeeRole, Meeting, MeetingStatus, Room
from meetings.services import meeting_create
from tests.factories import LeaderFactory, UserFactory
from tests.reliability.support import run_together

ROOT = Path(__file__).resolve().parent.parent.parent
THREADS = 20


def _slot(days: int, hour: int) -> tuple[datetime, datetime]:
    day = timezone.localdate() + timedelta(days=days)
    start = datetime.combine(day, time(hour), tzinfo=timezone.get_current_timezone())
    return start, start + timedelta(hours=1)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", range(3))
def test_twenty_bookings_of_one_slot_at_once_give_one_meeting(department, broker, attempt):
    room = Room.objects.create(name=f"第一会议室{attempt}", capacity=10, setup_buffer_minutes=10)
    people = [UserFactory(department=department) for _ in range(THREADS)]
    start, end = _slot(1 + attempt, 9)

    def booking(person):
        def book():
            try:
                # Staggered by minutes (all overlapping): the database must see the overlap, not equality.
                offset = timedelta(minutes=people.index(person) % 30)
                meeting_create(actor=person, title="抢会议室", room=room, start=start + offset, end=end + offset)
            except Conflict as refused:
                return (refused.status_code, refused.code, len(refused.extra.get("conflicts", [])))
            return "booked"

        return book

    outcomes = run_together(*(booking(p) for p in people))
    assert outcomes.count("booked") == 1, outcomes
    refusals = [o for o in outcomes if o != "booked"]
    assert len(refusals) == THREADS - 1
    assert all(status == 409 and code == "clash" for status, code, _n in refusals)
    # The clash names the winner (committed before the database refused the others).
    assert all(n == 1 for _s, _c, n in refusals), refusals
    assert Meeting.objects.filter(room=room, status=MeetingStatus.SCHEDULED).count() == 1


LEADER_THREADS = 8


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", range(3))
def test_bookings_of_one_leader_in_different_rooms_at_once_give_one_meeting(department, broker, attempt):
    """No override reason: the leader's row is locked before the check, so exactly one booking
    wins and every other is refused as a leader clash (no constraint guards people)."""
    leader = LeaderFactory(department=department)
    rooms = [Room.objects.create(name=f"会议室{attempt}-{n}", capacity=10) for n in range(LEADER_THREADS)]
    people = [UserFactory(department=department) for _ in range(LEADER_THREADS)]
    start, end = _slot(5 + attempt, 14)

    def booking(person, room):
        def book():
            try:
                meeting_create(
                    actor=person,
                    title="请局领导出席",
                    room=room,
                    start=start,
                    end=end,
                    attendees=[Invitee(leader, AttendeeRole.REQUIRED)],
                )
            except Conflict as refused:
                kinds = {c["kind"] for c in refused.extra.get("conflicts", [])}
                return (refused.status_code, refused.code, kinds)
            return "booked"

        return book

    outcomes = run_together(*(booking(p, r) for p, r in zip(people, rooms, strict=True)))
    assert outcomes.count("booked") == 1, outcomes
    refusals = [o for o in outcomes if o != "booked"]
    assert all(status == 409 and code == "clash" and kinds == {"leader"} for status, code, kinds in refusals), refusals
    held = Meeting.objects.filter(attendees__user=leader, status=MeetingStatus.SCHEDULED)
    assert held.count() == 1


SQLITE_SCRIPT = """
import sys, threading, django
django.setup()
from datetime import datetime, time, timedelta
from django.db import connection
from django.utils import timezone
from accounts.models import User
from core.errors import Conflict
from meetings.models import Meeting, Room
from meetings.services import meeting_create

room = Room.objects.create(name="第一会议室", capacity=10)
people = [User.objects.create_user(username=f"p{{n}}", password="x") for n in range({threads})]
day = timezone.localdate() + timedelta(days=1)
start = datetime.combine(day, time(9), tzinfo=timezone.get_current_timezone())
barrier = threading.Barrier({threads})
outcomes, errors = [], []

def book(person):
    try:
        barrier.wait()
        meeting_create(actor=person, title="抢会议室", room=room, start=start, end=start + timedelta(hours=1))
        outcomes.append("booked")
    except Conflict as refused:
        outcomes.append(refused.code)
    except Exception as error:
        errors.append(repr(error))
    finally:
        connection.close()

threads = [threading.Thread(target=book, args=(p,)) for p in people]
for t in threads: t.start()
for t in threads: t.join(60)
print("outcomes", sorted(outcomes), "errors", errors, "meetings", Meeting.objects.count())
"""


@pytest.mark.slow
@pytest.mark.parametrize("threads", [4])
def test_four_bookings_at_once_on_sqlite_give_one_meeting(migrated_sqlite, threads):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite behaviour; the PostgreSQL pass has the exclusion constraint")
    for round_ in range(2):
        _path, env = migrated_sqlite(f"meetings-{round_}")
        run = subprocess.run(
            [sys.executable, "-c", SQLITE_SCRIPT.format(threads=threads)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert run.returncode == 0, run.stderr
        assert "database is locked" not in run.stdout + run.stderr
        assert f"outcomes {sorted(['booked', *['clash'] * (threads - 1)])} errors [] meetings" in run.stdout, run.stdout
