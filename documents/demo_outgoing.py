"""Demo issued document for ``manage.py seed_demo`` (listed in ``documents.demo.STAGES``): a 通知
numbered, sealed and signed, distributed to two departments, one of which has signed for it.

Everything goes through the services: submitted and approved along the whole chain (核稿, 审核,
签发), issued by the office and signed for, so the decisions, the number counter, the signed PDF,
the work items and the audit log are what real use would give. Idempotent: an existing title is
left alone.
"""

from accounts.models import Department, User

from .models import Approval, ApprovalStatus, DocType, Document, DocumentStatus
from .services.approval import approval_decide, document_submit
from .services.drafting import document_create
from .services.issuing import distribution_receive, document_issue

ISSUED = "关于做好2026年度档案整理归档工作的通知"

_BODY = """\
为做好2026年度文书档案整理归档工作，根据有关规定，现将有关事项通知如下。
一、归档范围
各处室在履行职能中形成的具有保存价值的文件材料，均应归档。
二、工作要求
（一）各处室要明确专人负责，按件整理、分类排列、编号装盒。
（二）电子文件与纸质文件同步归档，确保齐全完整。
三、时间安排
请各处室于2027年3月31日前将归档文件移交局办公室。"""


def seed(people: dict[str, User], departments: dict[str, Department]) -> int:
    if Document.objects.filter(title=ISSUED).exists():
        return 0
    drafter, leader, clerk = people["zhaolj"], people["wangjp"], people["liuf"]
    document = document_create(
        drafter=drafter,
        title=ISSUED,
        doc_type=DocType.NOTICE,
        body=_BODY,
        main_recipients="财务处、法规处",
        attachment_notes="2026年度归档文件目录（样表）",
        note="联系人：赵丽娟，电话：12345678",
    )
    document_submit(document, by=drafter, signer=leader)
    # Each step's approver approves in turn (核稿 → 审核 → 签发) until the document is approved.
    while True:
        document.refresh_from_db()
        if document.status != DocumentStatus.AWAITING_APPROVAL:
            break
        for task in Approval.objects.filter(step__document=document, status=ApprovalStatus.PENDING):
            approval_decide(task, by=task.approver, decision="approve", opinion="同意。")
    issued = document_issue(
        document=document,
        by=clerk,
        main_departments=[departments["finance"], departments["legal"]],
    )
    finance = issued.distributions.get(department=departments["finance"])
    distribution_receive(distribution=finance, by=people["sunzq"])
    return 1
