"""``make load``: the load test of the production-like run (issue 12): locust, headless, on the loopback.

Steps: generated data of ``--size`` (default ``LOAD_SIZE``, else M) in ``DATABASE_URL`` (made with
benchmarks/generate.py unless that size is already there); the production-like run (deploy/Procfile:
gunicorn, two Celery workers, beat) on a free loopback port; then three locust runs:

0. a warm-up of the same mix for ``--warm-up-seconds`` (20), not counted: each new gunicorn worker
   compiles its templates and opens its connections on its first requests; a server that has run
   for an hour has done that long ago;
1. the day's mix (benchmarks/locustfile.py ``OfficeWorker``): ``--users`` (50) people for
   ``--seconds`` (60): requests per second, p50/p95/p99 and errors, in total and per request kind;
2. and 3. the baseline: the minimal login-required view, then the desk, each with ``--ratio-users``
   people without think time for ``--ratio-seconds``; the desk's throughput as a share of the
   minimal view's.

Targets (this 2-core machine): 0 errors, p95 <= 300 ms, desk >= 30 % of the minimal view. They are
printed as met or missed; ``--strict`` makes a miss the exit status. Everything started is stopped.
"""

if __name__ == "__main__":  # run as a script: the project on the path
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse
import csv
import io
import json
import os
import random
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from benchmarks.prodstack import BIN, ROOT, Stack, free_port
from benchmarks.results import Result, at_least, at_most, figure, write_load

PEOPLE = {"S": 50, "M": 500, "L": 5000}  # benchmarks/generate.py
PASSWORD = "bench12345"  # noqa: S105  (the generated people's, benchmarks/generate.py)
# Issue 12: no errors, p95 ≤ 300 ms, the desk's throughput ≥ 30 % of the minimal view's (2 cores).
TARGET_ERRORS = 0
TARGET_P95_MS = 300.0
TARGET_DESK_SHARE = 0.30
OUT = ROOT / "var" / "load"
RESULTS_DIR = ROOT / "var" / "bench"  # load-<time>.json, read by make bench's table (benchmarks/results.py)


@dataclass(frozen=True)
class Stats:
    name: str
    requests: int
    failures: int
    rps: float
    p50: float
    p95: float
    p99: float


def _number(row: dict[str, str], key: str) -> float:
    value = row.get(key, "")
    return float(value) if value not in ("", "N/A") else 0.0


def parse_stats(text: str) -> dict[str, Stats]:
    """Rows of locust's ``<prefix>_stats.csv`` by name ("Aggregated" is the total)."""
    rows = {}
    for row in csv.DictReader(io.StringIO(text)):
        name = row["Name"] if not row.get("Type") else f"{row['Type']} {row['Name']}"
        if row["Name"] == "Aggregated":
            name = "Aggregated"

        rows[name] = Stats(
            name=name,
            requests=int(row["Request Count"]),
            failures=int(row["Failure Count"]),
            rps=_number(row, "Requests/s"),
            p50=_number(row, "50%"),
            p95=_number(row, "95%"),
            p99=_number(row, "99%"),
        )
    return rows


def desk_share(desk: Stats, minimal: Stats) -> float:
    """The desk's throughput as a share of the minimal view's (0 when the baseline did nothing)."""
    return desk.rps / minimal.rps if minimal.rps > 0 else 0.0


def verdicts(total: Stats, share: float) -> list[tuple[str, bool]]:
    return [
        (f"errors {total.failures} (target {TARGET_ERRORS})", total.failures <= TARGET_ERRORS),
        (f"p95 {total.p95:.0f} ms (target <= {TARGET_P95_MS:.0f} ms)", total.p95 <= TARGET_P95_MS),
        (f"desk / minimal view {share:.0%} (target >= {TARGET_DESK_SHARE:.0%})", share >= TARGET_DESK_SHARE),
    ]


def load_results(size: str, total: Stats, share: float, minimal: Stats, desk: Stats) -> list[Result]:
    """The run's rows for ``make bench``'s table, held to the same targets as ``verdicts``."""
    return [
        figure(size, "load: day's mix, requests per second", total.rps, "req/s"),
        figure(size, "load: day's mix, p50", total.p50, "ms"),
        at_most(size, "load: day's mix, p95", total.p95, "ms", TARGET_P95_MS),
        figure(size, "load: day's mix, p99", total.p99, "ms"),
        at_most(size, "load: day's mix, errors", total.failures, "errors", TARGET_ERRORS, f"of {total.requests}"),
        figure(size, "load: minimal view throughput", minimal.rps, "req/s"),
        figure(size, "load: desk throughput", desk.rps, "req/s"),
        at_least(size, "load: desk throughput over the minimal view's", share * 100, "%", TARGET_DESK_SHARE * 100),
    ]


