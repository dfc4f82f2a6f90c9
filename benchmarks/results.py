"""The benchmarks' results as rows (size, figure, value, unit, target, met) and ``make bench``'s
markdown table of them (``var/bench/results-<date>.md``).

Each benchmark builds its rows with ``at_most`` / ``at_least`` / ``same`` (targets stay in the module
that measures them) or ``figure`` (a figure without a target); ``markdown`` writes the table, and
``make load``'s last result file (``var/bench/load-*.json``, written by ``benchmarks/load.py``) is
read back with ``latest_load``. No Django here: the table is written by the parent process.
"""

import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

LOAD_GLOB = "load-*.json"
COUNT_UNITS = frozenset({"queries", "errors", "requests", "rows", "items"})


@dataclass(frozen=True)
class Result:
    """One figure. ``target`` is the limit as text ("≤ 4", "same at every size"; empty: none);
    ``met`` is None when there is no target or the figure was not measured (``value`` None)."""

    size: str
    name: str
    value: float | None
    unit: str
    target: str = ""
    met: bool | None = None
    note: str = ""


def figure(size: str, name: str, value: float, unit: str, note: str = "") -> Result:
    return Result(size, name, value, unit, note=note)


def at_most(size: str, name: str, value: float, unit: str, limit: float, note: str = "") -> Result:
    return Result(size, name, value, unit, f"≤ {limit:g}", value <= limit, note)


def at_least(size: str, name: str, value: float, unit: str, limit: float, note: str = "") -> Result:
    return Result(size, name, value, unit, f"≥ {limit:g}", value >= limit, note)


def holds(size: str, name: str, value: float, unit: str, target: str, met: bool, note: str = "") -> Result:
    """A figure held to a condition that is not a plain limit (an index used, equal counts)."""
    return Result(size, name, value, unit, target, met, note)


def same(name: str, values: dict[str, float], unit: str) -> list[Result]:
    """One row per size, held to "the same at every size" (not judged with a single size)."""
    if len(values) < 2:
        return [
            Result(size, name, value, unit, "same at every size", None, "one size only")
            for size, value in values.items()
        ]
    met = len(set(values.values())) == 1
    return [Result(size, name, value, unit, "same at every size", met) for size, value in values.items()]


def not_measured(size: str, name: str, unit: str, target: str, why: str) -> Result:
    return Result(size, name, None, unit, target, None, why)


def format_value(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "yes/no":
        return "yes" if value else "no"
    if unit in COUNT_UNITS:
        return f"{value:,.0f}"
    if unit == "%":
        return f"{value:.0f}"
    if unit == "ms" and abs(value) >= 100:
        return f"{value:,.0f}"
    if unit == "ms" and abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def verdict(result: Result) -> str:
    if result.met is None:
        return "—" if result.value is not None or not result.target else "not measured"
    return "yes" if result.met else "**NO**"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def table(results: Iterable[Result]) -> list[str]:
    lines = ["| size | figure | value | unit | target | met | note |", "|---|---|--:|---|---|---|---|"]
    for r in results:
        cells = [r.size or "—", r.name, format_value(r.value, r.unit), r.unit, r.target or "—", verdict(r), r.note]
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return lines


def summary(results: Sequence[Result]) -> str:
    judged = [r for r in results if r.met is not None]
    missed = sum(1 for r in judged if not r.met)
    unmeasured = sum(1 for r in results if r.value is None and r.target)
    return f"{len(judged) - missed} targets met, {missed} not met, {unmeasured} not measured"


def markdown(title: str, context: Sequence[str], results: Sequence[Result], load: dict[str, Any] | None) -> str:
    """The whole document: the title, the run's context, the table, and a summary line."""
    rows = list(results)
    lines = [f"# {title}", ""]
    lines.extend(f"- {line}" for line in context)
    if load is None:
        lines.append("- `make load`: no result file under var/bench/ (run `make load` to add its rows)")
    else:
        rows.extend(load["results"])
        lines.append(
            f"- `make load` rows: {load['file']} (finished {load.get('finished', '?')}, size {load.get('size', '?')}, "
            f"{load.get('users', '?')} users for {load.get('seconds', '?')} s)"
        )
    lines.append("")
    lines.extend(table(rows))
    lines.append("")
    lines.append(summary(rows))
    return "\n".join(lines) + "\n"


def to_json(results: Iterable[Result]) -> list[dict[str, Any]]:
    return [asdict(r) for r in results]


def from_json(rows: Iterable[dict[str, Any]]) -> list[Result]:
    return [Result(**row) for row in rows]


def write_load(directory: Path, results: Sequence[Result], **about: Any) -> Path:
    """``make load``'s result file: ``load-<YYYYmmdd-HHMMSS>.json`` (the latest sorts last)."""
    now = datetime.now().astimezone()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"load-{now:%Y%m%d-%H%M%S}.json"
    path.write_text(
        json.dumps({"finished": now.isoformat(timespec="seconds"), **about, "results": to_json(results)}, indent=1)
    )
    return path


def latest_load(directory: Path) -> dict[str, Any] | None:
    """The newest load result file, its rows as ``Result``; None when there is none (or it is unreadable)."""
    files = sorted(directory.glob(LOAD_GLOB))
    if not files:
        return None
    try:
        data = json.loads(files[-1].read_text())
        data["results"] = from_json(data["results"])
    except (ValueError, KeyError, TypeError):
        return None
    data["file"] = str(files[-1].name)
    return data


def write_table(directory: Path, text: str, *, day: datetime | None = None) -> Path:
    """``results-<YYYY-mm-dd>.md`` (a later run of the same day replaces it)."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"results-{(day or datetime.now().astimezone()):%Y-%m-%d}.md"
    path.write_text(text)
    return path
