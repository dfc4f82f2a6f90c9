"""A meeting from booking to a followed decision in the browser (issue 9, item 11): a department head
books a meeting with a leader who is already in another meeting then; the live clash check names
that meeting and saving without a reason is refused; the free-slot finder offers the first time the
leader is free and books it in one click (the form opens filled in); on the meeting page the head
publishes the minutes and records a decision with one of the department's staff as lead owner (the
pages do not wait for the meeting to have taken place, so neither does the test); the owner finds
the matter on the desk, and it leads back to the decision on the meeting page.

The day is the next working day of ``core.calendar`` after today (weekends, holidays and 调休 make-up
days as the pages count them), so every time asked and offered below is fixed whatever today is."""

import re
from datetime import date, datetime, time

import pytest
from django.utils import timezone

from affairs.models import Matter, MatterSource
from core import calendar
from meetings.clashes import Invitee
from meetings.models import AttendeeRole, Decision, Meeting, MeetingStatus, Minutes, Room
from meetings.services import meeting_create
from tests.e2e.support import sign_in
from tests.factories import DepartmentFactory, LeaderFactory, OfficeFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "xietong-demo"  # what tests.e2e.support.sign_in types
TITLE = "研究年终考核工作安排"
OTHER = "全市安全生产调度会"
MINUTES = "会议听取了综合处关于年终考核工作的汇报，研究了考核方案。"
DECISION = "由综合处牵头制定年终考核实施细则\n征求各处室意见后报局党组审定。"


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=timezone.get_current_timezone())


def open_from_meetings_menu(page, item_id):
    page.click("#nav-meetings")
    page.click(f"#{item_id}")


def pick_person(page, field, query, name):
    page.fill(f"#id_{field}-search", query)
    page.locator(f"#id_{field}-results [role=option]", has_text=name).first.click()


