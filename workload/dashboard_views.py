"""Pages of the workload dashboards (统计): the organization, one department, the items behind a
figure, and every table as CSV or XLSX (``?export=csv|xlsx&table=...``). Thin: the figures and the
scope come from ``workload.dashboards``; a department or figure the viewer may not see is a 404."""

import csv
import io
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.errors import ValidationError
from core.exports import XLSX_CONTENT_TYPE, attachment_response, safe_cell, xlsx_bytes

from . import dashboards
from .dashboard_report import report_pdf
from .models import WorkItemKind

PAGE_SIZE = 50
Column = tuple[str, str]  # (key in the row, heading)


def _figure_columns() -> list[Column]:
    return [
        ("open", _("Open")),
        ("overdue", _("Overdue")),
        ("done", _("Done in the period")),
        ("late", _("Done late")),
        ("on_time_rate", _("On-time rate")),
        ("median_turnaround_hours", _("Median turnaround (hours)")),
        ("escalated", _("Escalated")),
        ("passes", _("Pass-backs")),
    ]


def _tables(view: dict[str, Any]) -> dict[str, tuple[list[Column], list[dict[str, Any]]]]:
    """Every table a page shows, by the name ``?table=`` exports it under."""
    tables: dict[str, tuple[list[Column], list[dict[str, Any]]]] = {}
    figures = _figure_columns()
    if "departments" in view:
        tables["departments"] = ([("name", _("Department")), *figures], view["departments"])
        tables["kinds"] = ([("label", _("Kind")), *figures], view["kinds"])
        tables["passes"] = ([("name", _("Department")), ("passes", _("Pass-backs"))], view["buck_passing"])
        weeks = view["heat_map"]["weeks"]
        tables["heat_map"] = (
            [("name", _("Department")), *[(f"w{i}", week) for i, week in enumerate(weeks)]],
            [
                {"name": row["name"], **{f"w{i}": c for i, c in enumerate(row["cells"])}}
                for row in view["heat_map"]["rows"]
            ],
        )
    if "comments" in view:
        tables["comments"] = (
            [
                ("name", _("Department")),
                ("asked", _("Asked")),
                ("answered", _("Answered")),
                ("response_rate", _("Response rate")),
                ("median_response_hours", _("Median hours to answer")),
            ],
            view["comments"],
        )
        tables["approvals"] = (
            [
                ("name", _("Approver")),
                ("decided", _("Decided in the period")),
                ("waiting", _("Waiting now")),
                ("median_hours", _("Median hours to decide")),
            ],
            view["approvals"],
        )
        tables["coordination"] = (
            [
                ("name", _("Department")),
                ("accept", _("Accepted")),
                ("decline", _("Declined")),
                ("reassigned_away", _("Taken off by a ruling")),
                ("other", _("Other")),
            ],
            view["coordination"],
        )
        tables["approval_steps"] = (
            [
                ("name", _("Approver")),
                ("step_label", _("Step")),
                ("decided", _("Decided in the period")),
                ("waiting", _("Waiting now")),
                ("median_hours", _("Median hours to decide")),
            ],
            view["approval_steps"]["by_approver"],
        )
        tables["decisions"] = (
            [
                ("name", _("Department")),
                ("decided", _("Decisions")),
                ("opened", _("Matters opened")),
                ("on_time", _("Done on time")),
                ("late", _("Done late")),
                ("open", _("Open")),
                ("overdue", _("Overdue")),
            ],
            view["decisions"]["by_department"],
        )
        return tables
    tables["people"] = ([("name", _("Person")), ("department_name", _("Department")), *figures], view["people"])
    if "priorities" in view:
        tables["priorities"] = (
            [("label", _("Priority")), ("count", _("Items")), ("share", _("Share"))],
            view["priorities"],
        )
    return tables


def _export(request: HttpRequest, view: dict[str, Any], filename: str) -> HttpResponse | None:
    """The table asked for as CSV or XLSX, or None when no export was asked for."""
    fmt = request.GET.get("export")
    if not fmt:
        return None
    tables = _tables(view)
    name = request.GET.get("table", "")
    if fmt not in ("csv", "xlsx") or name not in tables:
        fields = {}
        if fmt not in ("csv", "xlsx"):
            fields["export"] = [_("Choose csv or xlsx.")]
        if name not in tables:
            fields["table"] = [_("Choose one of: %(tables)s.") % {"tables": ", ".join(tables)}]
        raise ValidationError(_("Please correct the export."), fields=fields)
    columns, rows = tables[name]
    return export_table(columns, rows, fmt=fmt, filename=f"{filename}-{name}")


def export_table(columns: Sequence[Column], rows: Sequence[dict[str, Any]], *, fmt: str, filename: str) -> HttpResponse:
    """One table as a CSV (UTF-8 with a BOM, which spreadsheet programs read as UTF-8) or XLSX file;
    text cells are defused against formula injection (``core.exports.safe_cell``) either way."""
    header = [str(title) for _key, title in columns]
    body = [[safe_cell(row.get(key)) for key, _title in columns] for row in rows]
    if fmt == "csv":
        out = io.StringIO()
        out.write("\ufeff")
        writer = csv.writer(out)
        writer.writerow([safe_cell(h) for h in header])
        writer.writerows(body)
        return attachment_response(out.getvalue().encode(), f"{filename}.csv", "text/csv; charset=utf-8")
    return attachment_response(xlsx_bytes(filename, header, body), f"{filename}.xlsx", XLSX_CONTENT_TYPE)


