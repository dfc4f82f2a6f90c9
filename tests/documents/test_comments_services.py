"""Comment collection (征求意见), service by service: every transition and refusal, the work items
of reviewers and drafter, the reminder engine urging a late reviewer, and the summary's numbers."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone, translation

from core import calendar
from core.errors import Conflict, PermissionDenied, ValidationError
from documents import comment_selectors, selectors
from documents.models import (
    CommentRequest,
    DocumentAccess,
    DocumentStatus,
    Opinion,
    RequestStatus,
    RoundStatus,
)
from documents.services.comments import (
    blocking_reason,
    comment_request_delegate,
    comment_request_respond,
    comment_round_close,
    comment_round_open,
    opinion_handle,
    unresolved_disagreements,
)
from documents.services.drafting import document_update
from notifications.models import Notification, NotificationKind
from tests.documents import comments_support
from tests.documents.comments_support import BODY, SECRET, SH, items_on
from workload.models import WorkItemKind, WorkItemStatus
from workload.reminders import scan_work_items
from workload.services import workitem_open

pytestmark = pytest.mark.django_db

# The shared fixtures (tests/documents/comments_support.py).
bureau, document, monday = comments_support.bureau, comments_support.document, comments_support.monday


def open_round(document, bureau, *, reviewers=None, departments=(), **kwargs):
    return comment_round_open(
        document=document,
        actor=bureau.drafter,
        reviewers=[bureau.reviewer] if reviewers is None else reviewers,
        departments=departments,
        **kwargs,
    )


def request_of(round_, person):
    return CommentRequest.objects.get(round=round_, reviewer=person)


# --- Opening a round --------------------------------------------------------------------------


def test_open_asks_people_and_departments_with_work_items_and_access(document, bureau):
    round_ = open_round(document, bureau, departments=[bureau.legal], instructions="请重点看第二部分")
    assert (round_.number, round_.version, round_.status) == (1, 1, RoundStatus.OPEN)
    # 7 working days from Monday 2 March 2026: Wednesday 11 March, close of business.
    assert round_.due_at == calendar.end_of_working_day(datetime(2026, 3, 11, tzinfo=SH).date())
    requests = list(round_.requests.order_by("id"))
    assert [(r.reviewer, r.department) for r in requests] == [
        (bureau.legal_head, bureau.legal),
        (bureau.reviewer, None),
    ]
    for request in requests:
        (item,) = items_on(request)
        assert (item.kind, item.status, item.assignee, item.due_at) == (
            WorkItemKind.COMMENT_REQUEST, WorkItemStatus.OPEN, request.reviewer, round_.due_at,
        )  # fmt: skip
        assert item.assigned_by == bureau.drafter
        assert item.next_reminder_at is not None  # scheduled for the reminder engine
        assert DocumentAccess.objects.filter(document=document, user=request.reviewer, reason="reviewer").exists()
    # The reviewers may now see the draft; the outsider still may not.
    assert selectors.documents_visible(user=bureau.reviewer).filter(pk=document.pk).exists()
    assert not selectors.documents_visible(user=bureau.outsider).filter(pk=document.pk).exists()


def test_a_second_round_is_numbered_after_the_first(document, bureau):
    first = open_round(document, bureau)
    comment_round_close(round=first, actor=bureau.drafter)
    document_update(document=document, actor=bureau.drafter, body=BODY + "\n三、其他")
    second = open_round(document, bureau)
    assert (second.number, second.version) == (2, 2)


def test_only_the_drafter_opens_a_round(document, bureau):
    with pytest.raises(PermissionDenied):
        comment_round_open(document=document, actor=bureau.head, reviewers=[bureau.reviewer])


def test_one_open_round_at_a_time(document, bureau):
    open_round(document, bureau)
    with pytest.raises(Conflict):
        open_round(document, bureau)


def test_no_round_once_the_document_left_drafting(document, bureau):
    type(document).objects.filter(pk=document.pk).update(status=DocumentStatus.AWAITING_APPROVAL)
    with pytest.raises(Conflict):
        open_round(document, bureau)


def test_a_round_needs_someone_to_ask(document, bureau):
    with pytest.raises(ValidationError) as refused:
        open_round(document, bureau, reviewers=[])
    assert "reviewers" in refused.value.fields


def test_the_drafter_does_not_ask_themselves(document, bureau):
    with pytest.raises(ValidationError) as refused:
        open_round(document, bureau, reviewers=[bureau.drafter])
    assert "reviewers" in refused.value.fields


def test_a_reviewer_below_the_classification_is_refused_by_name(bureau):
    from documents.services.drafting import document_create

    secret = document_create(
        drafter=bureau.drafter, title="涉密通知", doc_type="notice", body="内容", classification=SECRET
    )
    with pytest.raises(ValidationError) as refused:
        open_round(secret, bureau, reviewers=[bureau.reviewer, bureau.uncleared])
    assert bureau.uncleared.display_name in refused.value.fields["reviewers"][0]
    assert bureau.reviewer.display_name not in refused.value.fields["reviewers"][0]
    assert not secret.rounds.exists()


def test_a_department_head_below_the_classification_is_refused_by_name(bureau):
    from documents.services.drafting import document_create

    secret = document_create(
        drafter=bureau.drafter, title="涉密通知", doc_type="notice", body="内容", classification=SECRET
    )
    bureau.legal_head.clearance = "internal"
    bureau.legal_head.save()
    with pytest.raises(ValidationError) as refused:
        open_round(secret, bureau, reviewers=[], departments=[bureau.legal])
    assert bureau.legal_head.display_name in refused.value.message


def test_a_department_without_a_head_is_refused_clearly(document, bureau):
    bureau.legal.head = None
    bureau.legal.save()
    with pytest.raises(ValidationError) as refused:
        open_round(document, bureau, reviewers=[], departments=[bureau.legal])
    assert "法规处" in refused.value.fields["departments"][0]


def test_the_deadline_must_be_in_the_future(document, bureau):
    with pytest.raises(ValidationError) as refused:
        open_round(document, bureau, due_at=timezone.now() - timedelta(hours=1))
    assert "due_at" in refused.value.fields


def test_a_named_head_and_their_department_make_one_request(document, bureau):
    round_ = open_round(document, bureau, reviewers=[bureau.legal_head], departments=[bureau.legal])
    assert round_.requests.count() == 1
    assert round_.requests.get().department == bureau.legal


# --- Raising the classification while a round is open ---------------------------------------------


def test_raising_the_classification_above_an_open_rounds_reviewer_is_refused(document, bureau):
    open_round(document, bureau, reviewers=[bureau.uncleared])
    with pytest.raises(ValidationError) as refused:
        document_update(document=document, actor=bureau.drafter, classification=SECRET)
    assert bureau.uncleared.display_name in refused.value.message
    document.refresh_from_db()
    assert document.classification == "internal"


def test_raising_it_is_allowed_once_the_round_is_closed(document, bureau):
    round_ = open_round(document, bureau, reviewers=[bureau.uncleared])
    comment_round_close(round=round_, actor=bureau.drafter)
    document_update(document=document, actor=bureau.drafter, classification=SECRET)
    document.refresh_from_db()
    assert document.classification == SECRET


# --- Delegating a department's answer -----------------------------------------------------------


def test_the_head_hands_the_answer_to_a_colleague(document, bureau):
    round_ = open_round(document, bureau, reviewers=[], departments=[bureau.legal])
    request = request_of(round_, bureau.legal_head)
    comment_request_delegate(request=request, actor=bureau.legal_head, delegate=bureau.colleague)
    request.refresh_from_db()
    assert request.delegate == bureau.colleague
    (item,) = items_on(request, status=WorkItemStatus.OPEN)
    assert item.assignee == bureau.colleague
    assert DocumentAccess.objects.filter(document=document, user=bureau.colleague).exists()
    # The delegate answers; the head may no longer be the one holding the item.
    comment_request_respond(request=request, actor=bureau.colleague, stance="agree")
    request.refresh_from_db()
    assert (request.status, request.answered_by) == (RequestStatus.ANSWERED, bureau.colleague)


def test_delegation_refusals(document, bureau):
    round_ = open_round(document, bureau, departments=[bureau.legal])
    personal = request_of(round_, bureau.reviewer)
    for_department = request_of(round_, bureau.legal_head)
    with pytest.raises(PermissionDenied):  # a personal request is answered by that person
        comment_request_delegate(request=personal, actor=bureau.reviewer, delegate=bureau.colleague)
    with pytest.raises(PermissionDenied):  # only the head hands it on
        comment_request_delegate(request=for_department, actor=bureau.colleague, delegate=bureau.colleague)
    with pytest.raises(ValidationError):  # someone of another department
        comment_request_delegate(request=for_department, actor=bureau.legal_head, delegate=bureau.head)


# --- Answering ------------------------------------------------------------------------------------


def test_the_reviewer_answers_with_points_and_quotes(document, bureau):
    round_ = open_round(document, bureau)
    request = request_of(round_, bureau.reviewer)
    comment_request_respond(
        request=request,
        actor=bureau.reviewer,
        stance="agree_with_changes",
        opinions=[{"text": "建议明确报送对象", "quote": "请于三月底前报送值班表"}, {"text": "标题可精简"}],
    )
    request.refresh_from_db()
    assert (request.status, request.stance, request.answered_by) == ("answered", "agree_with_changes", bureau.reviewer)
    assert list(request.opinions.values_list("order", "text", "quote")) == [
        (0, "建议明确报送对象", "请于三月底前报送值班表"),
        (1, "标题可精简", ""),
    ]
    (item,) = items_on(request)
    assert (item.status, item.outcome) == (WorkItemStatus.DONE, "answered")


def test_a_quote_spanning_lines_matches_with_any_white_space(document, bureau):
    request = request_of(open_round(document, bureau), bureau.reviewer)
    comment_request_respond(
        request=request, actor=bureau.reviewer, stance="disagree",
        opinions=[{"text": "顺序不妥", "quote": "确保信息畅通。  二、工作安排"}],
    )  # fmt: skip
    assert request.opinions.count() == 1


def test_answering_twice_is_a_conflict(document, bureau):
    round_ = open_round(document, bureau, reviewers=[bureau.reviewer, bureau.colleague])
    request = request_of(round_, bureau.reviewer)
    comment_request_respond(request=request, actor=bureau.reviewer, stance="agree")
    with pytest.raises(Conflict) as refused:
        comment_request_respond(request=request, actor=bureau.reviewer, stance="disagree", opinions=[{"text": "x"}])
    assert refused.value.code == "already_answered"
    assert request.opinions.count() == 0


def test_answering_after_the_round_closed_is_a_conflict(document, bureau):
    round_ = open_round(document, bureau)
    comment_round_close(round=round_, actor=bureau.drafter)
    with pytest.raises(Conflict) as refused:
        comment_request_respond(request=request_of(round_, bureau.reviewer), actor=bureau.reviewer, stance="agree")
    assert refused.value.code == "round_closed"


def test_only_the_reviewer_answers(document, bureau):
    request = request_of(open_round(document, bureau), bureau.reviewer)
    for person in (bureau.drafter, bureau.colleague):
        with pytest.raises(PermissionDenied):
            comment_request_respond(request=request, actor=person, stance="agree")


def test_a_quote_not_in_the_version_asked_about_is_refused(document, bureau):
    request = request_of(open_round(document, bureau), bureau.reviewer)
    with pytest.raises(ValidationError) as refused:
        comment_request_respond(
            request=request, actor=bureau.reviewer, stance="disagree",
            opinions=[{"text": "好", "quote": "请于三月底前报送值班表"}, {"text": "不对", "quote": "草稿里没有这句话"}],
        )  # fmt: skip
    assert list(refused.value.fields) == ["opinions.1.quote"]
    assert not Opinion.objects.exists()


def test_the_quote_is_checked_against_the_version_asked_about_not_a_later_one(document, bureau):
    request = request_of(open_round(document, bureau), bureau.reviewer)
    document_update(document=document, actor=bureau.drafter, body="全新的正文")
    with pytest.raises(ValidationError):
        comment_request_respond(
            request=request, actor=bureau.reviewer, stance="disagree", opinions=[{"text": "x", "quote": "全新的正文"}]
        )
    comment_request_respond(
        request=request, actor=bureau.reviewer, stance="disagree",
        opinions=[{"text": "保留", "quote": "加强值班管理"}],
    )  # fmt: skip
    assert request.opinions.get().quote == "加强值班管理"


@pytest.mark.parametrize("stance", ["disagree", "agree_with_changes"])
def test_a_stance_asking_for_change_needs_a_point(document, bureau, stance):
    request = request_of(open_round(document, bureau), bureau.reviewer)
    with pytest.raises(ValidationError) as refused:
        comment_request_respond(request=request, actor=bureau.reviewer, stance=stance, opinions=[])
    assert "opinions" in refused.value.fields


def test_an_empty_point_is_refused(document, bureau):
    request = request_of(open_round(document, bureau), bureau.reviewer)
    with pytest.raises(ValidationError) as refused:
        comment_request_respond(request=request, actor=bureau.reviewer, stance="agree", opinions=[{"text": "  "}])
    assert "opinions.0.text" in refused.value.fields


# --- Closing --------------------------------------------------------------------------------------


def test_closing_records_no_answer_and_cancels_the_items(document, bureau):
    round_ = open_round(document, bureau, reviewers=[bureau.reviewer, bureau.colleague])
    comment_request_respond(request=request_of(round_, bureau.reviewer), actor=bureau.reviewer, stance="agree")
    comment_round_close(round=round_, actor=bureau.drafter)
    round_.refresh_from_db()
    assert (round_.status, round_.closed_at) == (RoundStatus.CLOSED, timezone.now())
    silent = request_of(round_, bureau.colleague)
    assert silent.status == RequestStatus.NO_ANSWER
    (item,) = items_on(silent)
    assert (item.status, item.outcome) == (WorkItemStatus.CANCELLED, "no_answer")
    assert Notification.objects.filter(recipient=bureau.colleague, kind=NotificationKind.CANCELLED).exists()
    assert request_of(round_, bureau.reviewer).status == RequestStatus.ANSWERED


def test_only_the_drafter_closes_and_only_once(document, bureau):
    round_ = open_round(document, bureau)
    with pytest.raises(PermissionDenied):
        comment_round_close(round=round_, actor=bureau.reviewer)
    comment_round_close(round=round_, actor=bureau.drafter)
    with pytest.raises(Conflict):
        comment_round_close(round=round_, actor=bureau.drafter)


def test_the_round_closes_itself_when_everyone_has_answered(document, bureau):
    round_ = open_round(document, bureau, reviewers=[bureau.reviewer, bureau.colleague])
    comment_request_respond(request=request_of(round_, bureau.reviewer), actor=bureau.reviewer, stance="agree")
    round_.refresh_from_db()
    assert round_.status == RoundStatus.OPEN
    comment_request_respond(request=request_of(round_, bureau.colleague), actor=bureau.colleague, stance="no_comment")
    round_.refresh_from_db()
    assert round_.status == RoundStatus.CLOSED


# --- Handling the points, and the drafter's task ------------------------------------------------------


def answered_with_points(document, bureau, stance="disagree", texts=("删去第二部分", "改为三月中旬")):
    round_ = open_round(document, bureau)
    request = request_of(round_, bureau.reviewer)
    comment_request_respond(
        request=request, actor=bureau.reviewer, stance=stance, opinions=[{"text": t} for t in texts]
    )
    return round_, list(request.opinions.order_by("order"))


def drafter_tasks(document, bureau, **filters):
    return items_on(document, kind=WorkItemKind.TASK, assignee=bureau.drafter, **filters)


def test_the_drafter_gets_a_task_until_every_point_is_handled(document, bureau):
    _round, (first, second) = answered_with_points(document, bureau)
    (task,) = drafter_tasks(document, bureau)
    assert task.status == WorkItemStatus.OPEN
    assert document.title in task.title
    opinion_handle(opinion=first, actor=bureau.drafter, handling="adopted")
    assert drafter_tasks(document, bureau, status=WorkItemStatus.OPEN).count() == 1
    opinion_handle(opinion=second, actor=bureau.drafter, handling="not_adopted", note="时间已定，不宜更改")
    (task,) = drafter_tasks(document, bureau)
    assert task.status == WorkItemStatus.DONE
    second.refresh_from_db()
    assert (second.handling, second.note, second.handled_by) == ("not_adopted", "时间已定，不宜更改", bureau.drafter)


def test_other_tasks_of_the_drafter_on_the_document_are_left_alone(document, bureau):
    # The approval stage's "revise" item (assigned by an approver) is not the handling task.
    revise = workitem_open(
        assignee=bureau.drafter, kind=WorkItemKind.TASK, target=document, title="修改", assigned_by=bureau.head
    )
    _round, (first, second) = answered_with_points(document, bureau)
    assert drafter_tasks(document, bureau, status=WorkItemStatus.OPEN).count() == 2
    opinion_handle(opinion=first, actor=bureau.drafter, handling="adopted")
    opinion_handle(opinion=second, actor=bureau.drafter, handling="adopted")
    revise.refresh_from_db()
    assert revise.status == WorkItemStatus.OPEN
    assert drafter_tasks(document, bureau, status=WorkItemStatus.OPEN).get() == revise


def test_the_task_opens_when_the_round_is_closed_with_points_waiting(document, bureau):
    round_ = open_round(document, bureau, reviewers=[bureau.reviewer, bureau.colleague])
    comment_request_respond(
        request=request_of(round_, bureau.reviewer),
        actor=bureau.reviewer,
        stance="disagree",
        opinions=[{"text": "不妥"}],
    )
    assert not drafter_tasks(document, bureau).exists()  # the round is still waiting for the colleague
    comment_round_close(round=round_, actor=bureau.drafter)
    assert drafter_tasks(document, bureau, status=WorkItemStatus.OPEN).count() == 1


def test_no_task_when_nobody_made_a_point(document, bureau):
    round_ = open_round(document, bureau)
    comment_request_respond(request=request_of(round_, bureau.reviewer), actor=bureau.reviewer, stance="agree")
    assert not drafter_tasks(document, bureau).exists()


def test_a_reason_is_needed_unless_adopted(document, bureau):
    _round, (first, _second) = answered_with_points(document, bureau)
    for handling in ("partly_adopted", "not_adopted"):
        with pytest.raises(ValidationError) as refused:
            opinion_handle(opinion=first, actor=bureau.drafter, handling=handling, note=" ")
        assert "note" in refused.value.fields
    opinion_handle(opinion=first, actor=bureau.drafter, handling="adopted")


def test_only_the_drafter_handles_and_only_while_editable(document, bureau):
    _round, (first, _second) = answered_with_points(document, bureau)
    with pytest.raises(PermissionDenied):
        opinion_handle(opinion=first, actor=bureau.reviewer, handling="adopted")
    opinion_handle(opinion=first, actor=bureau.drafter, handling="adopted")
    opinion_handle(opinion=first, actor=bureau.drafter, handling="partly_adopted", note="部分采纳")  # may change
    type(document).objects.filter(pk=document.pk).update(status=DocumentStatus.AWAITING_APPROVAL)
    with pytest.raises(Conflict):
        opinion_handle(opinion=first, actor=bureau.drafter, handling="adopted")


# --- What approvers are told --------------------------------------------------------------------------


def test_summary_numbers_disagreements_and_blocking(document, bureau):
    round_ = open_round(document, bureau, reviewers=[bureau.reviewer, bureau.colleague, bureau.head])
    with translation.override("en"):
        assert "open" in blocking_reason(document)
    comment_request_respond(
        request=request_of(round_, bureau.reviewer), actor=bureau.reviewer, stance="disagree",
        opinions=[{"text": "甲"}, {"text": "乙"}],
    )  # fmt: skip
    comment_request_respond(
        request=request_of(round_, bureau.colleague), actor=bureau.colleague, stance="agree_with_changes",
        opinions=[{"text": "丙"}],
    )  # fmt: skip
    comment_round_close(round=round_, actor=bureau.drafter)
    summary = comment_selectors.opinion_summary(document=document)
    assert (summary.unhandled, summary.disagreements) == (3, 1)
    assert unresolved_disagreements(document) == 1
    assert "3" in blocking_reason(document)
    甲, 乙 = request_of(round_, bureau.reviewer).opinions.order_by("order")
    (丙,) = request_of(round_, bureau.colleague).opinions.all()
    opinion_handle(opinion=甲, actor=bureau.drafter, handling="adopted")
    opinion_handle(opinion=丙, actor=bureau.drafter, handling="not_adopted", note="不采纳")
    opinion_handle(opinion=乙, actor=bureau.drafter, handling="partly_adopted", note="部分")
    summary = comment_selectors.opinion_summary(document=document)
    assert (summary.unhandled, summary.disagreements) == (0, 1)  # 乙 only partly adopted: still a 不同意
    assert blocking_reason(document) is None
    opinion_handle(opinion=乙, actor=bureau.drafter, handling="adopted")
    assert unresolved_disagreements(document) == 0
    assert comment_selectors.opinion_summary(document=document).disagreements == 0
    data = comment_selectors.summary_data(comment_selectors.opinion_summary(document=document))
    statuses = sorted(r["status"] for r in data["rounds"][0]["requests"])
    assert statuses == ["answered", "answered", "no_answer"]


def test_nothing_blocks_a_document_never_commented_on(document):
    assert blocking_reason(document) is None
    assert unresolved_disagreements(document) == 0


# --- The reminder engine urges a late reviewer -----------------------------------------------------------


def test_a_late_reviewer_is_reminded_and_escalated(document, bureau, monday):
    round_ = open_round(document, bureau, reviewers=[bureau.reviewer, bureau.colleague])
    comment_request_respond(request=request_of(round_, bureau.colleague), actor=bureau.colleague, stance="agree")
    late = request_of(round_, bureau.reviewer)
    mine = Notification.objects.filter(recipient=bureau.reviewer, target_id=late.pk)
    # The day before it is due: reminded once; the colleague who answered is not.
    monday.move_to(datetime(2026, 3, 11, 9, 30, tzinfo=SH))
    scan_work_items()
    assert mine.filter(kind=NotificationKind.REMINDER).count() == 1
    assert not Notification.objects.filter(recipient=bureau.colleague, kind=NotificationKind.REMINDER).exists()
    # Three working days late: overdue reminders, and the department head is told.
    for day in (12, 13, 16):
        monday.move_to(datetime(2026, 3, day, 9, 30, tzinfo=SH))
        scan_work_items()
    assert mine.filter(kind=NotificationKind.OVERDUE).exists()
    assert Notification.objects.filter(recipient=bureau.legal_head, kind=NotificationKind.ESCALATION).exists()
    # Closing the round ends the urging.
    comment_round_close(round=round_, actor=bureau.drafter)
    urging = Notification.objects.filter(kind__in=["reminder", "overdue", "escalation"])
    before = urging.count()
    monday.move_to(datetime(2026, 3, 17, 9, 30, tzinfo=SH))
    scan_work_items()
    assert urging.count() == before
