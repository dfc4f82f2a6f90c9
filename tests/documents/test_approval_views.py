"""The approval pages: the drafter submits from the document page, the queue 待我审批的 with the
意见汇总表 counts and the changes since the approver last looked, the task page (text, summary, diff,
the decision form; phone-friendly), the timeline of decisions; refusals with their status, 404 for
whoever may not see it, and query budgets at two sizes."""

import re

import pytest
from django.urls import reverse

from documents.models import Approval, ApprovalStatus, DocumentStatus
from documents.services.approval import approval_decide
from documents.services.comments import comment_request_respond, comment_round_open, opinion_handle
from documents.services.drafting import document_create, document_mark_seen, document_update
from tests.documents import approval_support
from tests.documents.approval_support import approve, pending, submit
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

FORM = "application/x-www-form-urlencoded"

bureau, document, monday, chain = (
    approval_support.bureau,
    approval_support.document,
    approval_support.monday,
    approval_support.chain,
)


@pytest.fixture(autouse=True)
def _english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def url(name, *args):
    return reverse(f"documents:{name}", args=args)


def text(response):
    return response.content.decode()


def disagreed(document, bureau):
    """A 不同意 answer whose point the drafter did not adopt (with a reason)."""
    round_ = comment_round_open(document=document, actor=bureau.drafter, reviewers=[bureau.reviewer])
    request = round_.requests.get()
    comment_request_respond(request=request, actor=bureau.reviewer, stance="disagree", opinions=[{"text": "不宜印发"}])
    opinion_handle(opinion=request.opinions.get(), actor=bureau.drafter, handling="not_adopted", note="已请示领导")


# --- Submitting from the document page ---------------------------------------------------------------


