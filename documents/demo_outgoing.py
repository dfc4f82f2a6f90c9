"""Demo issued document for ``manage.py seed_demo`` (listed in ``documents.demo.STAGES``): a 通知
numbered, sealed and signed, distributed to two departments, one of which has signed for it.

The approval chain is another stage's: the document reaches ``approved`` through the status table
(``documents.transitions``), with the leader's sign-off recorded as the chain would leave it; the
issuing and the receipt go through the services, so the number counter, the signed PDF, the work
items and the audit log are what real use would give. Idempotent: an existing title is left alone.
"""

from django.utils import timezone

from accounts.models import Department, User

from . import transitions
from .models import AccessReason, DocType, Document, DocumentStatus
from .services.drafting import access_grant, document_create
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
    # What the approval chain leaves behind: the leader signed it off (签发) and it is approved.
    access_grant(document=document, users=[leader], reason=AccessReason.APPROVER)
    transitions.move(document, DocumentStatus.AWAITING_APPROVAL)
    transitions.move(document, DocumentStatus.APPROVED, signer=leader, signed_at=timezone.now())
    issued = document_issue(
        document=document,
        by=clerk,
        main_departments=[departments["finance"], departments["legal"]],
    )
    finance = issued.distributions.get(department=departments["finance"])
    distribution_receive(distribution=finance, by=people["sunzq"])
    return 1
