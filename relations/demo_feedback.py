"""Demo public feedback (群众意见) for ``manage.py seed_demo``: one just registered, one routed to
财务处, one answered and waiting for the office, one closed with the submitter's satisfaction.

Idempotent: feedback whose subject already exists is left alone. Everything goes through the services.
"""

from datetime import timedelta

from django.utils import timezone

from accounts.models import Department, User

from .feedback import feedback_close, feedback_register_entry, feedback_reply, feedback_route
from .feedback_models import Feedback, FeedbackCategory, FeedbackChannel, Satisfaction

REGISTERED = "咨询退休人员医保报销流程"
ROUTED = "建议延长办事大厅周末开放时间"
ANSWERED = "反映单位门前道路积水"
CLOSED = "投诉窗口工作人员态度生硬"


def seed(people: dict[str, User], departments: dict[str, Department]) -> int:
    office = people["zhoum"]
    today = timezone.localdate()
    created = 0
    rows = [
        (REGISTERED, FeedbackChannel.PHONE, FeedbackCategory.INQUIRY, None, "王女士"),
        (ROUTED, FeedbackChannel.WEB, FeedbackCategory.SUGGESTION, "general", None),
        (ANSWERED, FeedbackChannel.LETTER, FeedbackCategory.HELP, "general", "赵先生"),
        (CLOSED, FeedbackChannel.HOTLINE, FeedbackCategory.COMPLAINT, "finance", "钱先生"),
    ]
    for subject, channel, category, department, name in rows:
        if Feedback.objects.filter(subject=subject).exists():
            continue
        feedback = feedback_register_entry(
            actor=office,
            channel=channel,
            category=category,
            subject=subject,
            content=f"{subject}，请有关部门研究处理并予以答复。",
            received_on=today - timedelta(days=2),
            anonymous=name is None,
            submitter_name=name or "",
            submitter_phone="13800000000" if name else "",
        )
        created += 1
        if department is None:
            continue
        feedback = feedback_route(actor=office, feedback=feedback, department=departments[department])
        if subject == ROUTED:
            continue
        handler = departments[department].head
        assert handler is not None  # noqa: S101 (the demo departments have heads)
        feedback_reply(actor=handler, feedback=feedback, reply="已安排专人核实处理，并电话告知办理结果。")
        if subject == CLOSED:
            feedback_close(actor=office, feedback=feedback, satisfaction=Satisfaction.FAIRLY, note="已电话回访。")
    return created
