"""SQLite under concurrent writers: they queue on the busy timeout instead of failing.

The zero set-up run serves web, worker and beat from one SQLite file. Settings put it in WAL mode
with IMMEDIATE transactions and a busy timeout; this test starts several processes that write in
overlapping transactions against one file and expects every transaction to commit.
"""

import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent.parent
WRITERS = 4
TRANSACTIONS = 15

WRITER = """
import sys, time, django
django.setup()
from django.db import transaction
from accounts.models import Department
writer = sys.argv[1]
for n in range({transactions}):
    with transaction.atomic():
        # Read, hold the transaction a moment, then write: the pattern that fails with
        # "database is locked" when a deferred transaction tries to upgrade its lock.
        count = Department.objects.count()
        time.sleep(0.01)
        Department.objects.create(name=f"处室{{writer}}-{{n}}", code=f"w{{writer}}-{{n}}", order=count)
print("ok", writer)
"""


@pytest.mark.slow
def test_concurrent_writers_all_commit(migrated_sqlite):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite behaviour; the PostgreSQL pass has row locks instead")
    _path, env = migrated_sqlite("concurrency")

    code = WRITER.format(transactions=TRANSACTIONS)
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", code, str(n)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(WRITERS)
    ]
    outcomes = [w.communicate(timeout=120) for w in writers]

    for writer, (out, err) in zip(writers, outcomes, strict=True):
        assert writer.returncode == 0, err
        assert "database is locked" not in err
        assert out.startswith("ok")
    check = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from accounts.models import Department;"
            " print(Department.objects.filter(code__startswith='w').count())",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert check.stdout.strip() == str(WRITERS * TRANSACTIONS), check.stderr
