"""Generated documents for the benchmarks (``benchmarks/generate.py`` calls ``generate_documents``).

Documents in every state, newest ids the most recent, each with what the real workflow leaves
behind: its versions, the need-to-know rows of the people routed on it, a closed comment round
with answered requests and handled opinion points for part of them, the approval steps and
decisions of the submitted ones (核稿 → 审核 → 签发, the current step pending for those awaiting
approval), and for the issued ones a gap-free number per prefix and year and two distributions.

Like the rest of the generator: ``bulk_create`` in batches, a seeded random generator, no
services, signals or audit (synthetic volume, not anyone's record), and rows recognisable for
``--reset`` (documents drafted by generated people).
"""

import random
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

from accounts.models import Department, User
from core.enums import Classification, Urgency
from documents.models import (
    AccessReason,
    Approval,
    ApprovalStatus,
    ApprovalStep,
    CommentRequest,
    CommentRound,
    Decision,
    Distribution,
    DistributionKind,
    DistributionStatus,
    DocType,
    Document,
    DocumentAccess,
    DocumentStatus,
    DocumentVersion,
    Handling,
    NumberCounter,
    Opinion,
    RequestStatus,
    RoundStatus,
    Stance,
    StepKind,
    StepStatus,
)

# (status, weight): most of a register is history (issued, archived); a tenth is awaiting a leader.
STATUS_WEIGHTS = [
    (DocumentStatus.ISSUED, 45),
    (DocumentStatus.ARCHIVED, 15),
    (DocumentStatus.DRAFT, 12),
    (DocumentStatus.AWAITING_APPROVAL, 12),
    (DocumentStatus.REVISING, 6),
    (DocumentStatus.APPROVED, 6),
    (DocumentStatus.REJECTED, 4),
]
TYPE_WEIGHTS = [
    (DocType.NOTICE, 40),
    (DocType.REQUEST, 15),
    (DocType.REPORT, 15),
    (DocType.LETTER, 15),
    (DocType.OPINION, 5),
    (DocType.MINUTES, 5),
    (DocType.CIRCULAR, 5),
]
CLASSIFICATION_WEIGHTS = [(Classification.INTERNAL, 75), (Classification.PUBLIC, 20), (Classification.SECRET, 5)]
URGENCY_WEIGHTS = [(Urgency.NORMAL, 85), (Urgency.URGENT, 12), (Urgency.EXTRA_URGENT, 3)]
SUBMITTED = {
    DocumentStatus.AWAITING_APPROVAL,
    DocumentStatus.REVISING,
    DocumentStatus.APPROVED,
    DocumentStatus.ISSUED,
    DocumentStatus.ARCHIVED,
    DocumentStatus.REJECTED,
}
ISSUED = {DocumentStatus.ISSUED, DocumentStatus.ARCHIVED}

TOPICS = [
    "加强机关办公用房管理",
    "做好节假日值班工作",
    "开展安全生产大检查",
    "规范公务接待",
    "推进政务信息公开",
    "加强财务预算执行",
    "做好档案整理归档",
    "开展作风建设专项整治",
    "做好年度考核",
    "加强网络安全防护",
    "推进审批服务便民化",
    "做好防汛抗旱准备",
]
STEMS = {
    DocType.NOTICE: "关于{}的通知",
    DocType.REQUEST: "关于{}的请示",
    DocType.REPORT: "关于{}情况的报告",
    DocType.LETTER: "关于商请{}的函",
    DocType.OPINION: "关于{}的意见",
    DocType.MINUTES: "{}专题会议纪要",
    DocType.CIRCULAR: "关于{}情况的通报",
}
SENTENCES = [
    "各处室要充分认识此项工作的重要性，切实加强组织领导。",
    "严格落实工作责任制，明确分管领导和具体承办人员。",
    "工作中遇到的重大问题要及时报告局办公室。",
    "请于规定时间前将有关材料报送局办公室。",
    "要结合本处室实际，制定具体实施方案并认真组织实施。",
    "加强督促检查，确保各项措施落到实处。",
]
OPINION_TEXTS = [
    "建议补充责任分工",
    "第二部分表述不够准确",
    "时间安排过紧，建议延后一周",
    "同意，无修改意见",
    "建议删去第三条",
]


def _picker(rng: random.Random, weights: list[tuple[Any, int]]) -> Callable[[], Any]:
    values = [value for value, _weight in weights]
    cumulative = []
    total = 0
    for _value, weight in weights:
        total += weight
        cumulative.append(total)
    return lambda: rng.choices(values, cum_weights=cumulative)[0]


def _body(rng: random.Random) -> str:
    parts = ["<p>各处室、各直属单位：</p>"]
    for level, heading in enumerate(["一、总体要求", "二、工作措施", "三、有关要求"]):
        parts.append(f"<h2>{heading}</h2>")
        parts.append("<p>" + "".join(rng.sample(SENTENCES, 3 + level % 2)) + "</p>")
    return "".join(parts)


