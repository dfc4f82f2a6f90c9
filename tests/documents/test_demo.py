"""The demo outgoing documents (``documents.demo``): a draft under revision and a notice out for
comment with one department's answer on record, quoting the draft; seeding twice adds nothing."""

import pytest
from django.core.management import call_command

from accounts.models import Department, User
from documents import demo
from documents.body import plain_text
from documents.models import CommentRequest, Document, DocumentStatus, RequestStatus

pytestmark = pytest.mark.django_db


def test_demo_documents_in_their_states():
    call_command("seed_demo", verbosity=0)
    revising = Document.objects.get(title=demo.REVISING)
    assert revising.drafter.username == "zhaolj"
    assert revising.versions.count() == 2

    for_comment = Document.objects.get(title=demo.FOR_COMMENT)
    assert for_comment.status == DocumentStatus.DRAFT
    requests = {r.reviewer.username: r for r in CommentRequest.objects.filter(round__document=for_comment)}
    assert set(requests) == {"zhaolj", "sunzq", "linht"}
    answered = requests["sunzq"]
    assert answered.status == RequestStatus.ANSWERED and answered.stance == "agree_with_changes"
    assert requests["linht"].status == RequestStatus.PENDING
    body = plain_text(for_comment.body)
    quotes = list(answered.opinions.values_list("quote", flat=True))
    assert len(quotes) == 2 and all(quote and quote in body for quote in quotes)

    people = {u.username: u for u in User.objects.all()}
    departments = {d.code: d for d in Department.objects.all()}
    assert demo.seed(people, departments) == 0
