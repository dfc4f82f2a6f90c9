"""``make bench``'s table (benchmarks/results.py, benchmarks/run.py's rows): the figures against
their targets, met or not, the rows of what was not measured, and ``make load``'s last result file.
No benchmark is run here: the measurements are made up."""

import json
from datetime import datetime

import pytest

from benchmarks import dashboards_bench, load, results, run
from benchmarks.results import Result


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split(" | ")]


def _row(text: str, name: str, size: str) -> list[str]:
    for line in text.splitlines():
        if line.startswith("| ") and _cells(line)[:2] == [size, name]:
            return _cells(line)
    raise AssertionError(f"no row {size} {name}")


def test_a_limit_is_met_at_the_limit_and_missed_above_it():
    assert results.at_most("M", "desk / minimal view", 4.0, "×", 4.0).met is True
    assert results.at_most("M", "desk / minimal view", 4.01, "×", 4.0).met is False
    assert results.at_least("M", "desk share", 29.9, "%", 30).met is False
    assert results.at_least("M", "desk share", 30, "%", 30).met is True
    assert results.figure("M", "booking", 55.0, "ms").met is None  # no target, no verdict


def test_the_table_has_a_row_per_figure_with_its_target_and_verdict():
    rows = [
        results.at_most("M", "desk / minimal view", 2.345, "×", 4),
        results.at_most("L", "organization page: median", 412.3, "ms", 300),
        results.figure("S", "booking: median", 1234.5, "ms"),
        results.figure("M", "desk: queries", 5, "queries"),
    ]
    text = results.markdown("Benchmarks", ["sqlite"], rows, None)
    lines = text.splitlines()
    header = lines.index("| size | figure | value | unit | target | met | note |")
    assert lines[header + 1].startswith("|---|")
    assert _row(text, "desk / minimal view", "M")[2:6] == ["2.35", "×", "≤ 4", "yes"]
    assert _row(text, "organization page: median", "L")[2:6] == ["412", "ms", "≤ 300", "**NO**"]
    assert _row(text, "booking: median", "S")[2:6] == ["1,234", "ms", "—", "—"]
    assert _row(text, "desk: queries", "M")[2] == "5"
    assert "1 targets met, 1 not met, 0 not measured" in text
    assert "no result file" in text  # make load was not run: said so, no load rows


def test_a_target_whose_size_was_not_run_is_a_row_not_measured():
    text = results.markdown(
        "Benchmarks", [], [results.not_measured("L", "free slots: median", "ms", "≤ 100", "L not run")], None
    )
    assert _row(text, "free slots: median", "L")[2:] == ["—", "ms", "≤ 100", "not measured", "L not run"]
    assert "0 targets met, 0 not met, 1 not measured" in text


def test_a_condition_reads_yes_or_no():
    rows = [results.holds("S", "claim query uses the index", 0, "yes/no", "yes", False)]
    assert _row(results.markdown("B", [], rows, None), "claim query uses the index", "S")[2:6] == [
        "no",
        "yes/no",
        "yes",
        "**NO**",
    ]


def test_a_pipe_in_a_name_does_not_break_the_row():
    (line,) = results.table([results.figure("S", "a | b", 1.0, "ms")])[2:]
    assert "a \\| b" in line


def test_equal_query_counts_are_judged_across_sizes_only():
    assert [r.met for r in results.same("desk: queries", {"S": 5, "M": 5}, "queries")] == [True, True]
    assert [r.met for r in results.same("desk: queries", {"S": 5, "M": 6}, "queries")] == [False, False]
    (alone,) = results.same("desk: queries", {"S": 5}, "queries")
    assert alone.met is None and alone.note


def test_the_latest_load_file_is_read_into_the_table(tmp_path):
    older = [results.at_most("S", "load: day's mix, p95", 900, "ms", 300)]
    newer = [results.at_most("M", "load: day's mix, p95", 120, "ms", 300)]
    (tmp_path / "load-20260101-090000.json").write_text(
        json.dumps({"finished": "x", "size": "S", "results": results.to_json(older)})
    )
    results.write_load(tmp_path, newer, size="M", users=50, seconds=60)
    latest = results.latest_load(tmp_path)
    assert latest is not None and latest["results"] == newer
    text = results.markdown("Benchmarks", [], [], latest)
    assert _row(text, "load: day's mix, p95", "M")[2:6] == ["120", "ms", "≤ 300", "yes"]
    assert "900" not in text


@pytest.mark.parametrize("content", ["", "{not json", json.dumps({"results": [{"size": "S"}]})])
def test_no_or_a_broken_load_file_gives_no_load_rows(tmp_path, content):
    assert results.latest_load(tmp_path) is None
    (tmp_path / "load-20260101-090000.json").write_text(content)
    assert results.latest_load(tmp_path) is None


def test_the_table_file_is_named_by_its_day(tmp_path):
    path = results.write_table(tmp_path, "# x\n", day=datetime(2026, 12, 2, 17, 0).astimezone())
    assert path.name == "results-2026-12-02.md" and path.read_text() == "# x\n"


