"""Demo incoming documents and reading packets for ``manage.py seed_demo`` (called by
``documents.demo``): an incoming 函 in circulation after a leader's instruction, one awaiting the
office's proposal, one archived for information only, and an unread packet on a leader's desk.

Idempotent: an incoming document or packet whose title already exists is left alone. Everything
goes through the services, so the ledger, the matter and the audit log are what real use would give.
"""

from django.utils import timezone

from accounts.models import Department, User
from core import calendar
from core.enums import Urgency

from .models import IncomingDocument, ReadingPacket
from .services.incoming import (
    incoming_archive,
    incoming_circulate,
    incoming_close,
    incoming_instruct,
    incoming_propose,
    incoming_register,
    incoming_review,
    reading_mark_read,
)
from .services.packets import packet_compile

IN_CIRCULATION = "关于开展汛前安全生产大检查的函"
AWAITING = "关于征求《城市应急预案（修订稿）》意见的函"
FOR_INFORMATION = "关于2026年第一季度安全生产形势的通报"
PACKET = "本周阅件（应急管理）"


def seed(people: dict[str, User], departments: dict[str, Department]) -> int:
    created = 0
    clerk, leader, deputy = people["liuf"], people["wangjp"], people["yangzg"]
    today = timezone.localdate()
    received = calendar.add_working_days(today, -1)

    if not IncomingDocument.objects.filter(title=IN_CIRCULATION).exists():
        incoming = incoming_register(
            actor=clerk,
            title=IN_CIRCULATION,
            sender_org="市应急管理局",
            sender_number="应急函〔2026〕12号",
            received_on=received,
            urgency=Urgency.URGENT,
            body="请各单位于汛期前完成安全生产大检查，并将检查情况报市应急管理局。",
        )
        incoming_review(incoming=incoming, actor=clerk, passed=True, note="属本机关职权，格式规范")
        incoming_propose(incoming=incoming, actor=clerk, proposal="拟请综合处牵头，财务处配合办理。", leader=leader)
        incoming_instruct(
            incoming=incoming,
            actor=leader,
            instruction="请综合处牵头，财务处配合，按时报送检查情况。",
            lead_department=departments["general"],
            assisting_departments=[departments["finance"]],
            due_on=calendar.add_working_days(today, 5),
        )
        first, _second = incoming_circulate(incoming=incoming, actor=clerk, readers=[deputy, people["gaoxy"]])
        reading_mark_read(reading=first, actor=deputy, remark="已阅，请抓好落实。")
        created += 1

    if not IncomingDocument.objects.filter(title=AWAITING).exists():
        incoming_register(
            actor=clerk,
            title=AWAITING,
            sender_org="市人民政府办公室",
            sender_number="市政办函〔2026〕5号",
            received_on=today,
            body="请于十个工作日内反馈修改意见。",
        )
        created += 1

    if not IncomingDocument.objects.filter(title=FOR_INFORMATION).exists():
        incoming = incoming_register(
            actor=clerk, title=FOR_INFORMATION, sender_org="市安全生产委员会办公室", received_on=received
        )
        (reading,) = incoming_circulate(incoming=incoming, actor=clerk, readers=[leader])
        reading_mark_read(reading=reading, actor=leader, remark="阅")
        incoming_close(incoming=incoming, actor=clerk)
        incoming_archive(incoming=incoming, actor=clerk)
        created += 1

    if not ReadingPacket.objects.filter(title=PACKET).exists():
        incomings = list(IncomingDocument.objects.filter(title__in=[IN_CIRCULATION, FOR_INFORMATION]).order_by("id"))
        packet_compile(
            actor=clerk,
            leader=leader,
            title=PACKET,
            cover_note="本周应急管理方面来文两件，供王局长审阅。",
            incomings=incomings,
            notes={incomings[0]: "已批办，综合处牵头"},
        )
        created += 1
    return created