def _sort_links(request: HttpRequest, current: str | None) -> Callable[[str], str]:
    def link(column: str) -> str:
        params = request.GET.copy()
        params["sort"] = f"-{column}" if current == column else column
        return "?" + params.urlencode()

    return link


def _period_query(period: dashboards.Period) -> dict[str, str]:
    return {"from": period.start.isoformat(), "to": period.end.isoformat()}


@require_GET
def organization(request: HttpRequest) -> HttpResponse:
    """统计: per department, kind and person the figures of the period, the pass-backs, the heat map
    of open work by department and week, and the trend."""
    dashboards.dashboard_scope(user=request.user)  # 404 before reading the parameters
    period, department = dashboards.dashboard_params(request.GET)
    view = dashboards.organization_view(user=request.user, period=period, department=department)
    exported = _export(request, view, "dashboard")
    if exported is not None:
        return exported
    sort = request.GET.get("sort")
    links = _sort_links(request, sort)
    heat = view["heat_map"]
    context = {
        "view": view,
        "period": period,
        "departments": dashboards.sort_rows(view["departments"], sort),
        "sort": sort,
        "sort_links": {column: links(column) for column in dashboards.SORTABLE},
        "figure_columns": _figure_columns(),
        "heat_rows": [
            {**row, "cells": [(c, dashboards.heat_level(c, heat["peak"])) for c in row["cells"]]}
            for row in heat["rows"]
        ],
        "query": urlencode(_period_query(period)),
        "export_query": urlencode({**_period_query(period), **({"department": department} if department else {})}),
        "chart": {
            "labels": view["trend"]["weeks"],
            "open": view["trend"]["open"],
            "done": view["trend"]["done"],
            "open_label": _("Open at the end of the week"),
            "done_label": _("Done in the week"),
        },
    }
    return render(request, "workload/dashboard/organization.html", context)


@require_GET
def department(request: HttpRequest, pk: int) -> HttpResponse:
    """One department: per person the figures, the workload balance, the oldest overdue items and
    the share of effort by priority."""
    unit = dashboards.department_get(user=request.user, pk=pk)
    period, _department = dashboards.dashboard_params(request.GET)
    view = dashboards.department_view(user=request.user, department=unit, period=period)
    exported = _export(request, view, f"department-{unit.pk}")
    if exported is not None:
        return exported
    view["oldest_overdue"] = dashboards.masked_rows(user=request.user, rows=view["oldest_overdue"])
    sort = request.GET.get("sort")
    links = _sort_links(request, sort)
    context = {
        "view": view,
        "unit": unit,
        "period": period,
        "people": dashboards.sort_rows(view["people"], sort),
        "sort_links": {column: links(column) for column in dashboards.SORTABLE},
        "figure_columns": _figure_columns(),
        "query": urlencode(_period_query(period)),
        "chart": {
            "labels": [row["name"] for row in view["people"]],
            "open": [row["open"] for row in view["people"]],
            "overdue": [row["overdue"] for row in view["people"]],
            "done": [row["done"] for row in view["people"]],
            "open_label": _("Open"),
            "overdue_label": _("Overdue"),
            "done_label": _("Done in the period"),
        },
    }
    return render(request, "workload/dashboard/department.html", context)


@require_GET
def items(request: HttpRequest) -> HttpResponse:
    """The items behind one figure (``figure`` with ``department``, ``person``, ``kind``), 50 to a
    page: titles only of items whose target the viewer may see, the others masked."""
    dashboards.dashboard_scope(user=request.user)
    params = dashboards.drill_params(request.GET)
    rows = dashboards.drill_rows(user=request.user, **params)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = dashboards.masked_rows(user=request.user, rows=list(page.object_list))
    keep = {key: request.GET[key] for key in ("figure", "department", "person", "kind") if request.GET.get(key)}
    context = {
        "page": page,
        "figure": params["figure"],
        "figure_label": dict(_figure_columns())[params["figure"]],
        "kind_label": WorkItemKind(params["kind"]).label if params["kind"] else "",
        "period": params["period"],
        "query": urlencode({**_period_query(params["period"]), **keep}),
    }
    return render(request, "workload/dashboard/items.html", context)


@require_GET
def processes(request: HttpRequest) -> HttpResponse:
    """Process views: comment collection per department, approval latency per approver, coordination
    outcomes per department, for the period."""
    dashboards.dashboard_scope(user=request.user)
    period, department = dashboards.dashboard_params(request.GET)
    view = dashboards.process_view(user=request.user, period=period, department=department)
    exported = _export(request, view, "processes")
    if exported is not None:
        return exported
    context = {
        "view": view,
        "period": period,
        "query": urlencode(_period_query(period)),
        "export_query": urlencode({**_period_query(period), **({"department": department} if department else {})}),
    }
    return render(request, "workload/dashboard/processes.html", context)


@require_GET
def department_report(request: HttpRequest, pk: int) -> HttpResponse:
    """The department's printable monthly report (PDF, ``?month=YYYY-MM``, default this month)."""
    unit = dashboards.department_get(user=request.user, pk=pk)
    period = dashboards.month_period(request.GET)
    report = dashboards.monthly_report(user=request.user, department=unit, period=period)
    data = report_pdf(report)
    filename = f"{unit.name}-{period.start.year}-{period.start.month:02d}.pdf"
    return attachment_response(data, filename, "application/pdf", inline=True)
