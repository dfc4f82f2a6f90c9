"""The search index under real concurrency (PostgreSQL, threads on their own connections): two
leaders remarking on one circulated incoming document at the same moment both end up searchable
(``workload.search.index`` locks the object's row and reads its content after the lock)."""

import pytest
from django.db import connection

from documents.services.incoming import incoming_circulate, reading_mark_read
from tests.documents.incoming_support import bureau_fixture, monday_fixture, register  # noqa: F401
from tests.reliability.support import run_together
from workload import search as index

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (row locks): DATABASE_URL=postgres://... pytest tests/workload")


def test_two_remarks_at_once_are_both_indexed(bureau):
    incoming = register(bureau)
    first, second = incoming_circulate(
        incoming=incoming, actor=bureau.clerk, readers=[bureau.leader, bureau.other_leader]
    )
    run_together(
        lambda: reading_mark_read(reading=first, actor=bureau.leader, remark="请财务处核算经费"),
        lambda: reading_mark_read(reading=second, actor=bureau.other_leader, remark="同意并督促落实"),
    )
    for words in ("核算经费", "督促落实"):
        hits = index.search(user=bureau.clerk, query=words).entries
        assert [entry.object_id for entry in hits] == [incoming.pk], words
