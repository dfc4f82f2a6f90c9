"""The department's monthly report (PDF): its audience (404 outside the dashboards' scope), the month
parameter (400 when malformed), what it prints (read back with pypdf: the department's name, its
figures, per person, masked overdue items), the link on the department page, and a query count fixed
whatever the number of rows."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pypdf import PdfReader

from tests.factories import UserFactory, WorkItemFactory
from workload import targets
from workload.models import WorkItemKind, WorkItemStatus
from workload.targets import masked_title

pytestmark = pytest.mark.django_db


def _fill(units, n):
    now = timezone.now()
    for i in range(n):
        for person in (units["head_a"], units["staff_a"], UserFactory(department=units["b"])):
            WorkItemFactory(assignee=person, due_at=now - timedelta(days=1 + i), kind=WorkItemKind.MATTER)
            WorkItemFactory(
                assignee=person,
                status=WorkItemStatus.DONE,
                completed_at=now - timedelta(minutes=1),
                created_at=now - timedelta(minutes=30),
                kind=WorkItemKind.APPROVAL,
            )


def _text(response):
    assert response["Content-Type"] == "application/pdf"
    data = b"".join(response.streaming_content) if response.streaming else response.content
    reader = PdfReader(BytesIO(data))
    return reader, "".join("".join(page.extract_text().split()) for page in reader.pages)


def _url(unit, query=""):
    return f"/dashboard/department/{unit.pk}/report.pdf{query}"


def test_the_report_prints_the_departments_figures(units, client_of, leader):
    _fill(units, 2)
    month = timezone.localdate().strftime("%Y-%m")
    response = client_of(leader).get(_url(units["a"], f"?month={month}"))
    assert response.status_code == 200
    assert "inline" in response["Content-Disposition"]
    reader, text = _text(response)
    assert "甲处" in text and "乙处" not in text
    assert month in text
    assert "赵处长" in text and "钱科员" in text
    # 4 open and 4 overdue in the department; the page number on every page.
    assert "第1页" in text or "Page1" in text
    assert len(reader.pages) >= 1


def test_the_report_masks_overdue_items_the_viewer_may_not_see(units, client_of, leader, monkeypatch):
    now = timezone.now()
    WorkItemFactory(
        assignee=units["staff_a"],
        title="绝密工作甲",
        classification="secret",
        target=units["b"],
        kind=WorkItemKind.MATTER,
        due_at=now - timedelta(days=3),
    )
    WorkItemFactory(assignee=units["staff_a"], title="公开工作乙", target=units["a"], due_at=now - timedelta(days=2))
    monkeypatch.setitem(targets._rules, "accounts.department", lambda user: Q(pk=units["a"].pk))
    _reader, text = _text(client_of(leader).get(_url(units["a"])))
    assert "公开工作乙" in text
    assert "绝密工作甲" not in text
    assert "".join(masked_title("secret").split()) in text


def test_the_report_counts_the_months_work(units, client_of, leader):
    from workload import dashboards

    _fill(units, 3)
    period = dashboards.month_period({})
    report = dashboards.monthly_report(user=leader, department=units["a"], period=period)
    assert report["figures"]["open"] == 6 and report["figures"]["overdue"] == 6
    assert report["figures"]["done"] == 6 and report["figures"]["late"] == 0
    assert {row["id"] for row in report["people"]} == {units["head_a"].pk, units["staff_a"].pk}
    assert {row["kind"] for row in report["kinds"]} == {WorkItemKind.MATTER, WorkItemKind.APPROVAL}
    assert len(report["oldest_overdue"]) == 6


def test_a_head_gets_their_own_departments_report_only(units, client_of):
    client = client_of(units["head_a"])
    assert client.get(_url(units["a"])).status_code == 200
    assert client.get(_url(units["b"])).status_code == 404
    assert client_of(units["staff_a"]).get(_url(units["a"])).status_code == 404
    assert client.get("/dashboard/department/99999999999999999999/report.pdf").status_code == 404


def test_anonymous_is_sent_to_log_in(units, client):
    assert client.get(_url(units["a"])).status_code in (302, 404)


@pytest.mark.parametrize("month", ["2026-13", "2026-1", "abc", "2026-02-01", "%ED%A0%80", "9999-01"])
def test_a_bad_month_is_400(units, client_of, leader, month):
    response = client_of(leader).get(_url(units["a"], f"?month={month}"))
    assert response.status_code == 400


def test_a_past_month(units, client_of, leader):
    response = client_of(leader).get(_url(units["a"], "?month=2025-02"))
    assert response.status_code == 200
    _reader, text = _text(response)
    assert "2025-02-01" in text and "2025-02-28" in text


def test_the_department_page_links_to_the_report(units, client_of, leader):
    body = client_of(leader).get(f"/dashboard/department/{units['a'].pk}/").content.decode()
    month = timezone.localdate().strftime("%Y-%m")
    assert f'href="/dashboard/department/{units["a"].pk}/report.pdf?month={month}"' in body


def test_the_report_costs_the_same_at_two_sizes(units, client_of, leader):
    counts = []
    client = client_of(leader)
    for size in (2, 7):
        _fill(units, size)
        client.get(_url(units["a"]))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(_url(units["a"])).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
