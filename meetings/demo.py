"""Demo meetings for ``manage.py seed_demo``: rooms, a weekly office meeting, a coordination
meeting and a private talk. Idempotent (a room or meeting whose name or title exists is left
alone); everything goes through the services, so work items and the audit log are real."""

from datetime import datetime, time

from django.utils import timezone

from accounts.models import Department, User
from core import calendar

from .clashes import Invitee
from .models import AttendeeRole, Meeting, MeetingKind, Room
from .services import meeting_create, room_create

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

    meetings = [
        {
            "title": "局长办公会（每周例会）",
            "kind": MeetingKind.OFFICE,
            "organizer": "chenjg",
            "room": "第一会议室",
            "start": _at(1, 9),
            "end": _at(1, 10, 30),
            "attendees": [
                *required("wangjp", "yangzg", "gaoxy", "limh", "sunzq", "zhangwt"),
                Invitee(people["liuf"], AttendeeRole.OPTIONAL),
            ],
            "description": "议题：一、本周重点工作；二、档案数字化进度；三、其他事项。",
        },
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
    return created


def notes() -> list[str]:
    if not Meeting.objects.exists():
        return []
    return [
        "Meetings: /meetings/ (my meetings) and /meetings/rooms/ (the room calendar); 黄伟 (huangw) has a private one."
    ]
