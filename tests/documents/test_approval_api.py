"""The approval endpoints (API.md, Documents): submit, the person's tasks, one task, decide; the
document detail's current steps; refusals (400/403/404/409) on hostile input, never a 500; the
outsider's 404; query budgets at two sizes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from documents.models import Approval, ApprovalStatus, DocumentStatus, StepKind
from documents.services.drafting import document_create, document_update
from tests.api import as_, assert_error
from tests.documents import approval_support
from tests.documents.approval_support import approve, pending, submit
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

bureau, document, monday, chain = (
    approval_support.bureau,
    approval_support.document,
    approval_support.monday,
    approval_support.chain,
)


def submit_url(document):
    return f"/api/v1/documents/{document.pk}/submit/"


def decide_url(approval):
    return f"/api/v1/approvals/{approval.pk}/decide/"


def test_submit_answers_with_the_document_and_its_current_steps(document, bureau, chain):
    response = as_(bureau.drafter).post(
        submit_url(document), {"signer": chain.leader.pk, "countersign": [chain.countersigner.pk]}, format="json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == DocumentStatus.AWAITING_APPROVAL
    assert body["version"] == 1
    assert [s["kind"] for s in body["steps"]] == ["review", "countersign", "office_review", "sign"]
    first = body["steps"][0]
    assert first["status"] == "current" and first["order"] == 1
    assert set(first["approvals"][0]) >= {"id", "approver", "status", "decision", "opinion", "decided_at"}
    assert first["approvals"][0]["approver"] == bureau.head.pk
    assert first["approvals"][0]["status"] == ApprovalStatus.PENDING


def test_the_detail_shows_only_the_current_cycle(document, bureau, chain):
    submit(document, bureau, chain)
    from documents.services.approval import approval_decide

    approval_decide(pending(bureau.head), by=bureau.head, decision="return", opinion="请补充")
    document_update(document=document, actor=bureau.drafter, title="关于加强值班管理的通知（修改稿）")
    submit(document, bureau, chain)
    body = as_(bureau.drafter).get(f"/api/v1/documents/{document.pk}/").json()
    assert [s["status"] for s in body["steps"]] == ["current", "waiting", "waiting"]
    assert all(a["decision"] == "" for s in body["steps"] for a in s["approvals"])


def test_submit_refusals(document, bureau, chain):
    client = as_(bureau.drafter)
    assert_error(client.post(submit_url(document), {"signer": bureau.reviewer.pk}, format="json"), 400)
    body = assert_error(client.post(submit_url(document), {}, format="json"), 400)
    assert "signer" in body["fields"]
    assert_error(client.post(submit_url(document), {"signer": 2**70}, format="json"), 400)
    raw = '{"signer": "\\ud800", "countersign": ["\\udc00"]}'  # ASCII escapes: valid JSON, not valid text
    assert_error(client.post(submit_url(document), data=raw, content_type="application/json"), 400)
    assert_error(client.post(submit_url(document), {"signer": chain.leader.pk, "sneaky": 1}, format="json"), 400)
    assert_error(client.post(submit_url(document), {"signer": chain.leader.pk, "countersign": "x"}, format="json"), 400)
    # Not the drafter: visible to the head, but not theirs to submit.
    assert_error(as_(bureau.head).post(submit_url(document), {"signer": chain.leader.pk}, format="json"), 403)
    assert_error(as_(bureau.outsider).post(submit_url(document), {"signer": chain.leader.pk}, format="json"), 404)
    assert_error(client.post("/api/v1/documents/99999999999999999999/submit/", {}, format="json"), 404)
    assert client.post(submit_url(document), {"signer": chain.leader.pk}, format="json").status_code == 200
    assert_error(client.post(submit_url(document), {"signer": chain.leader.pk}, format="json"), 409, "invalid_state")


def test_an_uncleared_approver_is_a_400_naming_them(bureau, chain):
    secret = document_create(
        drafter=bureau.drafter, title="秘密", doc_type="notice", body="正文", classification="secret"
    )
    body = assert_error(
        as_(bureau.drafter).post(
            submit_url(secret), {"signer": chain.leader.pk, "countersign": [bureau.uncleared.pk]}, format="json"
        ),
        400,
    )
    assert bureau.uncleared.display_name in body["fields"]["approvers"][0]


def test_my_pending_tasks(document, bureau, chain):
    submit(document, bureau, chain)
    other = document_create(drafter=bureau.drafter, title="另一份通知", doc_type="notice", body="正文")
    submit(other, bureau, chain)
    approve(bureau.head, other)
    response = as_(bureau.head).get("/api/v1/approvals/", {"status": "pending"})
    assert response.status_code == 200
    body = response.json()
    assert set(body) >= {"results", "next", "previous"}
    assert [r["document"] for r in body["results"]] == [document.pk]
    row = body["results"][0]
    assert set(row) >= {"id", "document", "step", "kind", "status"}
    assert (row["kind"], row["status"]) == (StepKind.REVIEW, ApprovalStatus.PENDING)
    # The leader's task is not current yet: not in their pending list; nobody sees another's tasks.
    assert as_(chain.leader).get("/api/v1/approvals/", {"status": "pending"}).json()["results"] == []
    assert as_(bureau.drafter).get("/api/v1/approvals/").json()["results"] == []
    assert_error(as_(bureau.head).get("/api/v1/approvals/", {"status": "bogus"}), 400)


def test_decide_approve_return_reject(document, bureau, chain):
    submit(document, bureau, chain)
    task = pending(bureau.head)
    response = as_(bureau.head).post(decide_url(task), {"decision": "approve", "opinion": "同意"}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["decision"], body["version"]) == ("decided", "approve", 1)
    assert_error(
        as_(bureau.head).post(decide_url(task), {"decision": "approve"}, format="json"), 409, "already_decided"
    )
    office_task = pending(chain.office_head)
    body = assert_error(
        as_(chain.office_head).post(decide_url(office_task), {"decision": "return"}, format="json"), 400
    )
    assert "opinion" in body["fields"]
    as_(chain.office_head).post(decide_url(office_task), {"decision": "return", "opinion": "格式不符"}, format="json")
    assert as_(bureau.drafter).get(f"/api/v1/documents/{document.pk}/").json()["status"] == "revising"


def test_decide_refusals(document, bureau, chain):
    submit(document, bureau, chain)
    task = pending(bureau.head)
    sign_task = Approval.objects.get(step__document=document, step__kind=StepKind.SIGN)
    assert_error(
        as_(chain.leader).post(decide_url(sign_task), {"decision": "approve"}, format="json"), 409, "not_current"
    )
    assert_error(as_(bureau.drafter).post(decide_url(task), {"decision": "approve"}, format="json"), 403)
    assert_error(as_(bureau.outsider).post(decide_url(task), {"decision": "approve"}, format="json"), 404)
    assert_error(as_(bureau.outsider).get(f"/api/v1/approvals/{task.pk}/"), 404)
    client = as_(bureau.head)
    assert_error(client.post(decide_url(task), {"decision": "maybe"}, format="json"), 400)
    raw = '{"decision": "approve", "opinion": "\\ud800"}'
    assert_error(client.post(decide_url(task), data=raw, content_type="application/json"), 400)
    assert_error(client.post(decide_url(task), {"decision": "approve", "version": 2**80}, format="json"), 400)
    assert_error(
        client.post(decide_url(task), {"decision": "approve", "version": 5}, format="json"), 409, "stale_version"
    )
    assert_error(client.post("/api/v1/approvals/99999999999999999999/decide/", {"decision": "approve"}), 404)
    assert_error(client.post("/api/v1/approvals/abc/decide/", {"decision": "approve"}), 404)
    task.refresh_from_db()
    assert task.status == ApprovalStatus.PENDING


def test_a_task_is_visible_to_the_drafter_but_not_to_a_colleague_without_need_to_know(document, bureau, chain):
    submit(document, bureau, chain)
    task = pending(bureau.head)
    assert as_(bureau.drafter).get(f"/api/v1/approvals/{task.pk}/").json()["id"] == task.pk
    assert as_(chain.leader).get(f"/api/v1/approvals/{task.pk}/").status_code == 200  # routed on it
    colleague = UserFactory(username="same_dept", department=bureau.general)
    assert_error(as_(colleague).get(f"/api/v1/approvals/{task.pk}/"), 404)
    assert_error(as_(chain.internal_leader).get(f"/api/v1/approvals/{task.pk}/"), 404)


# --- Query budgets ----------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [2, 8])
def test_pending_list_queries_do_not_grow(bureau, chain, size, django_assert_num_queries):
    for i in range(size):
        doc = document_create(drafter=bureau.drafter, title=f"通知{i}", doc_type="notice", body="正文")
        submit(doc, bureau, chain)
    client = as_(bureau.head)
    # 1 the viewer's roles (visibility), 2 the page of tasks with step, document and approver.
    with django_assert_num_queries(2):
        response = client.get("/api/v1/approvals/", {"status": "pending"})
    assert len(response.json()["results"]) == size


def test_decide_costs_the_same_however_many_countersign(bureau, chain):
    counts = []
    for size in (2, 8):
        doc = document_create(drafter=bureau.drafter, title=f"会签{size}", doc_type="notice", body="正文")
        people = UserFactory.create_batch(size, department=bureau.legal, clearance="secret")
        submit(doc, bureau, chain, countersign=people)
        approve(bureau.head, doc)
        for person in people[:-1]:
            approve(person, doc)
        last = pending(people[-1], doc)
        client = as_(people[-1])
        with CaptureQueriesContext(connection) as queries:
            response = client.post(decide_url(last), {"decision": "approve"}, format="json")
        assert response.status_code == 200, response.content
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
