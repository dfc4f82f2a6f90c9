"""Demo meetings for ``manage.py seed_demo``: rooms, a weekly office meeting (a recurring series
of ``WEEKLY_COUNT`` occurrences; replies and a published agenda on the next one), a coordination
meeting (with positions, a resolution, minutes and a decision followed as a matter) and a private
talk. Idempotent (a room or meeting whose name or title exists is left alone, and so is a meeting's
follow-up once it has some); everything goes through the services, so work items, notifications
and the audit log are real."""

from datetime import datetime, time

from django.utils import timezone

from accounts.models import Department, User
from core import calendar

from . import services_followup as followup
from .clashes import Invitee
from .models import AgendaItem, AttendeeRole, Decision, Meeting, MeetingKind, MeetingStatus, Room, SeriesFrequency
from .recurrence import meeting_create_series
from .services import meeting_create, room_create

WEEKLY_TITLE = "局长办公会（每周例会）"
WEEKLY_COUNT = 8  # two months of weekly meetings

# name, location, capacity, equipment, allow overlap, set-up buffer (minutes)
ROOMS = [
    ("第一会议室", "机关大楼三楼 301", 20, "投影仪、视频会议", False, 15),
    ("第二会议室", "机关大楼三楼 305", 10, "电视屏", False, 0),
    ("大会议室", "机关大楼一楼", 120, "扩音、投影、同声传译", False, 30),
    ("线上会议室", "视频会议系统", 300, "", True, 0),
]


def _at(day_offset: int, hour: int, minute: int = 0) -> datetime:
    day = calendar.add_working_days(timezone.localdate(), day_offset)
    return datetime.combine(day, time(hour, minute), tzinfo=timezone.get_current_timezone())


def seed(people: dict[str, User], departments: dict[str, Department]) -> int:
    admin = User.objects.filter(is_superuser=True).order_by("pk").first()
    if admin is None:
        return 0
    created = 0
    rooms: dict[str, Room] = {r.name: r for r in Room.objects.all()}
    for order, (name, location, capacity, equipment, overlap, buffer) in enumerate(ROOMS):
        if name not in rooms:
            rooms[name] = room_create(
                actor=admin,
                name=name,
                location=location,
                capacity=capacity,
                equipment=equipment,
                allow_overlap=overlap,
                setup_buffer_minutes=buffer,
                order=order,
            )
            created += 1

    def required(*usernames: str) -> list[Invitee]:
        return [Invitee(people[u], AttendeeRole.REQUIRED) for u in usernames if u in people]

    if not Meeting.objects.filter(title=WEEKLY_TITLE).exists() and "chenjg" in people:
        # The weekly office meeting is a real series: one stored meeting per week (holidays skipped).
        meeting_create_series(
            actor=people["chenjg"],
            title=WEEKLY_TITLE,
            kind=MeetingKind.OFFICE,
            room=rooms["第一会议室"],
            start=_at(1, 9),
            end=_at(1, 10, 30),
            freq=SeriesFrequency.WEEKLY,
            count=WEEKLY_COUNT,
            attendees=[
                *required("wangjp", "yangzg", "gaoxy", "limh", "sunzq", "zhangwt"),
                *([Invitee(people["liuf"], AttendeeRole.OPTIONAL)] if "liuf" in people else []),
            ],
            description="议题：一、本周重点工作；二、档案数字化进度；三、其他事项。",
            override_reason="演示数据",
        )
        created += WEEKLY_COUNT
    meetings = [
        {
            "title": "办公用房调整协调会",
            "kind": MeetingKind.COORDINATION,
            "organizer": "liuf",
            "room": "第二会议室",
            "start": _at(2, 14, 30),
            "end": _at(2, 16),
            "attendees": required("limh", "sunzq", "huangw", "zhangwt"),
            "description": "综合处、财务处、人事处就办公用房调整方案各自陈述意见，形成一致意见。",
        },
        {
            "title": "干部任用事项个别沟通",
            "kind": MeetingKind.REGULAR,
            "organizer": "huangw",
            "room": "第二会议室",
            "start": _at(3, 10),
            "end": _at(3, 11),
            "attendees": required("wangjp"),
            "private": True,
            "description": "私密会议：仅组织者和受邀者可见标题。",
        },
    ]
    for spec in meetings:
        if Meeting.objects.filter(title=spec["title"]).exists() or spec["organizer"] not in people:
            continue
        organizer = people[spec.pop("organizer")]  # type: ignore[arg-type]
        spec["room"] = rooms[spec["room"]]  # type: ignore[index]
        meeting_create(actor=organizer, override_reason="演示数据", **spec)  # type: ignore[arg-type]
        created += 1
    return created + _seed_followup(people, departments)


