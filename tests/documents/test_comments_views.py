"""The comment-collection pages: open a round, answer with quotes, hand over, close, handle the
points, the 意见汇总表 with its downloads, the document page's rounds; refusals with their status,
the outsider's 404 everywhere, and query budgets at two sizes."""

import io
import re

import pytest
from django.urls import reverse

from documents.models import CommentRequest, CommentRound, Opinion, RequestStatus, RoundStatus
from documents.services.comments import comment_request_respond, comment_round_close, comment_round_open
from documents.services.drafting import document_create
from tests.documents import comments_support
from tests.documents.comments_support import SECRET
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# The shared fixtures (tests/documents/comments_support.py).
bureau, document, monday = comments_support.bureau, comments_support.document, comments_support.monday


@pytest.fixture(autouse=True)
def _english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def url(name, *args):
    return reverse(f"documents:{name}", args=args)


def text(response):
    return response.content.decode()


def open_round(document, bureau, reviewers=None, departments=()):
    return comment_round_open(
        document=document,
        actor=bureau.drafter,
        reviewers=[bureau.reviewer, bureau.colleague] if reviewers is None else reviewers,
        departments=departments,
    )


def request_of(round_, person):
    return CommentRequest.objects.get(round=round_, reviewer=person)


def answer(round_, person, stance="disagree", points=({"text": "删去第二部分", "quote": "请于三月底前报送值班表"},)):
    request = request_of(round_, person)
    comment_request_respond(request=request, actor=person, stance=stance, opinions=list(points))
    return request


# --- Opening a round ------------------------------------------------------------------------------


def test_the_drafter_opens_a_round_from_the_page(client_of, document, bureau):
    client = client_of(bureau.drafter)
    page = client.get(url("comment_round_create", document.pk))
    assert page.status_code == 200
    assert "2026-03-11 17:" in text(page) or "2026-03-11 18:" in text(page)  # the default deadline is shown
    response = client.post(
        url("comment_round_create", document.pk),
        {"reviewers": [bureau.reviewer.pk], "departments": [bureau.legal.pk], "due_at": "", "instructions": "请审阅"},
    )
    assert response.status_code == 302
    assert response.url == document.get_absolute_url()
    round_ = CommentRound.objects.get(document=document)
    assert round_.requests.count() == 2
    # The document page lists the round and its requests.
    page = text(client.get(document.get_absolute_url()))
    assert f'id="round-{round_.pk}"' in page
    assert bureau.legal_head.display_name in page


def test_a_reviewer_below_the_classification_is_named_on_the_form(client_of, bureau):
    secret = document_create(
        drafter=bureau.drafter, title="涉密", doc_type="notice", body="正文", classification=SECRET
    )
    response = client_of(bureau.drafter).post(
        url("comment_round_create", secret.pk), {"reviewers": [bureau.uncleared.pk], "instructions": ""}
    )
    assert response.status_code == 400
    assert bureau.uncleared.display_name in text(response)
    assert not CommentRound.objects.exists()


def test_only_the_drafter_opens_a_round(client_of, document, bureau):
    assert client_of(bureau.head).get(url("comment_round_create", document.pk)).status_code == 403
    assert (
        client_of(bureau.head)
        .post(url("comment_round_create", document.pk), {"reviewers": [bureau.reviewer.pk]})
        .status_code
        == 403
    )
    assert not CommentRound.objects.exists()


# --- Answering --------------------------------------------------------------------------------------


