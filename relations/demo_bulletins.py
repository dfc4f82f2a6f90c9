"""Demo leader bulletins (信息通报) for ``manage.py seed_demo``: the office's decision brief to two
leaders (one has read it and replied) and its explanation of the declined coordination matter's
disagreement, still unread on the three leaders' desks.

Idempotent: a bulletin whose title already exists is left alone. Everything goes through the services.
"""

from accounts.models import User

from .bulletin_models import Bulletin, BulletinKind
from .bulletin_services import bulletin_circulate, bulletin_read, bulletin_reply
from .models import CoordinationMatter

BRIEF = "关于调整本年度重点工作督办安排的决策通报"
DISAGREEMENT = "关于无障碍设施改造牵头分歧的说明"


def seed_demo_bulletins(people: dict[str, User], disputed_title: str) -> int:
    created = 0
    office = people["chenjg"]
    if not Bulletin.objects.filter(title=BRIEF).exists():
        brief = bulletin_circulate(
            actor=office,
            title=BRIEF,
            body="局长办公会研究决定，本年度重点工作督办由办公室统一牵头。\n\n各处室每月底前报送进展情况，办公室汇总后报局领导。",
            recipients=[people["wangjp"], people["yangzg"]],
            kind=BulletinKind.DECISION,
        )
        bulletin_read(actor=people["wangjp"], bulletin=brief)
        bulletin_reply(actor=people["wangjp"], bulletin=brief, text="同意。请办公室每月汇总后专题报告一次。")
        created += 1
    if not Bulletin.objects.filter(title=DISAGREEMENT).exists():
        bulletin_circulate(
            actor=office,
            title=DISAGREEMENT,
            body="财务处认为改造属于后勤管理事项，应由综合处牵头；综合处认为涉及经费安排，应由财务处牵头。\n\n办公室拟于本周内提出裁定意见。",
            recipients=[people["wangjp"], people["yangzg"], people["gaoxy"]],
            kind=BulletinKind.DISAGREEMENT,
            coordination=CoordinationMatter.objects.filter(title=disputed_title).first(),
        )
        created += 1
    return created