def table(stats: dict[str, Stats]) -> str:
    lines = [f"{'request':<40} {'count':>7} {'errors':>6} {'req/s':>7} {'p50':>6} {'p95':>6} {'p99':>6}"]
    for s in sorted(stats.values(), key=lambda s: (s.name == "Aggregated", s.name)):
        lines.append(
            f"{s.name[:40]:<40} {s.requests:>7} {s.failures:>6} {s.rps:>7.1f} {s.p50:>6.0f} {s.p95:>6.0f} {s.p99:>6.0f}"
        )
    return "\n".join(lines)


def generated_people() -> int:
    import psycopg

    url = os.environ["DATABASE_URL"].replace("postgres://", "postgresql://", 1)
    with psycopg.connect(url) as connection:
        row = connection.execute("SELECT count(*) FROM accounts_user WHERE username LIKE 'gen%%'").fetchone()
    return int(row[0]) if row else 0


def ensure_data(size: str) -> None:
    if generated_people() == PEOPLE[size]:
        print(f"== Generated data of size {size} already in the database")
        return
    print(f"== Generating size {size} (benchmarks/generate.py --reset)", flush=True)
    subprocess.run([sys.executable, "benchmarks/generate.py", "--size", size, "--reset"], cwd=ROOT, check=True)


def log_in(host: str, username: str) -> dict[str, str]:
    """Log ``username`` in through the login page (as the locust users would) and return the cookies."""
    import requests

    session = requests.Session()
    page = session.get(f"{host}/accounts/login/", timeout=120)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    if token is None:
        raise RuntimeError("no CSRF token on the login page")
    answer = session.post(
        f"{host}/accounts/login/",
        data={"csrfmiddlewaretoken": token.group(1), "username": username, "password": PASSWORD},
        timeout=120,
    )
    if "/accounts/login/" in answer.url or "sessionid" not in session.cookies:
        raise RuntimeError(f"login refused for {username}")
    return {"username": username, "sessionid": session.cookies["sessionid"], "csrftoken": session.cookies["csrftoken"]}


def warm_up(host: str, people: int, count: int, *, parallel: int) -> Path:
    """Log ``count`` different generated people in before the run; their sessions go to a file the
    locust users read (LOAD_SESSIONS). Prints how long the logins took."""
    names = [f"gen{n:05d}" for n in random.Random(12).sample(range(1, people + 1), min(count, people))]
    started = time.monotonic()
    with ThreadPoolExecutor(parallel) as pool:
        sessions = list(pool.map(lambda name: log_in(host, name), names))
    elapsed = time.monotonic() - started
    print(f"   {len(sessions)} logins in {elapsed:.1f} s ({elapsed / len(sessions) * parallel * 1000:.0f} ms each)")
    path = OUT / "sessions.json"
    path.write_text(json.dumps(sessions))
    return path


