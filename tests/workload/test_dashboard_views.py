"""Pages of the workload dashboards: who gets them (404 for anyone else, and for a head asking for
another department), the drill-down's masking of items whose target the viewer may not see, the
exports (CSV and XLSX parse), and the query count fixed whatever the number of rows."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

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
                completed_at=now - timedelta(hours=1),
                created_at=now - timedelta(hours=30),
                kind=WorkItemKind.APPROVAL,
            )


PAGES = ("/dashboard/", "/dashboard/department/{a}/", "/dashboard/items/?figure=open&department={a}")


def _url(path, units):
    return path.format(a=units["a"].pk, b=units["b"].pk)


def test_leaders_office_and_admins_see_every_department(units, client_of, leader, office_member, admin_user):
    _fill(units, 1)
    for person in (leader, office_member, admin_user):
        client = client_of(person)
        response = client.get("/dashboard/")
        assert response.status_code == 200
        ids = [row["id"] for row in response.context["departments"]]
        assert units["a"].pk in ids and units["b"].pk in ids
        assert client.get(f"/dashboard/department/{units['b'].pk}/").status_code == 200
        assert 'id="nav-dashboard"' in response.content.decode()


def test_a_head_sees_their_department_only(units, client_of):
    _fill(units, 1)
    client = client_of(units["head_a"])
    response = client.get("/dashboard/")
    assert response.status_code == 200
    assert [row["id"] for row in response.context["departments"]] == [units["a"].pk]
    assert client.get(f"/dashboard/department/{units['a'].pk}/").status_code == 200
    assert client.get(f"/dashboard/department/{units['b'].pk}/").status_code == 404
    assert client.get(f"/dashboard/?department={units['b'].pk}").status_code == 404
    assert client.get(f"/dashboard/items/?figure=open&department={units['b'].pk}").status_code == 404
    listed = client.get("/dashboard/items/?figure=open").context["page"].object_list
    assert {row["department_id"] for row in listed} == {units["a"].pk}


def test_others_get_404_and_no_link(units, client_of):
    client = client_of(units["staff_a"])
    for path in PAGES:
        assert client.get(_url(path, units)).status_code == 404
    assert 'id="nav-dashboard"' not in client.get("/").content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "from=2026-02-30",
        "from=2026-11-10&to=2026-11-01",
        "department=abc",
        "department=99999999999999999999999",
        "department=%ED%A0%80",
    ],
)
def test_bad_input_is_400(units, client_of, leader, query):
    assert client_of(leader).get(f"/dashboard/?{query}").status_code == 400


@pytest.mark.parametrize("query", ["figure=bogus", "figure=open&kind=nope", "figure=open&person=-1", ""])
def test_bad_drill_down_is_400(units, client_of, leader, query):
    assert client_of(leader).get(f"/dashboard/items/?{query}").status_code == 400


def test_huge_department_id_in_the_path_is_404(client_of, leader):
    assert client_of(leader).get("/dashboard/department/99999999999999999999/").status_code == 404


def test_drill_down_masks_items_whose_target_the_viewer_may_not_see(units, client_of, leader, monkeypatch):
    hidden = UserFactory(department=units["b"])
    secret = WorkItemFactory(
        assignee=units["staff_a"],
        title="绝密工作甲",
        classification="secret",
        target=units["b"],
        kind=WorkItemKind.MATTER,
    )
    shown = WorkItemFactory(assignee=units["staff_a"], title="公开工作乙", target=units["a"])
    # Departments as targets: the viewer may see department A's items, not B's.
    monkeypatch.setitem(targets._rules, "accounts.department", lambda user: Q(pk=units["a"].pk))
    del hidden
    client = client_of(leader)
    body = client.get(f"/dashboard/items/?figure=open&department={units['a'].pk}").content.decode()
    assert "公开工作乙" in body and f'id="item-{shown.pk}"' in body
    assert "绝密工作甲" not in body and f'id="item-{secret.pk}"' in body
    assert masked_title("secret") in body
    # The department view's oldest overdue items too, and the count still includes it.
    secret.due_at = timezone.now() - timedelta(days=3)
    secret.save()
    page = client.get(f"/dashboard/department/{units['a'].pk}/")
    body = page.content.decode()
    assert "绝密工作甲" not in body and masked_title("secret") in body
    row = next(r for r in page.context["people"] if r["id"] == units["staff_a"].pk)
    assert row["overdue"] == 1 and row["open"] == 2


def test_exports_parse(units, client_of, leader):
    _fill(units, 2)
    client = client_of(leader)
    for path, tables in (
        ("/dashboard/", ("departments", "kinds", "passes", "heat_map", "people")),
        (f"/dashboard/department/{units['a'].pk}/", ("people", "priorities")),
    ):
        for table in tables:
            response = client.get(path, {"export": "csv", "table": table})
            assert response.status_code == 200
            assert response["Content-Type"].startswith("text/csv")
            rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
            assert len(rows) >= 2 and all(len(r) == len(rows[0]) for r in rows)
            response = client.get(path, {"export": "xlsx", "table": table})
            assert response.status_code == 200
            sheet = load_workbook(io.BytesIO(response.content)).active
            values = list(sheet.values)
            assert [list(v) for v in values[1:]] == [[c if c != "" else None for c in r] for r in _typed(rows[1:])]
    departments = list(
        csv.reader(io.StringIO(client.get("/dashboard/?export=csv&table=departments").content.decode("utf-8-sig")))
    )
    row_a = next(r for r in departments if r[0] == "甲处")
    assert row_a[1:4] == ["4", "4", "4"]  # open, overdue, done: two people of A, two rounds each


def _typed(rows):
    """CSV cells as the XLSX holds them (numbers as numbers)."""

    def cell(text):
        for kind in (int, float):
            try:
                return kind(text)
            except ValueError:
                continue
        return text

    return [[cell(c) for c in r] for r in rows]


def test_bad_export_is_400(units, client_of, leader):
    client = client_of(leader)
    assert client.get("/dashboard/?export=pdf&table=departments").status_code == 400
    assert client.get("/dashboard/?export=csv&table=secrets").status_code == 400


def test_sorting_by_a_column(units, client_of, leader):
    _fill(units, 1)
    for _ in range(2):
        WorkItemFactory(assignee=UserFactory(department=units["b"]))
    client = client_of(leader)
    names = [r["name"] for r in client.get("/dashboard/?sort=-open").context["departments"]]
    assert names[:2] == ["乙处", "甲处"]  # 3 open, then 2
    names = [r["name"] for r in client.get("/dashboard/?sort=open").context["departments"]]
    assert names[-2:] == ["甲处", "乙处"]


def test_pages_cost_the_same_at_two_sizes(units, client_of, leader):
    counts = []
    for size in (2, 7):
        _fill(units, size)
        client = client_of(leader)
        sizes = []
        for path in PAGES:
            url = _url(path, units)
            client.get(url)  # warm the navigation's cached roles
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            sizes.append(len(queries))
        counts.append(sizes)
    assert counts[0] == counts[1]