def test_the_reviewer_answers_with_a_quoted_point(client_of, document, bureau):
    round_ = open_round(document, bureau)
    request = request_of(round_, bureau.reviewer)
    client = client_of(bureau.reviewer)
    page = client.get(url("comment_request", request.pk))
    assert page.status_code == 200
    assert 'id="respond-form"' in text(page)
    assert "各单位要加强值班管理" in text(page)  # the draft is shown
    assert "js/comments.js" in text(page)
    response = client.post(
        url("comment_request_respond", request.pk),
        {
            "respond-stance": "agree_with_changes",
            "opinion_text": ["明确报送对象", "", "精简标题"],
            "opinion_quote": ["请于三月底前报送值班表", "", ""],
        },
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.ANSWERED
    assert list(request.opinions.values_list("text", "quote")) == [
        ("明确报送对象", "请于三月底前报送值班表"),
        ("精简标题", ""),
    ]
    page = text(client.get(url("comment_request", request.pk)))
    assert '<mark class="xt-quote">请于三月底前报送值班表</mark>' in page
    assert 'id="respond-form"' not in page
    # Answering again: the form is gone and a forged post is a conflict.
    again = client.post(url("comment_request_respond", request.pk), {"respond-stance": "agree"})
    assert again.status_code == 409


def test_answer_refusals_are_shown_on_the_page(client_of, document, bureau):
    request = request_of(open_round(document, bureau), bureau.reviewer)
    client = client_of(bureau.reviewer)
    missing = client.post(
        url("comment_request_respond", request.pk),
        {"respond-stance": "disagree", "opinion_text": ["不妥"], "opinion_quote": ["草稿里没有的话"]},
    )
    assert missing.status_code == 400
    assert "The quoted passage is not in the version asked about" in text(missing)
    assert "草稿里没有的话" in text(missing)  # what was typed is kept
    no_points = client.post(url("comment_request_respond", request.pk), {"respond-stance": "disagree"})
    assert no_points.status_code == 400
    not_mine = client_of(bureau.drafter).post(url("comment_request_respond", request.pk), {"respond-stance": "agree"})
    assert not_mine.status_code == 403
    comment_round_close(round=request.round, actor=bureau.drafter)
    late = client_of(bureau.reviewer).post(url("comment_request_respond", request.pk), {"respond-stance": "agree"})
    assert late.status_code == 409
    assert not Opinion.objects.exists()


def test_the_head_hands_a_department_request_to_a_colleague(client_of, document, bureau):
    round_ = open_round(document, bureau, reviewers=[], departments=[bureau.legal])
    request = request_of(round_, bureau.legal_head)
    page = text(client_of(bureau.legal_head).get(url("comment_request", request.pk)))
    assert 'id="delegate-form"' in page
    response = client_of(bureau.legal_head).post(
        url("comment_request_delegate", request.pk), {"delegate-delegate": bureau.colleague.pk}
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.delegate == bureau.colleague
    page = text(client_of(bureau.colleague).get(url("comment_request", request.pk)))
    assert 'id="respond-form"' in page
    assert 'id="delegate-form"' not in page


def test_my_requests_page(client_of, document, bureau):
    request = request_of(open_round(document, bureau), bureau.reviewer)
    page = client_of(bureau.reviewer).get(url("comment_request_list"))
    assert page.status_code == 200
    assert f'id="request-{request.pk}"' in text(page)
    assert f'id="request-{request.pk}"' not in text(client_of(bureau.outsider).get(url("comment_request_list")))


# --- Closing, handling, the summary -------------------------------------------------------------------


def test_close_from_the_page(client_of, document, bureau):
    round_ = open_round(document, bureau)
    assert client_of(bureau.reviewer).post(url("comment_round_close", round_.pk)).status_code == 403
    response = client_of(bureau.drafter).post(url("comment_round_close", round_.pk))
    assert response.status_code == 302
    round_.refresh_from_db()
    assert round_.status == RoundStatus.CLOSED
    assert client_of(bureau.drafter).post(url("comment_round_close", round_.pk)).status_code == 409


def test_the_drafter_handles_each_point_on_the_summary(client_of, document, bureau):
    round_ = open_round(document, bureau, reviewers=[bureau.reviewer])
    opinion = Opinion.objects.get(request=answer(round_, bureau.reviewer))
    client = client_of(bureau.drafter)
    page = text(client.get(url("opinion_summary", document.pk)))
    assert f'id="handle-{opinion.pk}"' in page
    assert 'id="disagreement-warning"' in page
    missing = client.post(
        url("opinion_handle", opinion.pk), {f"o{opinion.pk}-handling": "not_adopted", f"o{opinion.pk}-note": ""}
    )
    assert missing.status_code == 400
    assert "A reason is required unless the point is adopted." in text(missing)
    done = client.post(
        url("opinion_handle", opinion.pk), {f"o{opinion.pk}-handling": "adopted", f"o{opinion.pk}-note": ""}
    )
    assert done.status_code == 302
    opinion.refresh_from_db()
    assert opinion.handling == "adopted"
    assert 'id="disagreement-warning"' not in text(client.get(url("opinion_summary", document.pk)))
    # The reviewer sees the summary without handling forms, and may not handle.
    page = text(client_of(bureau.reviewer).get(url("opinion_summary", document.pk)))
    assert f'id="handle-{opinion.pk}"' not in page
    forged = client_of(bureau.reviewer).post(url("opinion_handle", opinion.pk), {f"o{opinion.pk}-handling": "adopted"})
    assert forged.status_code == 403


def test_every_approver_sees_the_unresolved_disagreement(client_of, document, bureau):
    round_ = open_round(document, bureau, reviewers=[bureau.reviewer])
    answer(round_, bureau.reviewer)
    # The drafting department's head (核稿) reads the document page: the warning, and the quoted
    # passage marked in the body.
    page = text(client_of(bureau.head).get(document.get_absolute_url()))
    assert 'id="disagreement-warning"' in page
    assert "Unresolved disagreement" in page
    assert '<mark class="xt-quote">请于三月底前报送值班表</mark>' in page


def test_downloads(client_of, document, bureau):
    from docx import Document as Docx
    from openpyxl import load_workbook

    round_ = open_round(document, bureau, reviewers=[bureau.reviewer])
    answer(round_, bureau.reviewer)
    client = client_of(bureau.head)
    xlsx = client.get(url("opinion_summary_download", document.pk, "xlsx"))
    assert xlsx.status_code == 200
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert "删去第二部分" in rows[1]
    docx = client.get(url("opinion_summary_download", document.pk, "docx"))
    assert "删去第二部分" in [c.text for row in Docx(io.BytesIO(docx.content)).tables[0].rows for c in row.cells]
    assert client.get(url("opinion_summary_download", document.pk, "pdf")).status_code == 404


def test_outsider_gets_404_on_every_page(client_of, document, bureau):
    round_ = open_round(document, bureau, reviewers=[bureau.reviewer])
    request = answer(round_, bureau.reviewer)
    opinion = request.opinions.get()
    client = client_of(bureau.outsider)
    for response in (
        client.get(url("comment_round_create", document.pk)),
        client.post(url("comment_round_create", document.pk), {"reviewers": [bureau.outsider.pk]}),
        client.get(url("comment_request", request.pk)),
        client.post(url("comment_request_respond", request.pk), {"respond-stance": "agree"}),
        client.post(url("comment_request_delegate", request.pk), {"delegate-delegate": bureau.outsider.pk}),
        client.post(url("comment_round_close", round_.pk)),
        client.get(url("opinion_summary", document.pk)),
        client.get(url("opinion_summary_download", document.pk, "xlsx")),
        client.post(url("opinion_handle", opinion.pk), {f"o{opinion.pk}-handling": "adopted"}),
    ):
        assert response.status_code == 404


# --- Query budgets ----------------------------------------------------------------------------------


def many_answers(document, bureau, size):
    people = UserFactory.create_batch(size, department=bureau.legal)
    round_ = comment_round_open(document=document, actor=bureau.drafter, reviewers=people)
    points = [{"text": "甲", "quote": "加强值班管理"}, {"text": "乙"}]
    for person in people:
        answer(round_, person, points=points)
    return round_, people


@pytest.mark.parametrize("size", [2, 8])
def test_summary_page_queries_do_not_grow(client_of, document, bureau, size, django_assert_num_queries):
    many_answers(document, bureau, size)
    client = client_of(bureau.drafter)
    client.get(url("opinion_summary", document.pk))
    # 1 session, 2 user, 3 the viewer's roles (visibility), 4 the document, 5 rounds, 6 requests with
    # people, 7 opinions, 8 the unread notification badge.
    with django_assert_num_queries(8):
        response = client.get(url("opinion_summary", document.pk))
    assert len(re.findall(r'id="handle-\d+"', text(response))) == 2 * size


@pytest.mark.parametrize("size", [2, 8])
def test_document_page_rounds_queries_do_not_grow(client_of, document, bureau, size, django_assert_num_queries):
    many_answers(document, bureau, size)
    client = client_of(bureau.head)
    client.get(document.get_absolute_url())
    # 1 session, 2 user, 3 roles, 4 the document, 5 its versions, 6 its files, 7-9 rounds, requests
    # with people, opinions (this stage's detail_context), 10 "seen this version", 11 the badge.
    with django_assert_num_queries(11):
        response = client.get(document.get_absolute_url())
    assert len(re.findall(r'id="request-\d+"', text(response))) == size


@pytest.mark.parametrize("size", [2, 8])
def test_request_page_queries_do_not_grow(client_of, document, bureau, size, django_assert_num_queries):
    round_, people = many_answers(document, bureau, 1)
    reviewer = people[0]
    request = request_of(round_, reviewer)
    Opinion.objects.bulk_create([Opinion(request=request, order=10 + i, text=f"补充{i}") for i in range(size)])
    client = client_of(reviewer)
    client.get(url("comment_request", request.pk))
    # 1 session, 2 user, 3 roles, 4 the request with round, document and people, 5 the version asked
    # about, 6 its opinions, 7 who asked, 8 who answered, 9 the unread notification badge.
    with django_assert_num_queries(9):
        response = client.get(url("comment_request", request.pk))
    assert text(response).count("补充") == size


@pytest.mark.parametrize("size", [2, 8])
def test_request_list_queries_do_not_grow(client_of, bureau, size, django_assert_num_queries):
    for i in range(size):
        doc = document_create(drafter=bureau.drafter, title=f"通知{i}", doc_type="notice", body="正文")
        comment_round_open(document=doc, actor=bureau.drafter, reviewers=[bureau.reviewer])
    client = client_of(bureau.reviewer)
    client.get(url("comment_request_list"))
    # 1 session, 2 user, 3 roles, 4 the requests with rounds, documents and people, 5 the badge.
    with django_assert_num_queries(5):
        response = client.get(url("comment_request_list"))
    assert len(re.findall(r'id="request-\d+"', text(response))) == size


@pytest.mark.parametrize("size", [2, 8])
def test_round_form_queries_do_not_grow(client_of, document, bureau, size, django_assert_num_queries):
    UserFactory.create_batch(size, department=bureau.legal)
    client = client_of(bureau.drafter)
    client.get(url("comment_round_create", document.pk))
    # 1 session, 2 user, 3 roles, 4 the document, 5 the departments to choose from, 6 the badge.
    # (The reviewer picker starts empty: no query however many people there are.)
    with django_assert_num_queries(6):
        client.get(url("comment_round_create", document.pk))
