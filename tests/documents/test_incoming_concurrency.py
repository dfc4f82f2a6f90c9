"""Registration numbers under concurrent registration (PostgreSQL, real threads): 收文〔year〕1..n号,
no gaps, no repeats — the year's counter row is locked until each registration commits."""

import threading

import pytest
from django.db import connection, connections

from documents.models import IncomingDocument, RegistryCounter
from tests.documents.incoming_support import bureau_fixture, monday_fixture, register  # noqa: F401

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 20


def test_concurrent_registrations_get_consecutive_numbers(bureau):
    if connection.vendor != "postgresql":
        pytest.skip("real row locks between connections: run with DATABASE_URL=postgres://...")
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            barrier.wait()
            register(bureau, title=f"并发来文{n}")
        except BaseException as error:  # noqa: BLE001  (reported below)
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    serials = sorted(IncomingDocument.objects.values_list("serial", flat=True), key=lambda s: int(s[8:-1]))
    assert serials == [f"收文〔2026〕{n}号" for n in range(1, THREADS + 1)]
    assert RegistryCounter.objects.get(year=2026).last == THREADS
