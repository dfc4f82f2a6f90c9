"""Demo documents for ``manage.py seed_demo`` (found by its app-``demo`` discovery).

Outgoing documents in each stage a newcomer should see: a draft being revised (two versions), a
notice out for comment with one department answered and one still pending; the approval and the
issued documents come from ``demo_approval`` and ``demo_outgoing``, the incoming register and a
reading packet from ``demo_incoming``.

Idempotent: a document whose title already exists is left alone. Everything goes through the
services, so versions, work items, reminders and the audit log are what real use would give.
"""

from types import ModuleType

from accounts.models import Department, User
from core.enums import Classification, Urgency

from . import demo_approval, demo_incoming, demo_outgoing
from .models import CommentRequest, DocType, Document
from .services.comments import comment_request_respond, comment_round_open
from .services.drafting import document_create, document_update

# Other stages' demo modules, each ``seed(people, departments) -> int``; ``STAGES`` lists the ones
# this checkout has.
STAGES: tuple[ModuleType, ...] = (demo_approval, demo_outgoing, demo_incoming)

REVISING = "关于加强机关办公用房管理的通知"
FOR_COMMENT = "关于做好2027年元旦春节期间值班工作的通知"

_DUTY_BODY = """\
各处室、各直属单位：
元旦、春节将至，为确保节日期间各项工作正常运转，现就做好值班工作通知如下。
一、提高思想认识
各处室要充分认识节日值班工作的重要性，切实落实领导带班和24小时值班制度。
二、严格值班纪律
（一）值班人员必须坚守岗位，不得擅离职守。
（二）遇有重大突发事件，要第一时间报告带班领导和局办公室。
三、做好安全检查
节前各处室要组织一次安全检查，重点检查用电、消防和档案室。
请各处室于12月20日前将值班表报局办公室。"""

_ROOMS_BODY = """\
各处室：
为规范机关办公用房使用，根据有关规定，现将有关事项通知如下。
一、严格执行面积标准
各处室办公用房不得超过核定面积，超标部分于年底前腾退。
二、建立使用台账
局办公室建立办公用房使用台账，每半年更新一次。"""


def seed(people: dict[str, User], departments: dict[str, Department]) -> int:
    created = _seed_revising(people) + _seed_for_comment(people, departments)
    return created + sum(stage.seed(people, departments) for stage in STAGES)


def _seed_revising(people: dict[str, User]) -> int:
    if Document.objects.filter(title=REVISING).exists():
        return 0
    document = document_create(
        drafter=people["zhaolj"],
        title=REVISING,
        doc_type=DocType.NOTICE,
        body=_ROOMS_BODY,
        main_recipients="各处室",
    )
    document_update(
        document=document,
        actor=people["zhaolj"],
        summary="补充台账要求",
        body=_ROOMS_BODY + "\n三、加强监督检查\n局办公室会同有关处室每年开展一次专项检查。",
    )
    return 1


def _seed_for_comment(people: dict[str, User], departments: dict[str, Department]) -> int:
    if Document.objects.filter(title=FOR_COMMENT).exists():
        return 0
    drafter = people["zhoum"]
    document = document_create(
        drafter=drafter,
        title=FOR_COMMENT,
        doc_type=DocType.NOTICE,
        body=_DUTY_BODY,
        classification=Classification.INTERNAL,
        urgency=Urgency.URGENT,
        main_recipients="各处室、各直属单位",
        attachment_notes="1.元旦春节值班表",
    )
    round_ = comment_round_open(
        document=document,
        actor=drafter,
        reviewers=[people["zhaolj"]],
        departments=[departments["finance"], departments["legal"]],
        instructions="请重点审阅值班纪律和报送时限。",
    )
    answered = CommentRequest.objects.get(round=round_, reviewer=people["sunzq"])
    comment_request_respond(
        request=answered,
        actor=people["sunzq"],
        stance="agree_with_changes",
        opinions=[
            {"text": "报送时限建议提前至12月18日，便于汇总。", "quote": "请各处室于12月20日前将值班表报局办公室。"},
            {"text": "安全检查建议增加车辆管理。", "quote": "重点检查用电、消防和档案室"},
        ],
    )
    return 1


def notes() -> list[str]:
    """What the printed logins table adds about documents."""
    return [
        "",
        f"Documents: zhoum (周敏) drafted 《{FOR_COMMENT}》 and is collecting comments;",
        "  sunzq (孙志强) has answered for 财务处; linht (林海涛, 法规处) and zhaolj (赵丽娟) are still asked.",
        f"  wangjp (王建平) has 《{demo_approval.AWAITING_SIGN_OFF}》 awaiting his 签发 (待我审批的),",
        "  with 财务处's 不同意 on record.",
        f"  《{demo_outgoing.ISSUED}》 is issued and signed; 财务处 has signed for it, 法规处 (linht) not yet.",
        f"  liuf (刘芳, the office) registered the incoming 《{demo_incoming.IN_CIRCULATION}》, now in circulation.",
    ]
