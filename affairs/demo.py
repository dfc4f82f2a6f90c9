"""Demo affairs for ``manage.py seed_demo``: matters in every state, a reception and a work plan.

Idempotent: a matter, reception or plan whose title already exists is left alone. Everything goes
through the services, so the ledger, the timeline and the audit log are what real use would give.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.models import Department, User
from core import calendar
from core.enums import Priority, Urgency
from workload.services import workitems_open_for_target

from .models import Matter, Reception, WorkPlan
from .services import (
    ArrangementSpec,
    arrangement_mark_arranged,
    matter_cancel,
    matter_complete,
    matter_confirm,
    matter_create,
    matter_report_progress,
    matter_transfer,
    plan_create,
    plan_item_add,
    plan_item_to_matter,
    reception_create,
    reception_set_status,
)

# title, assigner, lead, assisting, working days until due (negative: overdue), priority, urgency, story
MATTERS: list[tuple[str, str, str, list[str], int, str, str, list[str]]] = [
    ("起草综合处年度工作总结", "limh", "zhangwt", ["zhaolj"], 3, Priority.KEY, Urgency.NORMAL, ["progress"]),
    ("核对第三季度会议室使用登记", "limh", "zhangwt", [], -2, Priority.ROUTINE, Urgency.URGENT, []),
    ("报送本处室下月重点工作安排", "chenjg", "zhangwt", [], 1, Priority.SECONDARY, Urgency.NORMAL, []),
    ("整理办公用品申领台账", "limh", "zhangwt", [], 2, Priority.ROUTINE, Urgency.NORMAL, ["complete", "confirm"]),
    ("落实局务会关于档案数字化的决定", "wangjp", "linht", ["xul"], 10, Priority.KEY, Urgency.NORMAL, ["progress"]),
    ("核对第三季度办公经费支出明细", "sunzq", "maxy", [], -1, Priority.SECONDARY, Urgency.URGENT, []),
    ("汇总年度考核材料", "huangw", "guot", [], 5, Priority.ROUTINE, Urgency.NORMAL, ["complete"]),
    ("审查合同文本合法性意见", "yangzg", "hexm", [], 2, Priority.KEY, Urgency.EXTRA_URGENT, ["transfer"]),
    ("排查办公网络终端安全隐患", "luoj", "xul", [], -3, Priority.SECONDARY, Urgency.NORMAL, ["progress"]),
    ("准备局务会会务材料", "chenjg", "zhoum", ["wuj"], 1, Priority.KEY, Urgency.URGENT, ["complete", "send_back"]),
    ("修订处室内部工作规程", "limh", "zhaolj", [], 8, Priority.ROUTINE, Urgency.NORMAL, ["cancel"]),
]


def _backdate(matter: Matter, working_days_overdue: int) -> None:
    """Demo only: a matter cannot be given a past deadline, so an overdue one is moved back after."""
    due_on = calendar.add_working_days(timezone.localdate(), -working_days_overdue)
    due_at = calendar.end_of_working_day(due_on)
    Matter.objects.filter(pk=matter.pk).update(due_on=due_on, due_at=due_at)
    workitems_open_for_target(target=matter).update(due_at=due_at, next_reminder_at=timezone.now())


def seed(people: dict[str, User], departments: dict[str, Department]) -> int:
    created = 0
    today = timezone.localdate()
    for title, assigner, lead, assisting, due_in, priority, urgency, story in MATTERS:
        if Matter.objects.filter(title=title).exists():
            continue
        matter = matter_create(
            actor=people[assigner],
            title=title,
            description=f"{title}，按期报送结果。",
            lead=people[lead],
            assisting=[people[p] for p in assisting],
            due_on=calendar.add_working_days(today, max(due_in, 0)),
            priority=priority,
            urgency=urgency,
            authorized=True,
        )
        created += 1
        if due_in < 0:
            _backdate(matter, -due_in)
        for step in story:
            matter.refresh_from_db()
            if step == "progress":
                matter_report_progress(
                    actor=matter.lead, matter=matter, text="已完成初步梳理，正在征求相关处室意见。", percent=40
                )
            elif step == "complete":
                matter_complete(actor=matter.lead, matter=matter, report="已按要求办理完毕，材料已报送。")
            elif step == "confirm":
                matter_confirm(actor=matter.assigner, matter=matter, accept=True, note="办理及时，同意办结。")
            elif step == "send_back":
                matter_confirm(actor=matter.assigner, matter=matter, accept=False, note="请补充参会人员名单。")
            elif step == "transfer":
                matter_transfer(
                    actor=matter.lead, matter=matter, to=people["linht"], reason="涉及重大合同，由处长亲自审查。"
                )
            elif step == "cancel":
                matter_cancel(actor=matter.assigner, matter=matter, reason="与年度计划重复，撤销。")
    created += _seed_reception(people)
    created += _seed_plan(people, departments)
    return created


def _seed_reception(people: dict[str, User]) -> int:
    visiting_org = "省政务服务中心调研组"
    if Reception.objects.filter(visiting_org=visiting_org).exists():
        return 0
    day = calendar.add_working_days(timezone.localdate(), 3)
    arrival = calendar.start_of_working_day(day)
    reception = reception_create(
        actor=people["chenjg"],
        visiting_org=visiting_org,
        purpose="调研“高效办成一件事”和协同办公推进情况",
        arrival=arrival,
        departure=arrival + timedelta(hours=8),
        visitors=[("钱立新", "副主任"), ("郑晓红", "处长"), ("冯伟", "科员")],
        host_leader=people["yangzg"],
        accompanying=[people["liuf"], people["limh"]],
        budget=Decimal("3000.00"),
        notes="座谈会后参观政务服务大厅。",
        arrangements=[
            ArrangementSpec(kind="meeting_room", owner=people["zhoum"], description="三楼第一会议室，座签、茶水"),
            ArrangementSpec(kind="meals", owner=people["wuj"], description="工作餐 8 人，按标准安排"),
            ArrangementSpec(kind="vehicle", owner=people["xul"], description="一辆商务车，8:30 高铁站接站"),
        ],
    )
    reception_set_status(actor=people["chenjg"], reception=reception, status="confirmed")
    arrangement_mark_arranged(
        actor=people["zhoum"], arrangement=reception.arrangements.get(kind="meeting_room"), note="已预留"
    )
    return 1


def _seed_plan(people: dict[str, User], departments: dict[str, Department]) -> int:
    today = timezone.localdate()
    quarter_start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    title = f"综合处{today.year}年第{(today.month - 1) // 3 + 1}季度工作计划"
    if WorkPlan.objects.filter(title=title).exists():
        return 0
    head = people["limh"]
    plan = plan_create(
        actor=head,
        title=title,
        period="quarter",
        period_start=quarter_start,
        department=departments["general"],
        description="围绕年度重点任务，明确责任人和完成时限。",
    )
    first = plan_item_add(
        actor=head,
        plan=plan,
        title="完成公文处理流程优化方案",
        owner=people["zhangwt"],
        priority=Priority.KEY,
        due_on=calendar.add_working_days(today, 15),
    )
    plan_item_add(
        actor=head,
        plan=plan,
        title="组织处室业务培训一次",
        owner=people["zhaolj"],
        priority=Priority.SECONDARY,
        due_on=calendar.add_working_days(today, 25),
    )
    plan_item_add(actor=head, plan=plan, title="更新处室通讯录", owner=people["zhangwt"], priority=Priority.ROUTINE)
    matter = plan_item_to_matter(actor=head, item=first)
    matter_report_progress(actor=people["zhangwt"], matter=matter, text="已形成初稿，正在内部讨论。", percent=30)
    return 1
