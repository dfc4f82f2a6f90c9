"""Demo of the approval chain for ``manage.py seed_demo`` (called by ``documents.demo``): a 请示
awaiting the leader's 签发, with a 不同意 opinion on record — 财务处 disagreed, the drafter did not
adopt the point and said why — after 核稿, 会签 and 审核 approved it.

Idempotent: a document whose title already exists is left alone. Everything goes through the
services, so the steps, work items, notifications and the audit log are what real use would give.
"""

from accounts.models import Department, User
from core.enums import Urgency

from .models import CommentRequest, DocType, Document
from .services.approval import approval_decide, document_submit
from .services.comments import comment_request_respond, comment_round_open, opinion_handle
from .services.drafting import document_create

AWAITING_SIGN_OFF = "关于申请购置防汛应急救援装备经费的请示"

_BODY = """\
局领导：
为提升汛期应急处置能力，根据全市防汛工作部署，现就购置防汛应急救援装备经费事项请示如下。
一、购置必要性
现有冲锋舟、救生衣等装备已使用八年以上，部分老化损坏，难以满足汛期抢险需要。
二、购置内容及经费
（一）冲锋舟4艘，救生衣200件，应急照明设备20套。
（二）预计经费48万元，拟从年度应急专项经费中列支。
三、采购方式
按政府采购有关规定公开招标，确保汛期前到位。
妥否，请批示。"""


def seed(people: dict[str, User], departments: dict[str, Department]) -> int:
    if Document.objects.filter(title=AWAITING_SIGN_OFF).exists():
        return 0
    drafter = people["zhangwt"]
    finance_head, legal_head = people["sunzq"], people["linht"]
    document = document_create(
        drafter=drafter,
        title=AWAITING_SIGN_OFF,
        doc_type=DocType.REQUEST,
        body=_BODY,
        urgency=Urgency.URGENT,
        main_recipients="局领导",
        note="联系人：张文涛，电话：12345678",
    )
    round_ = comment_round_open(
        document=document,
        actor=drafter,
        reviewers=[finance_head, legal_head],
        instructions="请重点审核经费来源和采购方式。",
    )
    disagreed = CommentRequest.objects.get(round=round_, reviewer=finance_head)
    comment_request_respond(
        request=disagreed,
        actor=finance_head,
        stance="disagree",
        opinions=[
            {
                "text": "年度应急专项经费已基本安排完毕，不同意从中列支，建议申请追加预算。",
                "quote": "拟从年度应急专项经费中列支",
            }
        ],
    )
    comment_request_respond(
        request=CommentRequest.objects.get(round=round_, reviewer=legal_head), actor=legal_head, stance="agree"
    )
    opinion_handle(
        opinion=disagreed.opinions.get(),
        actor=drafter,
        handling="not_adopted",
        note="追加预算审批周期长，无法在汛期前到位；已与财务处沟通，分歧如实报请局领导决定。",
    )
    document_submit(document, by=drafter, signer=people["wangjp"], countersign=[legal_head])
    for approver in (people["limh"], legal_head, people["chenjg"]):
        task = document.steps.get(cycle=1, approvals__approver=approver).approvals.get(approver=approver)
        approval_decide(task, by=approver, decision="approve", opinion="同意，请局长签发。")
    return 1
