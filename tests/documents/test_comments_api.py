"""The comment-collection endpoints (API.md, Documents): shapes, refusals (400/403/404/409), the
outsider's 404 on every endpoint, the exports read back, and query budgets at two sizes."""

import io

import pytest

from documents.models import CommentRequest, Opinion, RequestStatus
from documents.services.comments import comment_request_respond, comment_round_close, comment_round_open
from documents.services.drafting import document_create
from tests.api import as_, assert_error
from tests.documents import comments_support
from tests.documents.comments_support import SECRET
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# The shared fixtures (tests/documents/comments_support.py).
bureau, document, monday = comments_support.bureau, comments_support.document, comments_support.monday


def rounds_url(document):
    return f"/api/v1/documents/{document.pk}/comment-rounds/"


def summary_url(document, suffix=""):
    return f"/api/v1/documents/{document.pk}/opinion-summary/{suffix}"


def open_round(document, bureau, reviewers=None):
    return comment_round_open(
        document=document, actor=bureau.drafter, reviewers=reviewers or [bureau.reviewer, bureau.colleague]
    )


def request_of(round_, person):
    return CommentRequest.objects.get(round=round_, reviewer=person)


def answer(round_, person, stance="disagree", texts=("删去第二部分",)):
    request = request_of(round_, person)
    comment_request_respond(request=request, actor=person, stance=stance, opinions=[{"text": t} for t in texts])
    return request


# --- Opening a round --------------------------------------------------------------------------


