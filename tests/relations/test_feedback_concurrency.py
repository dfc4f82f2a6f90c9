"""Reference numbers under real concurrency (PostgreSQL, threads on their own connections): twenty
registrations at the same moment get 0001..0020 of the year, no gap and no repeat; the very first
registration of the year creates the counter row race-safely."""

import pytest
from django.db import connection
from django.utils import timezone

from relations.feedback import feedback_register_entry
from relations.feedback_models import Feedback, FeedbackCounter
from tests.factories import OfficeFactory, UserFactory
from tests.reliability.support import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 20


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (row locks): DATABASE_URL=postgres://... pytest tests/relations")


def test_twenty_concurrent_registrations_number_one_to_twenty():
    clerk = UserFactory(department=OfficeFactory())
    assert not FeedbackCounter.objects.exists()  # the first registrations race to create the counter too

    def registering(n):
        def job():
            return feedback_register_entry(
                actor=clerk, channel="letter", category="other", subject=f"第{n}件来信", content="内容"
            ).number

        return job

    numbers = run_together(*(registering(n) for n in range(THREADS)), timeout=300)
    year = timezone.localdate().year
    assert sorted(numbers) == [f"{year}-{n:04d}" for n in range(1, THREADS + 1)]
    assert Feedback.objects.count() == THREADS
    assert FeedbackCounter.objects.get(year=year).last == THREADS