def test_load_rows_hold_the_load_targets():
    def stats(rps, p95, failures=0):
        return load.Stats(name="x", requests=1000, failures=failures, rps=rps, p50=40, p95=p95, p99=p95)

    rows = {r.name: r for r in load.load_results("M", stats(20, 301, failures=1), 0.31, stats(100, 50), stats(31, 90))}
    assert rows["load: day's mix, p95"].met is False
    assert rows["load: day's mix, errors"].met is False
    assert rows["load: desk throughput over the minimal view's"].met is True
    assert rows["load: desk throughput over the minimal view's"].value == pytest.approx(31)


def _measured(size: str, scale: float) -> dict:
    """A child's result with every figure the table reads (times scaled by ``scale``)."""
    return {
        "size": size,
        "endpoints": {key: {"median_ms": 10.0 * scale, "queries": 5} for key, _label in run.ENDPOINTS}
        | {"minimal": {"median_ms": 2.0, "queries": 2}},
        "scanner": {"median_ms": 100.0 * scale, "queries": 40, "handled": 1000, "uses_index": True},
        "meetings": {
            "check_ms": 3.0,
            "check_db_ms": 1.0 * scale,
            "check_queries": 5,
            "slots_ms": 40.0 * scale,
            "slots_queries": 8,
            "book_ms": 60.0,
            "book_queries": 142,
        },
        "aggregates": {
            "org_orm_ms": 30.0,
            "org_sql_ms": 10.0,
            "dept_orm_ms": 5.0,
            "dept_sql_ms": 4.0,
            "refresh_ms": 80.0,
        },
    }


def test_the_rows_of_a_run_at_s_and_m():
    rows = run.collect([_measured("S", 1.0), _measured("M", 1.1)])
    by = {(r.size, r.name): r for r in rows}
    desk = run.LABELS["desk"]
    assert by[("M", f"{desk}: time over the minimal view's")].value == pytest.approx(5.5)  # 11 ms over 2 ms
    assert by[("M", f"{desk}: time over the minimal view's")].met is False  # ≤ 4 × (issue 7)
    assert by[("M", f"{desk}: time at M over S")].value == pytest.approx(1.1)
    assert by[("M", f"{desk}: time at M over S")].met is True
    search = run.LABELS["search"]
    assert by[("M", f"{search}: median")].target == "≤ 100"
    org = "dashboard aggregates, organization (every department): ORM time over the raw SQL's"
    assert by[("S", org)].value == pytest.approx(3.0) and by[("S", org)].met is False
    # The L targets are in the table, not measured.
    live = f"{run.LABELS['dashboard']}: median (live)"
    assert by[("L", live)].value is None and by[("L", live)].target == f"≤ {dashboards_bench.TARGET_LIVE_MS_AT_L:g}"
    assert by[("L", "scanner pass: time at L over M")].met is None
    # One median row per dashboard page and size (the dashboards' own, with their L target).
    assert [r.name for r in rows if r.size == "S"].count(live) == 1
    assert not [r for r in rows if r.name == f"{run.LABELS['dashboard']}: median"]
    assert by[("S", f"scanner claim query uses {run.SCANNER_INDEX}")].met is True
    # Dashboards are not held to M ≤ 1.2 × S: they read the data.
    assert ("M", f"{run.LABELS['dashboard']}: time at M over S") not in by


def test_the_l_rows_when_l_is_run():
    rows = run.collect([_measured("M", 1.0), _measured("L", 1.5)])
    by = {(r.size, r.name): r for r in rows}
    assert by[("L", "scanner pass: time at L over M")].value == pytest.approx(1.5)
    assert by[("L", "scanner pass: time at L over M")].met is False
    assert by[("L", "clash check: its raw SQL's time")].met is True  # 1.5 ms ≤ 5
    assert by[("L", f"{run.LABELS['dashboard_pre']}: median (snapshot)")].met is True  # 15 ms ≤ 50
    # M without S: its time M / S is not measured.
    desk = run.LABELS["desk"]
    assert by[("M", f"{desk}: time at M over S")].value is None


def test_a_quick_run_at_s_lists_the_m_targets_not_measured():
    by = {(r.size, r.name): r for r in run.collect([_measured("S", 1.0)])}
    search = by[("M", f"{run.LABELS['search']}: median")]
    assert (search.value, search.target, search.met) == (None, "≤ 100", None)
    assert by[("M", f"{run.LABELS['desk']}: time at M over S")].note == "M not run"


def test_m_is_run_with_s_and_l_with_m():
    assert run.with_references(["M"]) == ["S", "M"]
    assert run.with_references(["M", "L"]) == ["S", "M", "L"]
    assert run.with_references(["S"]) == ["S"]
    assert all(isinstance(r, Result) for r in run.collect([_measured("S", 1.0)]))