def test_open_a_round(document, bureau):
    response = as_(bureau.drafter).post(
        rounds_url(document),
        {"reviewers": [bureau.reviewer.pk], "departments": [bureau.legal.pk], "instructions": "请于周三前反馈"},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "open"
    assert body["number"] == 1
    assert body["instructions"] == "请于周三前反馈"
    assert {(r["reviewer"], r["status"], r["department"]) for r in body["requests"]} == {
        (bureau.reviewer.pk, "pending", None),
        (bureau.legal_head.pk, "pending", bureau.legal.pk),
    }
    assert all(r["due_at"] == body["due_at"] for r in body["requests"])
    assert set(body["requests"][0]) >= {"id", "reviewer", "status", "due_at"}


def test_a_reviewer_below_the_classification_is_a_400_naming_them(bureau):
    secret = document_create(
        drafter=bureau.drafter, title="涉密", doc_type="notice", body="正文", classification=SECRET
    )
    response = as_(bureau.drafter).post(
        rounds_url(secret), {"reviewers": [bureau.reviewer.pk, bureau.uncleared.pk]}, format="json"
    )
    body = assert_error(response, 400)
    assert bureau.uncleared.display_name in body["fields"]["reviewers"][0]


def test_open_refusals(document, bureau):
    # The drafting department's head sees the draft but does not drafts it: 403.
    assert_error(as_(bureau.head).post(rounds_url(document), {"reviewers": [bureau.reviewer.pk]}, format="json"), 403)
    assert_error(as_(bureau.drafter).post(rounds_url(document), {"reviewers": []}, format="json"), 400)
    assert_error(as_(bureau.drafter).post(rounds_url(document), {"reviewers": [999999]}, format="json"), 400)
    assert_error(
        as_(bureau.drafter).post(
            rounds_url(document),
            {"reviewers": [bureau.reviewer.pk], "due_at": "2020-01-01T10:00:00+08:00"},
            format="json",
        ),
        400,
    )
    open_round(document, bureau)
    assert_error(as_(bureau.drafter).post(rounds_url(document), {"reviewers": [bureau.head.pk]}, format="json"), 409)


# --- Answering ----------------------------------------------------------------------------------


def respond_url(request):
    return f"/api/v1/comment-requests/{request.pk}/respond/"


def test_respond(document, bureau):
    request = request_of(open_round(document, bureau), bureau.reviewer)
    response = as_(bureau.reviewer).post(
        respond_url(request),
        {
            "stance": "agree_with_changes",
            "opinions": [{"text": "明确报送对象", "quote": "请于三月底前报送值班表"}, {"text": "精简标题"}],
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["id"], body["status"], body["stance"]) == (request.pk, "answered", "agree_with_changes")
    assert [(o["text"], o["quote"], o["handling"]) for o in body["opinions"]] == [
        ("明确报送对象", "请于三月底前报送值班表", ""),
        ("精简标题", "", ""),
    ]
    assert all(isinstance(o["id"], int) for o in body["opinions"])
    twice = as_(bureau.reviewer).post(respond_url(request), {"stance": "agree"}, format="json")
    assert assert_error(twice, 409)["code"] == "already_answered"


def test_respond_refusals(document, bureau):
    round_ = open_round(document, bureau)
    request = request_of(round_, bureau.reviewer)
    quote_missing = as_(bureau.reviewer).post(
        respond_url(request),
        {"stance": "disagree", "opinions": [{"text": "不妥", "quote": "没有的句子"}]},
        format="json",
    )
    assert "opinions.0.quote" in assert_error(quote_missing, 400)["fields"]
    assert_error(as_(bureau.reviewer).post(respond_url(request), {"stance": "disagree"}, format="json"), 400)
    assert_error(as_(bureau.reviewer).post(respond_url(request), {"stance": "maybe"}, format="json"), 400)
    assert_error(as_(bureau.drafter).post(respond_url(request), {"stance": "agree"}, format="json"), 403)
    comment_round_close(round=round_, actor=bureau.drafter)
    after = as_(bureau.reviewer).post(respond_url(request), {"stance": "agree"}, format="json")
    assert assert_error(after, 409)["code"] == "round_closed"


def test_delegate(document, bureau):
    round_ = comment_round_open(document=document, actor=bureau.drafter, reviewers=[], departments=[bureau.legal])
    request = request_of(round_, bureau.legal_head)
    url = f"/api/v1/comment-requests/{request.pk}/delegate/"
    assert_error(
        as_(bureau.colleague).post(url, {"delegate": bureau.colleague.pk}, format="json"), 404
    )  # not routed yet
    assert_error(as_(bureau.head).post(url, {"delegate": bureau.colleague.pk}, format="json"), 403)
    response = as_(bureau.legal_head).post(url, {"delegate": bureau.colleague.pk}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["delegate"] == bureau.colleague.pk
    mine = as_(bureau.colleague).get("/api/v1/comment-requests/", {"status": "pending"}).json()["results"]
    assert [r["id"] for r in mine] == [request.pk]
    assert as_(bureau.colleague).post(respond_url(request), {"stance": "agree"}, format="json").status_code == 200


def test_my_pending_requests(document, bureau):
    round_ = open_round(document, bureau)
    answer(round_, bureau.colleague, stance="agree", texts=())
    other = document_create(drafter=bureau.drafter, title="另一份", doc_type="notice", body="正文")
    open_round(other, bureau)
    pending = as_(bureau.reviewer).get("/api/v1/comment-requests/", {"status": "pending"})
    assert pending.status_code == 200
    rows = pending.json()["results"]
    assert {r["document"] for r in rows} == {document.pk, other.pk}
    assert {r["status"] for r in rows} == {"pending"}
    colleague = as_(bureau.colleague).get("/api/v1/comment-requests/", {"status": "pending"}).json()["results"]
    assert [r["document"] for r in colleague] == [other.pk]
    assert_error(as_(bureau.reviewer).get("/api/v1/comment-requests/", {"status": "nonsense"}), 400)
    assert as_(bureau.drafter).get("/api/v1/comment-requests/").json()["results"] == []


# --- Closing and handling ---------------------------------------------------------------------------


def test_close(document, bureau):
    round_ = open_round(document, bureau)
    answer(round_, bureau.reviewer)
    url = f"/api/v1/comment-rounds/{round_.pk}/close/"
    assert_error(as_(bureau.reviewer).post(url), 403)
    response = as_(bureau.drafter).post(url)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "closed"
    assert {r["reviewer"]: r["status"] for r in body["requests"]} == {
        bureau.reviewer.pk: "answered",
        bureau.colleague.pk: "no_answer",
    }
    assert_error(as_(bureau.drafter).post(url), 409)


def test_handle(document, bureau):
    round_ = open_round(document, bureau, reviewers=[bureau.reviewer])
    opinion = Opinion.objects.get(request=answer(round_, bureau.reviewer))
    url = f"/api/v1/opinions/{opinion.pk}/handle/"
    missing = as_(bureau.drafter).post(url, {"handling": "not_adopted"}, format="json")
    assert "note" in assert_error(missing, 400)["fields"]
    assert_error(as_(bureau.reviewer).post(url, {"handling": "adopted"}, format="json"), 403)
    response = as_(bureau.drafter).post(url, {"handling": "partly_adopted", "note": "采纳前半部分"}, format="json")
    assert response.status_code == 200, response.content
    assert (response.json()["handling"], response.json()["note"]) == ("partly_adopted", "采纳前半部分")
    adopted = as_(bureau.drafter).post(url, {"handling": "adopted"}, format="json")
    assert adopted.json()["handling"] == "adopted"


def test_summary(document, bureau):
    round_ = open_round(document, bureau, reviewers=[bureau.reviewer, bureau.colleague, bureau.head])
    answer(round_, bureau.reviewer, texts=("甲", "乙"))
    answer(round_, bureau.colleague, stance="agree", texts=())
    comment_round_close(round=round_, actor=bureau.drafter)
    response = as_(bureau.head).get(summary_url(document))
    assert response.status_code == 200
    body = response.json()
    assert (body["unhandled"], body["disagreements"]) == (2, 1)
    (round_data,) = body["rounds"]
    assert round_data["id"] == round_.pk
    by_reviewer = {r["reviewer"]: r for r in round_data["requests"]}
    assert by_reviewer[bureau.reviewer.pk]["stance"] == "disagree"
    assert [o["text"] for o in by_reviewer[bureau.reviewer.pk]["opinions"]] == ["甲", "乙"]
    assert set(by_reviewer[bureau.reviewer.pk]["opinions"][0]) >= {"id", "text", "quote", "handling", "note"}
    assert by_reviewer[bureau.head.pk]["status"] == "no_answer"


# --- Exports, read back ---------------------------------------------------------------------------


@pytest.fixture
def commented(document, bureau):
    round_ = open_round(document, bureau)
    request = request_of(round_, bureau.reviewer)
    comment_request_respond(
        request=request, actor=bureau.reviewer, stance="disagree",
        opinions=[{"text": "=删去第二部分", "quote": "请于三月底前报送值班表"}],
    )  # fmt: skip
    comment_round_close(round=round_, actor=bureau.drafter)
    return document


def test_xlsx_export_reads_back(commented, bureau):
    from openpyxl import load_workbook

    response = as_(bureau.drafter).get(summary_url(commented, "xlsx/"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert "attachment" in response["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert len(rows) == 3  # the header, the point, and the colleague's "no answer"
    point = rows[1]
    assert bureau.reviewer.display_name in point
    assert "'=删去第二部分" in point  # a formula-looking text is defused
    assert "请于三月底前报送值班表" in point


def test_docx_export_reads_back(commented, bureau):
    from docx import Document as Docx

    response = as_(bureau.drafter).get(summary_url(commented, "docx/"))
    assert response.status_code == 200
    table = Docx(io.BytesIO(response.content)).tables[0]
    cells = [cell.text for row in table.rows for cell in row.cells]
    assert "=删去第二部分" in cells
    assert bureau.colleague.display_name in cells
    assert len(table.rows) == 3


# --- Visibility: an outsider gets 404 on every endpoint ----------------------------------------------


def test_outsider_gets_404_everywhere(commented, bureau):
    round_ = commented.rounds.get()
    request = request_of(round_, bureau.reviewer)
    opinion = request.opinions.get()
    client = as_(bureau.outsider)
    for response in (
        client.post(rounds_url(commented), {"reviewers": [bureau.outsider.pk]}, format="json"),
        client.post(respond_url(request), {"stance": "agree"}, format="json"),
        client.post(
            f"/api/v1/comment-requests/{request.pk}/delegate/", {"delegate": bureau.outsider.pk}, format="json"
        ),
        client.get(f"/api/v1/comment-requests/{request.pk}/"),
        client.get(f"/api/v1/comment-rounds/{round_.pk}/"),
        client.post(f"/api/v1/comment-rounds/{round_.pk}/close/"),
        client.post(f"/api/v1/opinions/{opinion.pk}/handle/", {"handling": "adopted"}, format="json"),
        client.get(summary_url(commented)),
        client.get(summary_url(commented, "xlsx/")),
        client.get(summary_url(commented, "docx/")),
    ):
        assert_error(response, 404)
    assert client.get("/api/v1/comment-requests/").json()["results"] == []


def test_a_reviewer_not_cleared_any_more_gets_404(commented, bureau):
    bureau.reviewer.clearance = "public"
    bureau.reviewer.save()
    request = request_of(commented.rounds.get(), bureau.reviewer)
    assert_error(as_(bureau.reviewer).get(f"/api/v1/comment-requests/{request.pk}/"), 404)


# --- Query budgets ------------------------------------------------------------------------------------


def many_answers(document, bureau, size):
    people = UserFactory.create_batch(size, department=bureau.legal)
    round_ = comment_round_open(document=document, actor=bureau.drafter, reviewers=people)
    for person in people:
        answer(round_, person, texts=("甲", "乙"))
    return round_, people


@pytest.mark.parametrize("size", [2, 8])
def test_summary_queries_do_not_grow(document, bureau, size, django_assert_num_queries):
    many_answers(document, bureau, size)
    client = as_(bureau.drafter)
    # 1 the viewer's roles (visibility), 2 the document, 3 its rounds, 4 their requests with the
    # people and departments joined, 5 the requests' opinions.
    with django_assert_num_queries(5):
        response = client.get(summary_url(document))
    assert len(response.json()["rounds"][0]["requests"]) == size


@pytest.mark.parametrize("size", [2, 8])
def test_request_list_queries_do_not_grow(bureau, size, django_assert_num_queries):
    for i in range(size):
        doc = document_create(drafter=bureau.drafter, title=f"通知{i}", doc_type="notice", body="正文")
        comment_round_open(document=doc, actor=bureau.drafter, reviewers=[bureau.reviewer])
    client = as_(bureau.reviewer)
    # 1 the viewer's roles (visibility), 2 the page of requests with round and document, 3 their opinions.
    with django_assert_num_queries(3):
        response = client.get("/api/v1/comment-requests/", {"status": RequestStatus.PENDING})
    assert len(response.json()["results"]) == size


@pytest.mark.parametrize("size", [2, 8])
def test_respond_queries_do_not_grow_with_the_points(document, bureau, size, django_assert_max_num_queries):
    request = request_of(open_round(document, bureau), bureau.reviewer)
    points = [{"text": f"意见{i}"} for i in range(size)]
    with django_assert_max_num_queries(40):
        response = as_(bureau.reviewer).post(
            respond_url(request), {"stance": "disagree", "opinions": points}, format="json"
        )
    assert len(response.json()["opinions"]) == size
