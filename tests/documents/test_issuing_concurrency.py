"""Numbering under real concurrency (PostgreSQL, threads on their own connections): thirty
documents issued at the same moment get the numbers 1..30 of their prefix and year, no gap and no
repeat; the very first issue of a year creates the counter row race-safely; a department's head
signing for a document twice at once is recorded once."""

import pytest
from django.db import connection

from core.errors import Conflict
from core.models import AuditEvent
from documents.models import Distribution, Document, DocumentStatus, NumberCounter
from documents.services.issuing import distribution_receive, document_issue
from tests.documents import issuing_support
from tests.documents.issuing_support import approved
from tests.reliability.support import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

bureau, monday = issuing_support.bureau, issuing_support.monday
_issuing_settings, signing_pair = issuing_support._issuing_settings, issuing_support.signing_pair

THREADS = 30


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (row locks): DATABASE_URL=postgres://... pytest tests/documents")


def test_thirty_concurrent_issues_number_one_to_thirty(bureau):
    documents = [approved(bureau.drafter, title=f"关于第{i}项工作的通知") for i in range(THREADS)]
    assert not NumberCounter.objects.exists()  # the first issues race to create the counter too

    def issuing(document):
        def job():
            return document_issue(
                document=document, by=bureau.office_member, main_departments=[bureau.legal]
            ).number_seq

        return job

    seqs = run_together(*(issuing(d) for d in documents), timeout=300)
    assert sorted(seqs) == list(range(1, THREADS + 1))
    rows = Document.objects.filter(pk__in=[d.pk for d in documents])
    assert set(rows.values_list("status", flat=True)) == {DocumentStatus.ISSUED}
    numbers = sorted(rows.values_list("number_seq", flat=True))
    assert numbers == list(range(1, THREADS + 1))
    assert len(set(rows.values_list("number", flat=True))) == THREADS
    assert NumberCounter.objects.get(prefix="综发", year=2026).last == THREADS
    assert Distribution.objects.filter(document__in=rows).count() == THREADS


def test_signing_for_it_twice_at_once_is_recorded_once(bureau):
    issued = document_issue(document=approved(bureau.drafter), by=bureau.office_member, main_departments=[bureau.legal])
    distribution = Distribution.objects.get(document=issued)

    def receive():
        try:
            distribution_receive(distribution=distribution, by=bureau.legal_head)
        except Conflict as refused:
            return refused.code
        return "ok"

    assert sorted(run_together(receive, receive)) == ["already_received", "ok"]
    assert AuditEvent.objects.filter(verb="document.receive").count() == 1