def generate_documents(
    insert: Callable[[Any, Iterator[Any], int, str], None],
    *,
    count: int,
    departments: list[Department],
    people: list[User],
    rng: random.Random,
    now: datetime,
) -> None:
    """Write ``count`` documents with their versions, rounds, approvals and distributions."""
    if count == 0:
        return
    leaders = [p for p in people if p.is_leader]
    heads = {d.pk: d.head_id for d in departments if d.head_id}
    staff = [p for p in people if p.department_id and p.pk not in heads.values()]
    office_head = heads[departments[0].pk]  # the generated bureau's office: its first department
    status_of = _picker(rng, STATUS_WEIGHTS)
    type_of = _picker(rng, TYPE_WEIGHTS)
    classification_of = _picker(rng, CLASSIFICATION_WEIGHTS)
    urgency_of = _picker(rng, URGENCY_WEIGHTS)
    span = timedelta(days=365)
    first_pk = (Document.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    counters: dict[tuple[str, int], int] = {}
    plan: list[dict[str, Any]] = []

    def documents() -> Iterator[Document]:
        for n in range(count):
            created = now - span + span * (n + 1) / count  # newest ids the most recent
            drafter = rng.choice(staff)
            department = next(d for d in departments if d.pk == drafter.department_id)
            status = status_of()
            doc_type = type_of()
            versions = rng.randint(1, 3)
            classification = classification_of()
            entry: dict[str, Any] = {
                "pk": first_pk + n,
                "created": created,
                "drafter": drafter.pk,
                "head": heads.get(department.pk),
                "status": status,
                "versions": versions,
                "signer": rng.choice(leaders).pk,
                "commented": rng.random() < 0.4,
            }
            number = prefix = ""
            year = seq = None
            if status in ISSUED:
                prefix = department.doc_prefix
                year = created.year
                seq = counters[(prefix, year)] = counters.get((prefix, year), 0) + 1
                number = f"{prefix}〔{year}〕{seq}号"
            plan.append(entry)
            yield Document(
                pk=entry["pk"],
                title=STEMS[doc_type].format(rng.choice(TOPICS)),
                doc_type=doc_type,
                body=_body(rng),
                urgency=urgency_of(),
                classification=classification,
                secrecy_period="1年" if classification == Classification.SECRET else "",
                main_recipients="各处室",
                drafter_id=drafter.pk,
                department_id=department.pk,
                status=status,
                version=versions,
                cycle=1 if status in SUBMITTED else 0,
                signer_id=entry["signer"] if status in ISSUED | {DocumentStatus.APPROVED} else None,
                signed_at=created + timedelta(days=3) if status in ISSUED | {DocumentStatus.APPROVED} else None,
                number=number,
                number_prefix=prefix,
                number_year=year,
                number_seq=seq,
                issuing_department_id=department.pk if number else None,
                issued_at=created + timedelta(days=4) if number else None,
                issued_by_id=office_head if number else None,
                created_at=created,
                updated_at=created + timedelta(days=4),
            )

    insert(Document, documents(), count, "documents")

    def versions() -> Iterator[DocumentVersion]:
        for e in plan:
            for number in range(1, e["versions"] + 1):
                yield DocumentVersion(
                    document_id=e["pk"],
                    number=number,
                    title="",
                    body="",
                    author_id=e["drafter"],
                    created_at=e["created"] + timedelta(hours=number),
                )

    insert(DocumentVersion, versions(), sum(e["versions"] for e in plan), "document versions")

    reviewers_of: dict[int, list[int]] = {}
    for e in plan:
        routed = set()
        if e["commented"]:
            choices = [h for h in heads.values() if h != e["drafter"]]
            reviewers_of[e["pk"]] = rng.sample(choices, min(2, len(choices)))
            routed.update(reviewers_of[e["pk"]])
        if e["status"] in SUBMITTED:
            routed.update(h for h in (e["head"], office_head, e["signer"]) if h and h != e["drafter"])
        e["routed"] = sorted(routed)

    def access() -> Iterator[DocumentAccess]:
        for e in plan:
            for user_id in e["routed"]:
                reason = AccessReason.REVIEWER if user_id in reviewers_of.get(e["pk"], ()) else AccessReason.APPROVER
                yield DocumentAccess(document_id=e["pk"], user_id=user_id, reason=reason, created_at=e["created"])

    insert(DocumentAccess, access(), sum(len(e["routed"]) for e in plan), "need-to-know rows")

    commented = [e for e in plan if e["commented"]]
    first_round = (CommentRound.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1

    def rounds() -> Iterator[CommentRound]:
        for offset, e in enumerate(commented):
            e["round"] = first_round + offset
            is_open = e["status"] == DocumentStatus.DRAFT and rng.random() < 0.5
            yield CommentRound(
                pk=e["round"],
                document_id=e["pk"],
                number=1,
                version=1,
                due_at=e["created"] + timedelta(days=3),
                status=RoundStatus.OPEN if is_open else RoundStatus.CLOSED,
                created_by_id=e["drafter"],
                created_at=e["created"],
                closed_at=None if is_open else e["created"] + timedelta(days=3),
            )

    insert(CommentRound, rounds(), len(commented), "comment rounds")

    first_request = (CommentRequest.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    answered: list[tuple[int, dict[str, Any]]] = []

    def requests() -> Iterator[CommentRequest]:
        pk = first_request
        for e in commented:
            for reviewer in reviewers_of[e["pk"]]:
                stance = rng.choice([Stance.AGREE, Stance.AGREE_WITH_CHANGES, Stance.DISAGREE])
                answered.append((pk, e))
                yield CommentRequest(
                    pk=pk,
                    round_id=e["round"],
                    reviewer_id=reviewer,
                    status=RequestStatus.ANSWERED,
                    stance=stance,
                    answered_by_id=reviewer,
                    answered_at=e["created"] + timedelta(days=2),
                )
                pk += 1

    insert(CommentRequest, requests(), sum(len(reviewers_of[e["pk"]]) for e in commented), "comment requests")

    def opinions() -> Iterator[Opinion]:
        for request_pk, e in answered:
            for order in range(rng.randint(1, 2)):
                yield Opinion(
                    request_id=request_pk,
                    order=order,
                    text=rng.choice(OPINION_TEXTS),
                    handling=rng.choice([Handling.ADOPTED, Handling.PARTLY_ADOPTED, Handling.NOT_ADOPTED]),
                    note="已按意见修改",
                    handled_by_id=e["drafter"],
                    handled_at=e["created"] + timedelta(days=3),
                )

    insert(Opinion, opinions(), int(len(answered) * 1.5), "opinion points")

    submitted = [e for e in plan if e["status"] in SUBMITTED]
    first_step = (ApprovalStep.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    chain: list[tuple[int, dict[str, Any], int, str]] = []  # step pk, document, approver, step status

    def steps() -> Iterator[ApprovalStep]:
        pk = first_step
        for e in submitted:
            approvers = [
                (StepKind.REVIEW, e["head"]),
                (StepKind.OFFICE_REVIEW, office_head),
                (StepKind.SIGN, e["signer"]),
            ]
            approvers = [(kind, who) for kind, who in approvers if who and who != e["drafter"]]
            # How far the chain got: awaiting approval stops at a random step; returned and rejected
            # documents stop where they were sent back; the others went all the way.
            stop = len(approvers)
            if e["status"] in {DocumentStatus.AWAITING_APPROVAL, DocumentStatus.REVISING, DocumentStatus.REJECTED}:
                stop = rng.randrange(len(approvers))
            for order, (kind, who) in enumerate(approvers):
                if order < stop:
                    status = StepStatus.DONE
                elif order == stop:
                    status = {
                        DocumentStatus.AWAITING_APPROVAL: StepStatus.CURRENT,
                        DocumentStatus.REVISING: StepStatus.RETURNED,
                        DocumentStatus.REJECTED: StepStatus.REJECTED,
                    }[e["status"]]
                else:
                    status = StepStatus.WAITING if e["status"] == DocumentStatus.AWAITING_APPROVAL else StepStatus.VOID
                chain.append((pk, e, who, status))
                yield ApprovalStep(pk=pk, document_id=e["pk"], cycle=1, order=order + 1, kind=kind, status=status)
                pk += 1

    insert(ApprovalStep, steps(), len(submitted) * 3, "approval steps")

    decision_of = {
        StepStatus.DONE: Decision.APPROVE,
        StepStatus.RETURNED: Decision.RETURN,
        StepStatus.REJECTED: Decision.REJECT,
    }
    approval_status_of = {
        StepStatus.CURRENT: ApprovalStatus.PENDING,
        StepStatus.WAITING: ApprovalStatus.WAITING,
        StepStatus.VOID: ApprovalStatus.VOID,
    }

    def approvals() -> Iterator[Approval]:
        for step_pk, e, who, status in chain:
            decision = decision_of.get(status, "")
            yield Approval(
                step_id=step_pk,
                approver_id=who,
                status=ApprovalStatus.DECIDED if decision else approval_status_of[status],
                decision=decision,
                opinion="同意" if decision == Decision.APPROVE else ("请修改后再报" if decision else ""),
                version=e["versions"] if decision else None,
                decided_at=e["created"] + timedelta(days=2) if decision else None,
            )

    insert(Approval, approvals(), len(chain), "approvals")

    issued = [e for e in plan if e["status"] in ISSUED]

    def distributions() -> Iterator[Distribution]:
        for e in issued:
            for kind, department in zip(
                (DistributionKind.MAIN, DistributionKind.CC), rng.sample(departments, 2), strict=True
            ):
                received = rng.random() < 0.8
                yield Distribution(
                    document_id=e["pk"],
                    department_id=department.pk,
                    kind=kind,
                    recipient_id=department.head_id,
                    status=DistributionStatus.RECEIVED if received else DistributionStatus.PENDING,
                    received_by_id=department.head_id if received else None,
                    received_at=e["created"] + timedelta(days=5) if received else None,
                    created_at=e["created"] + timedelta(days=4),
                )

    insert(Distribution, distributions(), len(issued) * 2, "distributions")
    NumberCounter.objects.bulk_create(
        [NumberCounter(prefix=prefix, year=year, last=last) for (prefix, year), last in counters.items()],
        ignore_conflicts=True,
    )