def test_book_clash_free_slot_minutes_decision_desk(live_server, browser):
    # --- Arrange: a leader busy 09:30–11:00 on the coming working day, a room, a head and a staff member
    day = calendar.next_workday(timezone.localdate())
    office = OfficeFactory()
    clerk = UserFactory(username="zhoub", name="周斌", department=office, title="秘书")
    leader = LeaderFactory(username="wangjp", name="王建平", department=office, password=PASSWORD)
    general = DepartmentFactory(name="综合处", code="general")
    head = UserFactory(username="lichu", name="李春华", department=general, title="处长", password=PASSWORD)
    general.head = head
    general.save()
    # A head assigns matters inside the department they head (affairs.services.may_assign).
    owner = UserFactory(username="zhaom", name="赵敏", department=general, title="科员", password=PASSWORD)
    room = Room.objects.create(name="第一会议室", capacity=10, location="301")
    busy = meeting_create(
        actor=clerk,
        title=OTHER,
        start=at(day, 9, 30),
        end=at(day, 11),
        location="市政府二楼会议室",
        attendees=[Invitee(leader, AttendeeRole.REQUIRED)],
    )
    base = live_server.url
    contexts = []

    # --- The head books 10:00–11:00 with the leader: the live check names the other meeting --------
    organizer_context, organizer = sign_in(browser, base, "lichu")
    contexts.append(organizer_context)
    # The strict CSP: the clash check, the people picker and the menus run without inline scripts.
    refused_by_csp = []
    organizer.on("console", lambda m: "Content Security Policy" in m.text and refused_by_csp.append(m.text))
    open_from_meetings_menu(organizer, "nav-meeting-new")
    organizer.wait_for_url(f"{base}/meetings/new/")
    organizer.fill("#id_title", TITLE)
    organizer.fill("#id_start", f"{day.isoformat()}T10:00")
    organizer.fill("#id_end", f"{day.isoformat()}T11:00")
    organizer.select_option("#id_room", str(room.pk))
    pick_person(organizer, "required", "wjp", "王建平")
    clash = organizer.locator("#clashes .clash-leader")
    clash.wait_for()  # the leader is picked last: any check that finds them has the whole form
    warning = clash.inner_text()
    assert OTHER in warning and "周斌" in warning and "09:30" in warning, warning
    assert organizer.locator("#clashes .clash-room").count() == 0

    # ... and saving without a reason is refused, the clash shown beside the refusal.
    with organizer.expect_response(lambda r: r.request.method == "POST" and r.url == f"{base}/meetings/new/") as sent:
        organizer.click("#meeting-form button[type=submit]")
    assert sent.value.status == 409
    organizer.wait_for_selector("#refusal")
    assert organizer.url == f"{base}/meetings/new/"
    assert OTHER in organizer.locator("#clashes .clash-leader").inner_text()
    assert list(Meeting.objects.values_list("title", flat=True)) == [OTHER]

    # --- The free-slot finder: the leader, one hour, that day → 11:00–12:00 first, booked in a click ---
    open_from_meetings_menu(organizer, "nav-free-slots")
    organizer.wait_for_url(f"{base}/meetings/free-slots/")
    pick_person(organizer, "attendees", "wjp", "王建平")
    organizer.fill("#id_first_day", day.isoformat())
    organizer.fill("#id_last_day", day.isoformat())
    organizer.fill("#id_duration_minutes", "60")
    organizer.click("#free-slot-form button[type=submit]")
    first = organizer.locator("#free-slots .free-slot").first
    first.wait_for()
    offered = first.inner_text()
    assert day.isoformat() in offered and "11:00–12:00" in offered, offered
    first.locator(f".book-slot[data-room='{room.pk}']").click()
    organizer.wait_for_url(re.compile(r"/meetings/new/\?"))
    assert organizer.input_value("#id_start") == f"{day.isoformat()}T11:00"
    assert organizer.input_value("#id_end") == f"{day.isoformat()}T12:00"
    assert organizer.input_value("#id_room") == str(room.pk)
    assert organizer.locator("#id_required option:checked").all_inner_texts() == [str(leader)]
    organizer.locator("#clashes .alert-success").wait_for()
    organizer.fill("#id_title", TITLE)
    organizer.click("#meeting-form button[type=submit]")
    organizer.wait_for_url(re.compile(r"/meetings/\d+/$"))
    meeting = Meeting.objects.get(title=TITLE)
    meeting_url = f"{base}/meetings/{meeting.pk}/"
    assert organizer.url == meeting_url
    assert (meeting.start, meeting.end, meeting.room, meeting.organizer) == (at(day, 11), at(day, 12), room, head)
    assert (meeting.status, meeting.override_reason) == (MeetingStatus.SCHEDULED, "")
    assert TITLE in organizer.locator("#meeting-title").inner_text()
    assert "王建平" in organizer.locator("#required-attendees").inner_text()
    assert f"{day:%Y-%m-%d}" in organizer.locator("main dl").first.inner_text()

    # --- On the meeting page: minutes published, then a decision followed as a matter ----------------
    organizer.fill("#minutes-form textarea[name=minutes-text]", MINUTES)
    organizer.click("#minutes-form button[name=publish]")
    organizer.wait_for_url(f"{meeting_url}#minutes")
    assert MINUTES in organizer.locator("#minutes-published").inner_text()
    minutes = Minutes.objects.get(meeting=meeting)
    assert minutes.published_text == MINUTES and minutes.published_at is not None

    due = calendar.add_working_days(day, 10)
    organizer.fill("#decision-form textarea[name=decision-text]", DECISION)
    pick_person(organizer, "decision-lead", "zm", "赵敏")
    organizer.fill("#id_decision-due_on", due.isoformat())
    organizer.click("#decision-form button[type=submit]")
    organizer.wait_for_url(f"{meeting_url}#decisions")
    decision = Decision.objects.get(meeting=meeting)
    matter = decision.matter
    assert (matter.title, matter.lead, matter.assigner, matter.due_on) == (DECISION.splitlines()[0], owner, head, due)
    assert matter.source == MatterSource.MEETING_DECISION and matter.source_object == decision
    row = organizer.locator(f"#decision-{decision.pk}")
    assert "赵敏" in row.inner_text() and due.isoformat() in row.inner_text()
    assert row.locator(f"a[href='/affairs/matters/{matter.pk}/']").count() == 1

    assert refused_by_csp == []

    # --- The owner finds the matter on the desk; it leads back to the meeting ---------------------
    owner_context, desk = sign_in(browser, base, "zhaom")
    contexts.append(owner_context)
    desk.locator("#desk-items a", has_text=DECISION.splitlines()[0]).first.click()
    desk.wait_for_url(f"{base}/affairs/matters/{matter.pk}/")
    assert "赵敏" in desk.locator("#matter-lead").inner_text()
    desk.locator(f"main a[href='/meetings/decisions/{decision.pk}/']").click()
    desk.wait_for_url(f"{meeting_url}#decision-{decision.pk}")
    assert TITLE in desk.locator("#meeting-title").inner_text()
    assert DECISION.splitlines()[0] in desk.locator(f"#decision-{decision.pk}").inner_text()
    assert Matter.objects.filter(lead=owner).count() == 1
    busy.refresh_from_db()
    assert busy.status == MeetingStatus.SCHEDULED  # the leader's other meeting was never touched

    for context in reversed(contexts):
        context.close()