def test_the_drafter_submits_from_the_document_page(client_of, document, bureau, chain):
    client = client_of(bureau.drafter)
    page = text(client.get(document.get_absolute_url()))
    assert 'id="submit-form"' in page
    assert chain.leader.display_name in page  # the signer choice lists leaders
    assert bureau.reviewer.display_name not in page.split('id="submit-form"')[1].split("</form>")[0]
    response = client.post(
        url("document_submit", document.pk), {"submit-signer": chain.leader.pk, "submit-countersign": []}
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.status == DocumentStatus.AWAITING_APPROVAL
    page = text(client.get(document.get_absolute_url()))
    assert 'id="approval-steps"' in page and 'id="submit-form"' not in page


def test_submit_refusals_on_the_page(client_of, document, bureau, chain):
    client = client_of(bureau.drafter)
    missing = client.post(url("document_submit", document.pk), {})
    assert missing.status_code == 400
    forged = client.post(url("document_submit", document.pk), {"submit-signer": "99999999999999999999"})
    assert forged.status_code == 400
    # A lone surrogate's bytes, percent-encoded: not valid UTF-8.
    surrogate = client.post(url("document_submit", document.pk), data="submit-signer=%ED%A0%80", content_type=FORM)
    assert surrogate.status_code == 400
    assert client_of(bureau.head).post(url("document_submit", document.pk), {}).status_code == 403
    assert client_of(bureau.outsider).post(url("document_submit", document.pk), {}).status_code == 404
    comment_round_open(document=document, actor=bureau.drafter, reviewers=[bureau.reviewer])
    page = client_of(bureau.drafter).get(document.get_absolute_url())
    assert 'id="submit-blocked"' in text(page) and 'id="submit-form"' not in text(page)
    blocked = client_of(bureau.drafter).post(url("document_submit", document.pk), {"submit-signer": chain.leader.pk})
    assert blocked.status_code == 409


def test_an_uncleared_approver_is_named_on_the_form(client_of, bureau, chain):
    secret = document_create(
        drafter=bureau.drafter, title="秘密", doc_type="notice", body="正文", classification="secret"
    )
    response = client_of(bureau.drafter).post(
        url("document_submit", secret.pk),
        {"submit-signer": chain.leader.pk, "submit-countersign": [bureau.uncleared.pk]},
    )
    assert response.status_code == 400
    assert bureau.uncleared.display_name in text(response)


# --- The queue and the task page ------------------------------------------------------------------


def test_the_queue_shows_the_disagreement_and_the_changes_since_last_seen(client_of, document, bureau, chain):
    disagreed(document, bureau)
    submit(document, bureau, chain)
    client = client_of(bureau.head)
    # The head reads version 1 and returns it; the drafter revises and resubmits version 2.
    client.post(
        url("approval_decide", pending(bureau.head).pk),
        {"decide-decision": "return", "decide-opinion": "请修改", "decide-version": 1},
    )
    document_update(document=document, actor=bureau.drafter, body="一、总体要求\n各单位要加强值班管理，确保通信畅通。")
    submit(document, bureau, chain)
    task = pending(bureau.head)
    page = text(client.get(url("approval_queue")))
    assert f'id="task-{task.pk}"' in page
    assert f'id="disagreement-{task.pk}"' in page
    assert "1 unresolved disagreement" in page
    changes = page.split(f'id="changes-{task.pk}"')[1].split("</details>")[0]
    assert "<ins>" in changes and "<del>" in changes and "version 1" in changes


def test_the_task_page_shows_text_summary_and_form_and_decides(client_of, document, bureau, chain):
    disagreed(document, bureau)
    submit(document, bureau, chain)
    task = pending(bureau.head)
    client = client_of(bureau.head)
    page = text(client.get(url("approval", task.pk)))
    assert 'id="disagreement-warning"' in page
    assert "不宜印发" in page and "已请示领导" in page  # the point, not adopted, with its reason
    assert "各单位要加强值班管理" in page
    assert 'id="decide-form"' in page and 'name="decide-version" value="1"' in page
    response = client.post(url("approval_decide", task.pk), {"decide-decision": "approve", "decide-version": 1})
    assert response.status_code == 302 and response.url == url("approval_queue")
    task.refresh_from_db()
    assert task.status == ApprovalStatus.DECIDED
    # Decided: the page shows the decision and no form; deciding again is a 409.
    page = text(client.get(url("approval", task.pk)))
    assert 'id="decide-form"' not in page
    again = client.post(url("approval_decide", task.pk), {"decide-decision": "approve", "decide-version": 1})
    assert again.status_code == 409 and 'id="refusal"' in text(again)


def test_decide_refusals_on_the_page(client_of, document, bureau, chain):
    submit(document, bureau, chain)
    task = pending(bureau.head)
    client = client_of(bureau.head)
    no_opinion = client.post(url("approval_decide", task.pk), {"decide-decision": "reject", "decide-version": 1})
    assert no_opinion.status_code == 400 and "is-invalid" in text(no_opinion)
    stale = client.post(url("approval_decide", task.pk), {"decide-decision": "approve", "decide-version": 9})
    assert stale.status_code == 409
    forged = client.post(
        url("approval_decide", task.pk), data="decide-decision=%ED%A0%80&decide-version=x", content_type=FORM
    )
    assert forged.status_code == 400
    assert (
        client_of(bureau.drafter)
        .post(url("approval_decide", task.pk), {"decide-decision": "approve", "decide-version": 1})
        .status_code
        == 403
    )
    sign = Approval.objects.get(step__document=document, step__kind="sign")
    not_current = client_of(chain.leader).post(
        url("approval_decide", sign.pk), {"decide-decision": "approve", "decide-version": 1}
    )
    assert not_current.status_code == 409
    task.refresh_from_db()
    assert task.status == ApprovalStatus.PENDING


def test_the_task_page_works_on_a_phone(client_of, document, bureau, chain):
    submit(document, bureau, chain)
    page = text(client_of(bureau.head).get(url("approval", pending(bureau.head).pk)))
    assert 'name="viewport" content="width=device-width' in page
    assert "<table" not in page  # no wide tables: cards and lists stack on a narrow screen
    assert 'class="col-lg-8"' in page  # one column below the large breakpoint
    assert 'type="radio"' in page  # the decision as large radio choices, not a tiny select
    queue = text(client_of(bureau.head).get(url("approval_queue")))
    assert "<table" not in queue


def test_the_approver_opens_their_task_from_the_document_page(client_of, document, bureau, chain):
    submit(document, bureau, chain)
    task = pending(bureau.head)
    page = text(client_of(bureau.head).get(document.get_absolute_url()))
    assert f'href="{url("approval", task.pk)}" id="my-approval-task"' in page
    assert 'id="my-approval-task"' not in text(client_of(chain.leader).get(document.get_absolute_url()))


def test_the_timeline_lists_every_decision(client_of, document, bureau, chain):
    submit(document, bureau, chain)
    approve(bureau.head, opinion="核稿同意")
    approval_decide(pending(chain.office_head), by=chain.office_head, decision="return", opinion="格式需调整")
    page = text(client_of(bureau.drafter).get(document.get_absolute_url()))
    timeline = page.split('id="approval-timeline"')[1].split("</ol>")[0]
    assert timeline.index("核稿同意") < timeline.index("格式需调整")
    assert "Return for revision" in timeline


def test_who_sees_the_task(client_of, document, bureau, chain):
    submit(document, bureau, chain)
    task = pending(bureau.head)
    assert client_of(chain.leader).get(url("approval", task.pk)).status_code == 200  # an approver, routed on it
    colleague = UserFactory(username="same_dept", department=bureau.general, clearance="secret")
    for person in (colleague, bureau.outsider, chain.internal_leader):
        client = client_of(person)
        assert client.get(url("approval", task.pk)).status_code == 404
        assert client.post(url("approval_decide", task.pk), {"decide-decision": "approve"}).status_code == 404
    assert client_of(bureau.head).get(url("approval", 99999999999999999999)).status_code == 404


def test_the_navigation_links_the_queue(client_of, bureau, chain):
    page = text(client_of(chain.leader).get(url("approval_queue")))
    assert 'id="nav-approvals"' in page and "Nothing awaits your approval" in page


# --- Query budgets ----------------------------------------------------------------------------------


def _many_tasks(bureau, chain, size):
    for i in range(size):
        doc = document_create(drafter=bureau.drafter, title=f"通知{i}", doc_type="notice", body=f"正文{i}")
        disagreed(doc, bureau)
        submit(doc, bureau, chain)
        approval_decide(pending(bureau.head, doc), by=bureau.head, decision="return", opinion="改")
        document_mark_seen(document=doc, user=bureau.head)  # the head read version 1
        document_update(document=doc, actor=bureau.drafter, body=f"正文{i}改")
        submit(doc, bureau, chain)


@pytest.mark.parametrize("size", [2, 8])
def test_queue_queries_do_not_grow(client_of, bureau, chain, size, django_assert_num_queries):
    _many_tasks(bureau, chain, size)
    client = client_of(bureau.head)
    client.get(url("approval_queue"))
    # 1 session, 2 user, 3 roles, 4 the tasks with step, document, drafter and department, 5 points
    # not handled, 6 disagreements (both per document, grouped), 7 the versions last seen, 8 those
    # versions and the current ones (one query for all), 9 the unread notification badge.
    with django_assert_num_queries(9):
        response = client.get(url("approval_queue"))
    assert len(re.findall(r'id="task-\d+"', text(response))) == size
    assert len(re.findall(r'id="changes-\d+"', text(response))) == size


@pytest.mark.parametrize("size", [2, 8])
def test_task_page_queries_do_not_grow(client_of, document, bureau, chain, size, django_assert_num_queries):
    people = UserFactory.create_batch(size, department=bureau.legal, clearance="secret")
    round_ = comment_round_open(document=document, actor=bureau.drafter, reviewers=people)
    for person in people:
        request = round_.requests.get(reviewer=person)
        comment_request_respond(request=request, actor=person, stance="agree_with_changes", opinions=[{"text": "甲"}])
        opinion_handle(opinion=request.opinions.get(), actor=bureau.drafter, handling="adopted")
    submit(document, bureau, chain, countersign=people)
    task = pending(bureau.head)
    client = client_of(bureau.head)
    client.get(url("approval", task.pk))
    # 1 session, 2 user, 3 roles, 4 the task with step, document and approver, 5-7 rounds, requests
    # with people, opinions (the 意见汇总表), 8 the version last seen, 9-10 the steps and their
    # approvals, 11 the unread notification badge.
    with django_assert_num_queries(11):
        response = client.get(url("approval", task.pk))
    assert len(re.findall(r'id="request-\d+"', text(response))) == size


@pytest.mark.parametrize("size", [2, 8])
def test_document_page_approval_queries_do_not_grow(
    client_of, document, bureau, chain, size, django_assert_num_queries
):
    people = UserFactory.create_batch(size, department=bureau.legal, clearance="secret")
    submit(document, bureau, chain, countersign=people)
    approve(bureau.head)
    for person in people:
        approve(person, document)
    client = client_of(bureau.drafter)
    client.get(document.get_absolute_url())
    # 1 session, 2 user, 3 roles, 4 the document, 5 versions, 6 files, 7 rounds (none: comments'
    # part), 8-9 the steps and their approvals with approvers, 10 the decisions with step and
    # approver, 11 "seen this version", 12 the badge.
    with django_assert_num_queries(12):
        response = client.get(document.get_absolute_url())
    assert len(re.findall(r'id="decision-\d+"', text(response))) == size + 1


def test_deciding_on_the_page_costs_the_same_however_many_countersign(client_of, bureau, chain):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for size in (2, 8):
        doc = document_create(drafter=bureau.drafter, title=f"会签{size}", doc_type="notice", body="正文")
        people = UserFactory.create_batch(size, department=bureau.legal, clearance="secret")
        submit(doc, bureau, chain, countersign=people)
        approve(bureau.head, doc)
        for person in people[:-1]:
            approve(person, doc)
        last = pending(people[-1], doc)
        client = client_of(people[-1])
        with CaptureQueriesContext(connection) as queries:
            response = client.post(url("approval_decide", last.pk), {"decide-decision": "approve", "decide-version": 1})
        assert response.status_code == 302
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


@pytest.mark.parametrize("size", [2, 8])
def test_document_page_submit_form_queries_do_not_grow(
    client_of, document, bureau, chain, size, django_assert_num_queries
):
    from tests.factories import LeaderFactory

    LeaderFactory.create_batch(size, department=chain.leader.department, clearance="secret")
    client = client_of(bureau.drafter)
    client.get(document.get_absolute_url())
    # 1 session, 2 user, 3 roles, 4 the document, 5 versions, 6 files, 7 rounds (comments' part),
    # 8 an open round?, 9 unhandled points? (why it could not be submitted yet), 10 "seen this
    # version", 11 the leaders to choose the signer from, 12 the badge.
    with django_assert_num_queries(12):
        response = client.get(document.get_absolute_url())
    # "—" and every leader (the chain's two and these); the countersign picker starts empty.
    assert text(response).count('<option value="') == 1 + 2 + size