def run_locust(
    host: str, user_class: str, *, users: int, seconds: int, prefix: str, people: int, sessions: Path
) -> dict[str, Stats]:
    OUT.mkdir(parents=True, exist_ok=True)
    command = [
        str(BIN / "locust"),
        "-f",
        str(ROOT / "benchmarks" / "locustfile.py"),
        "--headless",
        "--only-summary",
        "--users",
        str(users),
        "--spawn-rate",
        str(max(users // 5, 1)),
        "--run-time",
        f"{seconds}s",
        "--stop-timeout",
        "10",
        "--host",
        host,
        "--csv",
        str(OUT / prefix),
        "--loglevel",
        "WARNING",
        user_class,
    ]
    env = {**os.environ, "LOAD_PEOPLE": str(people), "LOAD_SESSIONS": str(sessions)}
    # locust exits 1 when a request failed: the figures say so, the run is not broken. Its own
    # tables go to var/load/<prefix>.log; this driver prints the figures.
    with (OUT / f"{prefix}.log").open("wb") as log:
        subprocess.run(command, cwd=ROOT, env=env, check=False, timeout=seconds + 120, stdout=log, stderr=log)
    return parse_stats((OUT / f"{prefix}_stats.csv").read_text())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--size", default=os.environ.get("LOAD_SIZE", "M"), choices=sorted(PEOPLE))
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--warm-up-seconds", type=int, default=20)
    parser.add_argument("--ratio-users", type=int, default=10)
    parser.add_argument("--ratio-seconds", type=int, default=15)
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        parser.error("run it through `make load` (DATABASE_URL=postgres://..., REDIS_URL=redis://...)")

    ensure_data(args.size)
    port = free_port()
    host = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "CELERY_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="benchmarks.load_settings",
        DEBUG="false",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        ALLOWED_HOSTS="127.0.0.1",
        SITE_URL=host,
        SECURE_SSL_REDIRECT="false",
        SECURE_COOKIES="false",
        CELERY_BEAT_SCHEDULE_FILENAME=str(ROOT / "var" / "celerybeat-schedule-load"),
        PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        PYTHONUNBUFFERED="1",
        # Fifty people in a minute are more than a mail server wants to hear from: no e-mail is sent.
        EMAIL_URL=os.environ.get("LOAD_EMAIL_URL", "dummymail://"),
    )
    stack = Stack(env, OUT / "logs")
    try:
        print(f"== Starting the production-like run on {host} (deploy/Procfile)", flush=True)
        stack.start()
        stack.wait_http(f"{host}/healthz", timeout=90)
        stack.wait_workers_ready(timeout=90)
        people = PEOPLE[args.size]
        print(f"== Logging {args.users} people in (the login page, as a browser)", flush=True)
        OUT.mkdir(parents=True, exist_ok=True)
        sessions = warm_up(host, people, args.users, parallel=4)
        if args.warm_up_seconds > 0:
            print(f"== Warm-up (not counted): the day's mix for {args.warm_up_seconds} s", flush=True)
            run_locust(
                host,
                "OfficeWorker",
                users=args.users,
                seconds=args.warm_up_seconds,
                prefix="warmup",
                people=people,
                sessions=sessions,
            )
        print(f"== The day's mix: {args.users} users for {args.seconds} s", flush=True)
        mix = run_locust(
            host, "OfficeWorker", users=args.users, seconds=args.seconds, prefix="mix", people=people, sessions=sessions
        )
        print(
            f"== Baseline: minimal view, then desk, {args.ratio_users} users x {args.ratio_seconds} s each", flush=True
        )
        minimal = run_locust(
            host,
            "MinimalUser",
            users=args.ratio_users,
            seconds=args.ratio_seconds,
            prefix="minimal",
            people=people,
            sessions=sessions,
        )
        desk = run_locust(
            host,
            "DeskUser",
            users=args.ratio_users,
            seconds=args.ratio_seconds,
            prefix="desk",
            people=people,
            sessions=sessions,
        )
    finally:
        stack.stop()
    total = mix["Aggregated"]
    share = desk_share(desk["GET desk"], minimal["GET minimal view"])
    print()
    print(f"Day's mix, size {args.size}, {args.users} users, {args.seconds} s (milliseconds):")
    print(table(mix))
    print()
    print(
        f"Requests per second {total.rps:.1f}; p50 {total.p50:.0f} ms, p95 {total.p95:.0f} ms, "
        f"p99 {total.p99:.0f} ms; errors {total.failures} of {total.requests}"
    )
    print(
        f"Baseline: minimal view {minimal['GET minimal view'].rps:.1f} req/s, desk {desk['GET desk'].rps:.1f} req/s "
        f"(p95 {desk['GET desk'].p95:.0f} ms): desk at {share:.0%} of the minimal view"
    )
    results = verdicts(total, share)
    for text, met in results:
        print(f"  {'met   ' if met else 'MISSED'} {text}")
    print(f"CSV files and process logs: {OUT.relative_to(ROOT)}/")
    written = write_load(
        RESULTS_DIR,
        load_results(args.size, total, share, minimal["GET minimal view"], desk["GET desk"]),
        size=args.size,
        users=args.users,
        seconds=args.seconds,
    )
    print(f"Figures for make bench's table: {written.relative_to(ROOT)}")
    return 1 if args.strict and not all(met for _, met in results) else 0


if __name__ == "__main__":
    sys.exit(main())
