"""Demo data of relations for ``manage.py seed_demo``: one declined coordination matter waiting for
the office's ruling, one every department accepted (settled into an affairs matter), and leaders'
engagements (a public trip, an internal inspection, a private reception: ``schedules``) and the
office's bulletins to the leaders (``demo_bulletins``).

Idempotent: a matter whose title already exists is left alone. Everything goes through the services.
"""

from django.utils import timezone

from accounts.models import Department, User
from core import calendar

from . import demo_feedback
from .demo_bulletins import seed_demo_bulletins
from .models import CoordinationMatter
from .schedules import seed_demo_schedules
from .services_coordination import coordination_raise, coordination_respond

DECLINED = "推进办公区域无障碍设施改造"
SETTLED = "统一全局合同用印流程"


def seed(people: dict[str, User], departments: dict[str, Department]) -> int:
    created = 0
    respond_by = calendar.add_working_days(timezone.localdate(), 3)
    if not CoordinationMatter.objects.filter(title=DECLINED).exists():
        # 综合处 raised it, 财务处 leads, 信息中心 cooperates; 财务处 declines: it waits for the office.
        matter = coordination_raise(
            actor=people["zhangwt"],
            title=DECLINED,
            description="涉及经费安排和设施改造，需要财务处牵头、信息中心配合。",
            lead_department=departments["finance"],
            cooperating_departments=[departments["info"]],
            respond_by=respond_by,
        )
        coordination_respond(
            actor=people["sunzq"],
            coordination=matter,
            department=departments["finance"],
            accept=False,
            reason="改造属于后勤管理事项，应由综合处牵头，财务处可配合做好经费保障。",
        )
        created += 1
    if not CoordinationMatter.objects.filter(title=SETTLED).exists():
        matter = coordination_raise(
            actor=people["limh"],
            title=SETTLED,
            lead_department=departments["legal"],
            cooperating_departments=[departments["general"]],
            respond_by=respond_by,
        )
        for login, code in (("linht", "legal"), ("limh", "general")):
            coordination_respond(actor=people[login], coordination=matter, department=departments[code], accept=True)
        created += 1
    return (
        created
        + seed_demo_schedules(people, departments)
        + demo_feedback.seed(people, departments)
        + seed_demo_bulletins(people, DECLINED)
    )


def notes() -> list[str]:
    """What the printed logins table adds about relations: where each feature's demo data is."""
    if not CoordinationMatter.objects.filter(title=DECLINED).exists():
        return []
    return [
        "Relations (关系协调): /relations/coordination/: 财务处 (sunzq) declined 《"
        + DECLINED
        + "》, which waits for the office's ruling (chenjg or liuf); 《"
        + SETTLED
        + "》 is settled into a matter.",
        "  Leader bulletins /relations/bulletins/: wangjp, yangzg and gaoxy have unread ones on their desks.",
        "  Public feedback /relations/feedback/ (the office: liuf): one registered, one with 李明华 (limh) to reply,"
        " one answered, one closed.",
        "  Leaders' week /leader-schedule/ (the office and the leaders): a trip, an inspection, a private reception.",
    ]
