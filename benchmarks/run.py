"""Benchmarks of 我的工作台 and ``GET /api/v1/work-items/`` against data volume (``make bench``).

For each size (``BENCH_SIZES``, default ``S,M``; ``L`` is optional and takes longer) a child process
generates data into a benchmark database of its own (a SQLite file under ``var/bench/``, or the
PostgreSQL database ``xietong_bench`` when ``DATABASE_URL`` is PostgreSQL) and measures, in-process
with Django's test client, the median server time over ``BENCH_RUNS`` requests (default 30) and the
query count of each page for a typical person, beside a minimal login-required view. The table
compares them with the targets: equal query counts at every size, time at M ≤ 1.2 × time at S,
and each page ≤ 3 × the minimal view.

Usage: ``.venv/bin/python benchmarks/run.py [--sizes S,M,L] [--runs 30]``.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
PG_BENCH_DB = "xietong_bench"

# (key, label, path)
ENDPOINTS = [
    ("minimal", "minimal login-required view", "/bench/minimal/"),
    ("desk", "我的工作台 (my desk) /", "/"),
    ("api", "GET /api/v1/work-items/", "/api/v1/work-items/"),
]
PAGES = ["desk", "api"]
TARGET_M_OVER_S = 1.2
TARGET_OVER_MINIMAL = 3.0


# --- the child: one size, one database ------------------------------------------------------------
def bench_database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://", "pgsql://")):
        parts = urlsplit(url)
        return urlunsplit(parts._replace(path="/" + PG_BENCH_DB))
    return ""


def ensure_postgres_database(url: str) -> None:
    import psycopg
    import psycopg.sql

    parts = urlsplit(url)
    admin_url = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (PG_BENCH_DB,)).fetchone():
            conn.execute(psycopg.sql.SQL("CREATE DATABASE {}").format(psycopg.sql.Identifier(PG_BENCH_DB)))


def measure(size: str, runs: int) -> dict[str, Any]:
    url = bench_database_url()
    if url:
        ensure_postgres_database(url)
    else:
        BENCH_DIR.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{BENCH_DIR / f'xietong-bench-{size}.sqlite3'}"
    os.environ["DATABASE_URL"] = url
    os.environ.pop("REDIS_URL", None)  # the pages do not need the broker; keep the cache in-process
    os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.settings"
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()

    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count, Q
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from workload.management.commands.generate_data import SIZES, USERNAME_PREFIX
    from workload.models import WorkItem

    call_command("migrate", verbosity=0)
    wanted = SIZES[size]
    generated = User.objects.filter(username__startswith=USERNAME_PREFIX)
    started = time.monotonic()
    if generated.count() != wanted.users or WorkItem.objects.count() != wanted.items:
        call_command("generate_data", size=size, reset=True, verbosity=1, stdout=sys.stderr)
    generation_s = time.monotonic() - started

    # A typical person: staff (not a leader, not a head) with the median number of open items.
    staff = list(
        generated.filter(is_leader=False, headed_departments=None)
        .annotate(open_items=Count("work_items", filter=Q(work_items__status="open")))
        .order_by("open_items", "username")
        .values_list("username", "open_items")
    )
    username, open_items = staff[len(staff) // 2]
    user = User.objects.get(username=username)

    client = Client()
    client.force_login(user)
    results: dict[str, Any] = {}
    for key, _label, path in ENDPOINTS:
        for _ in range(3):  # warm-up: templates, content types, connections
            response = client.get(path)
            if response.status_code != 200:
                raise SystemExit(f"{path} answered {response.status_code}")
        with CaptureQueriesContext(connection) as queries:
            client.get(path)
        # Counted now: the next request clears the connection's query log.
        query_count = len(queries.captured_queries)
        timings = []
        for _ in range(runs):
            t0 = time.perf_counter()
            client.get(path)
            timings.append((time.perf_counter() - t0) * 1000)
        results[key] = {"median_ms": statistics.median(timings), "queries": query_count}
    return {
        "size": size,
        "vendor": connection.vendor,
        "user": username,
        "open_items": open_items,
        "items": WorkItem.objects.count(),
        "generation_s": generation_s,
        "endpoints": results,
    }


# --- the parent: run every size, print the table ------------------------------------------------
def run_size(size: str, runs: int) -> dict[str, Any]:
    print(f"… size {size}: generating data (first time) and measuring", file=sys.stderr, flush=True)
    result = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child", size, "--runs", str(runs)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"benchmark of size {size} failed (exit {result.returncode})")
    return json.loads(result.stdout.strip().splitlines()[-1])


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def report(results: list[dict[str, Any]], runs: int) -> list[str]:
    lines = []
    first = results[0]
    lines.append(f"Xietong benchmarks on {first['vendor']}: median of {runs} requests, server time in-process")
    for r in results:
        lines.append(
            f"  size {r['size']}: {r['items']:,} work items; typical person {r['user']} ({r['open_items']} open items)"
        )
    lines.append("")
    header = f"{'size':<5} {'endpoint':<30} {'median ms':>10} {'queries':>8} {'× minimal':>10} {'M/S time':>9}"
    lines.append(header)
    lines.append("-" * len(header))
    by_size = {r["size"]: r["endpoints"] for r in results}
    labels = {key: label for key, label, _ in ENDPOINTS}
    for r in results:
        minimal = r["endpoints"]["minimal"]["median_ms"]
        for key, _label, _path in ENDPOINTS:
            e = r["endpoints"][key]
            ratio_m_s = ""
            if r["size"] == "M" and "S" in by_size:
                ratio_m_s = f"{e['median_ms'] / by_size['S'][key]['median_ms']:.2f}"
            label = labels[key]
            pad = 30 - sum(2 if ord(ch) > 0x2E80 else 1 for ch in label)
            lines.append(
                f"{r['size']:<5} {label}{' ' * max(pad, 1)} {e['median_ms']:>10.2f} {e['queries']:>8} "
                f"{e['median_ms'] / minimal:>10.2f} {ratio_m_s:>9}"
            )
    lines.append("")
    lines.append("Targets")
    for key in PAGES:
        counts = [by_size[s][key]["queries"] for s in by_size]
        lines.append(
            f"  {labels[key]}: equal query counts at every size ({', '.join(map(str, counts))})"
            f"  {verdict(len(set(counts)) == 1)}"
        )
        if "S" in by_size and "M" in by_size:
            ratio = by_size["M"][key]["median_ms"] / by_size["S"][key]["median_ms"]
            lines.append(
                f"  {labels[key]}: time at M / time at S = {ratio:.2f} (≤ {TARGET_M_OVER_S})"
                f"  {verdict(ratio <= TARGET_M_OVER_S)}"
            )
        for size, endpoints in by_size.items():
            ratio = endpoints[key]["median_ms"] / endpoints["minimal"]["median_ms"]
            lines.append(
                f"  {labels[key]}: {size} = {ratio:.2f} × minimal view (≤ {TARGET_OVER_MINIMAL:g})"
                f"  {verdict(ratio <= TARGET_OVER_MINIMAL)}"
            )
    if "S" not in by_size or "M" not in by_size:
        lines.append("  (time at M / time at S needs both S and M in BENCH_SIZES)")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=os.environ.get("BENCH_SIZES", "S,M"), help="e.g. S,M or S,M,L")
    parser.add_argument("--runs", type=int, default=int(os.environ.get("BENCH_RUNS", "30")))
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child, args.runs)))
        return
    sizes = [s.strip().upper() for s in args.sizes.split(",") if s.strip()]
    unknown = [s for s in sizes if s not in ("S", "M", "L")]
    if unknown or not sizes:
        parser.error(f"sizes are S, M and L (got {args.sizes!r})")
    results = [run_size(size, args.runs) for size in sizes]
    print("\n".join(report(results, args.runs)))


if __name__ == "__main__":
    main()
