"""``make load``'s driver (benchmarks/load.py): reading locust's figures, the baseline ratio, the
targets; and the production-like run it starts (deploy/Procfile). No load is run here."""

import pytest

from benchmarks import load
from benchmarks.prodstack import procfile_commands

# What locust 2.x writes to <prefix>_stats.csv (trimmed to two rows and the total).
HEADER = (
    "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,"
    "Max Response Time,Average Content Size,Requests/s,Failures/s,"
    "50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%"
)
STATS_CSV = (
    HEADER
    + """
GET,desk,1200,0,45,52.1,20,400,30000,20.0,0.0,45,55,60,70,90,120,180,250,390,400,400
POST,approval: decide,40,2,80,85.0,50,700,300,0.7,0.03,80,90,95,100,150,300,600,700,700,700,700
,Aggregated,1240,2,46,53.3,20,700,29000,20.7,0.03,46,56,62,72,95,130,200,260,600,700,700
"""
)


def test_locust_figures_are_read_by_request_and_in_total():
    stats = load.parse_stats(STATS_CSV)
    assert set(stats) == {"GET desk", "POST approval: decide", "Aggregated"}
    total = stats["Aggregated"]
    assert (total.requests, total.failures, total.rps) == (1240, 2, 20.7)
    assert (total.p50, total.p95, total.p99) == (46, 130, 260)
    assert stats["POST approval: decide"].failures == 2


def test_a_request_kind_with_no_answers_reads_as_zero():
    text = STATS_CSV.replace("0.7,0.03,80,90,95,100,150,300,600,700", "N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A")
    assert load.parse_stats(text)["POST approval: decide"].p95 == 0


def _stats(rps: float, *, failures: int = 0, p95: float = 100) -> load.Stats:
    return load.Stats(name="x", requests=100, failures=failures, rps=rps, p50=50, p95=p95, p99=p95)


def test_the_desk_share_of_the_minimal_view():
    assert load.desk_share(_stats(30), _stats(100)) == pytest.approx(0.30)
    assert load.desk_share(_stats(30), _stats(0)) == 0  # no baseline: no claim


@pytest.mark.parametrize(
    ("total", "share", "met"),
    [
        (_stats(20), 0.31, [True, True, True]),
        (_stats(20, failures=1), 0.31, [False, True, True]),  # a single error misses the target
        (_stats(20, p95=301), 0.31, [True, False, True]),
        (_stats(20, p95=300), 0.29, [True, True, False]),
    ],
)
def test_targets(total, share, met):
    assert [ok for _text, ok in load.verdicts(total, share)] == met


def test_the_production_like_run_is_gunicorn_two_workers_and_one_beat():
    commands = procfile_commands()
    assert list(commands) == ["web", "worker1", "worker2", "beat"]
    assert "gunicorn -c deploy/gunicorn.conf.py config.wsgi" in commands["web"]
    hostnames = {c.split("--hostname ")[1].split()[0] for n, c in commands.items() if n.startswith("worker")}
    assert len(hostnames) == 2  # two nodes, not one name twice
    assert sum("celery -A config beat" in c for c in commands.values()) == 1
