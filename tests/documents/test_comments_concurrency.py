"""Comment collection under real concurrency (PostgreSQL, threads on their own connections): an
answer sent twice at once is recorded once; an answer racing the round's closing is either taken
(and the round records no "no answer" for it) or refused, never both."""

import pytest
from django.db import connection

from core.errors import Conflict
from documents.models import CommentRequest, Opinion, RequestStatus
from documents.services.comments import comment_request_respond, comment_round_close, comment_round_open
from tests.documents import comments_support
from tests.reliability.support import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

# The shared fixtures (tests/documents/comments_support.py).
bureau, document, monday = comments_support.bureau, comments_support.document, comments_support.monday


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (row locks): DATABASE_URL=postgres://... pytest tests/documents")


def attempt(call):
    def job():
        try:
            call()
        except Conflict as refused:
            return refused.code
        return "ok"

    return job


def test_one_answer_sent_twice_at_once_is_recorded_once(document, bureau):
    round_ = comment_round_open(document=document, actor=bureau.drafter, reviewers=[bureau.reviewer, bureau.colleague])
    request = CommentRequest.objects.get(round=round_, reviewer=bureau.reviewer)

    def answer(text):
        return attempt(
            lambda: comment_request_respond(
                request=request, actor=bureau.reviewer, stance="disagree", opinions=[{"text": text}]
            )
        )

    outcomes = run_together(answer("甲"), answer("乙"))
    assert sorted(outcomes) == ["already_answered", "ok"]
    assert Opinion.objects.filter(request=request).count() == 1


@pytest.mark.parametrize("attempt_no", range(3))
def test_an_answer_racing_the_close_is_taken_or_refused_never_both(document, bureau, attempt_no):
    round_ = comment_round_open(document=document, actor=bureau.drafter, reviewers=[bureau.reviewer, bureau.colleague])
    request = CommentRequest.objects.get(round=round_, reviewer=bureau.reviewer)
    answered, closed = run_together(
        attempt(lambda: comment_request_respond(request=request, actor=bureau.reviewer, stance="agree")),
        attempt(lambda: comment_round_close(round=round_, actor=bureau.drafter)),
    )
    assert closed == "ok"
    request.refresh_from_db()
    if answered == "ok":
        assert request.status == RequestStatus.ANSWERED
    else:
        assert answered == "round_closed"
        assert request.status == RequestStatus.NO_ANSWER