def _seed_followup(people: dict[str, User], departments: dict[str, Department]) -> int:
    """Replies and an accepted, published agenda for the weekly meeting; positions, a resolution,
    published minutes and a decision (a matter on 李明华's desk) for the coordination meeting."""
    created = 0
    weekly = next_weekly_meeting()
    if weekly is not None and not AgendaItem.objects.filter(meeting__title=WEEKLY_TITLE).exists():
        for username, response, delegate in [
            ("wangjp", "accept", None),
            ("yangzg", "accept", None),
            ("gaoxy", "decline", None),
            ("limh", "accept", None),
            ("sunzq", "delegate", "maxy"),
        ]:
            if username in people and (delegate is None or delegate in people):
                followup.attendance_respond(
                    actor=people[username],
                    meeting=weekly,
                    response=response,
                    delegate=people[delegate] if delegate else None,
                )
        for proposer, title, presenter, minutes in [
            ("limh", "档案数字化工作进度", "zhangwt", 20),
            ("sunzq", "一季度预算执行情况", "sunzq", 15),
        ]:
            if proposer in people and presenter in people:
                item = followup.agenda_item_propose(
                    actor=people[proposer],
                    meeting=weekly,
                    title=title,
                    presenter=people[presenter],
                    duration_minutes=minutes,
                )
                followup.agenda_item_decide(actor=weekly.organizer, item=item, accept=True)
                created += 1
        if created:
            followup.agenda_publish(actor=weekly.organizer, meeting=weekly)
    talk = Meeting.objects.filter(title="办公用房调整协调会").first()
    if talk is not None and not Decision.objects.filter(meeting=talk).exists() and talk.start > timezone.now():
        organizer = talk.organizer
        for username in ("limh", "sunzq", "huangw"):
            if username in people:
                followup.attendance_respond(actor=people[username], meeting=talk, response="accept")
        for code, text in [
            ("general", "综合处：同意将档案室迁至二楼，需在迁移期间保留临时查档点。"),
            ("finance", "财务处：改造经费今年预算不足，建议分两年安排。"),
            ("personnel", "人事处：腾出的三楼办公室优先安排新入职人员。"),
        ]:
            if code in departments:
                followup.position_record(actor=organizer, meeting=talk, department=departments[code], text=text)
        followup.resolution_record(
            actor=organizer,
            meeting=talk,
            text="档案室迁至二楼，改造经费分两年安排；三楼腾出的办公室由人事处统筹分配。",
        )
        followup.minutes_save(
            actor=organizer,
            meeting=talk,
            text="一、综合处、财务处、人事处分别陈述了意见。\n二、会议议定：档案室迁至二楼，改造经费分两年安排。"
            "\n三、由综合处牵头，财务处配合，月底前提交实施方案。",
            publish=True,
        )
        if "limh" in people:
            followup.decision_record(
                actor=organizer,
                meeting=talk,
                text="综合处牵头、财务处配合，月底前提交办公用房调整实施方案",
                lead=people["limh"],
                assisting=[people["sunzq"]] if "sunzq" in people else [],
                due_on=calendar.add_working_days(timezone.localdate(), 10),
            )
            created += 1
    return created


def next_weekly_meeting() -> Meeting | None:
    """The weekly office meeting's next scheduled occurrence (the one the agenda is for)."""
    return (
        Meeting.objects.filter(title=WEEKLY_TITLE, status=MeetingStatus.SCHEDULED, start__gt=timezone.now())
        .order_by("start")
        .first()
    )


def notes() -> list[str]:
    if not Meeting.objects.exists():
        return []
    return [
        "Meetings: /meetings/ (my meetings) and /meetings/rooms/ (the room calendar); 黄伟 (huangw) has a private one."
    ]
