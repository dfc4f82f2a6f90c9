"""Affairs API (API.md, Affairs): matters and their steps, receptions, work plans; refusals and budgets."""

from datetime import date, datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from affairs.models import Matter, MatterStatus, Reception, ReceptionStatus, WorkPlan
from affairs.services import (
    ArrangementSpec,
    matter_complete,
    matter_create,
    matter_report_progress,
    plan_create,
    plan_item_add,
    plan_item_to_matter,
    reception_create,
)
from tests.affairs.conftest import SH
from tests.api import as_, assert_error
from tests.factories import UserFactory
from workload.models import WorkItem, WorkItemKind, WorkItemStatus

pytestmark = pytest.mark.django_db

MATTERS = "/api/v1/matters/"
RECEPTIONS = "/api/v1/receptions/"
ARRANGEMENTS = "/api/v1/arrangements/"
PLANS = "/api/v1/work-plans/"
PLAN_ITEMS = "/api/v1/plan-items/"


def names(body, field):
    """Whether the error body names ``field`` (a nested place has a dotted key: ``visitors.0.name``)."""
    return any(key == field or key.startswith(f"{field}.") for key in body["fields"])


def open_items(matter):
    return set(
        WorkItem.objects.filter(target_id=matter.pk, status=WorkItemStatus.OPEN).values_list(
            "assignee__username", "kind"
        )
    )


def new_matter(owner, /, **changes):
    return {"title": "整理督办台账", "priority": "key", "lead": owner.pk, "due_on": "2026-03-13", **changes}


# --- matters: create ------------------------------------------------------------------------------


def test_leader_assigns_a_matter(leader, user, assistant):
    body = new_matter(user, description="按季度整理", assisting=[assistant.pk], urgency="urgent")
    response = as_(leader).post(MATTERS, body, format="json")

    assert response.status_code == 201, response.content
    created = response.json()
    assert created["status"] == "in_progress"
    assert created["source"] == "ad_hoc"
    assert created["source_object"] is None
    assert created["lead"] == {"id": user.pk, "name": "张文涛"}
    assert created["assisting"] == [{"id": assistant.pk, "name": "陈协办"}]
    assert created["assigner"] == {"id": leader.pk, "name": "王局长"}
    assert created["urgency"] == "urgent"
    assert created["due_on"] == "2026-03-13"
    assert created["due_at"].endswith("+08:00")
    assert (created["percent"], created["transfer_count"], created["closing_report"]) == (0, 0, "")
    assert created["progress"] == []
    assert [e["kind"] for e in created["history"]] == ["created"]
    assert created["history"][0]["actor"] == {"id": leader.pk, "name": "王局长"}
    matter = Matter.objects.get(pk=created["id"])
    assert open_items(matter) == {("staff", WorkItemKind.MATTER), ("assistant", WorkItemKind.MATTER)}


def test_unknown_lead_is_400_naming_lead(leader, user):
    for lead in (999999, "abc", 10**30, True, 1.5, None):
        body = assert_error(as_(leader).post(MATTERS, new_matter(user, lead=lead), format="json"), 400, "invalid")
        assert "lead" in body["fields"], lead
    assert not Matter.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"priority": "urgentest"}, "priority"),
        ({"due_on": "2026-13-45"}, "due_on"),
        ({"due_on": "next week"}, "due_on"),
        ({"due_on": "2026-03-01"}, "due_on"),  # already passed
        ({"due_on": "9999-12-31"}, "due_on"),  # the calendar's edge
        ({"assisting": [999999]}, "assisting.0"),
        ({"assisting": "abc"}, "assisting"),
        ({"classification": "top"}, "classification"),
        ({"owner": 1}, "owner"),  # unknown field
    ],
)
def test_matter_create_validation_names_the_field(leader, user, changes, field):
    body = assert_error(as_(leader).post(MATTERS, new_matter(user, **changes), format="json"), 400)
    assert field in body["fields"], body
    assert not Matter.objects.exists()


def test_missing_fields_are_named(leader):
    body = assert_error(as_(leader).post(MATTERS, {}, format="json"), 400)
    assert {"title", "priority", "lead", "due_on"} <= set(body["fields"])


@pytest.mark.parametrize("raw", ["[1, 2]", "null", '"text"', "{bad", "42"])
def test_matter_create_junk_body_is_400(leader, raw):
    assert_error(as_(leader).post(MATTERS, data=raw, content_type="application/json"), 400)


def test_staff_may_not_assign_outside_their_department(user, outsider):
    assert_error(as_(user).post(MATTERS, new_matter(outsider), format="json"), 403, "may_not_assign")
    # ...but anyone may give themselves a matter.
    assert as_(user).post(MATTERS, new_matter(user), format="json").status_code == 201


# --- matters: list --------------------------------------------------------------------------------


def test_list_shows_what_each_person_may_see(matter, user, assistant, leader, head, outsider):
    for person in (user, assistant, leader, head):
        body = as_(person).get(MATTERS).json()
        assert set(body) == {"results", "next", "previous"}
        assert [m["id"] for m in body["results"]] == [matter.pk], person.username
    assert as_(outsider).get(MATTERS).json()["results"] == []


def test_list_row_shape(matter, user):
    row = as_(user).get(MATTERS).json()["results"][0]
    assert row["title"] == "完善应急值班制度"
    assert row["status"] == "in_progress"
    assert row["priority"] == "key"
    assert row["lead"] == {"id": user.pk, "name": "张文涛"}
    assert row["department"]["name"] == "综合处"
    assert row["overdue"] is False


def test_list_filters(matter, leader, head, user, assistant, outsider):
    other = matter_create(
        actor=leader, title="筹备季度例会", lead=assistant, due_on=date(2026, 3, 3), priority="routine"
    )
    elsewhere = matter_create(actor=outsider, title="自己的事", lead=outsider, due_on=date(2026, 3, 3))
    client = as_(head)  # sees the matters of the department they head, not the outsider's

    def ids(**params):
        response = client.get(MATTERS, params)
        assert response.status_code == 200, response.content
        return {m["id"] for m in response.json()["results"]}

    assert ids() == {matter.pk, other.pk}
    assert ids(priority="key") == {matter.pk}
    assert ids(owner=assistant.pk) == {matter.pk, other.pk}  # assists one, leads the other
    assert ids(owner=user.pk) == {matter.pk}
    assert ids(owner=outsider.pk) == set()
    assert ids(department=user.department_id) == {matter.pk, other.pk}
    assert ids(q="例会") == {other.pk}
    assert ids(q="值班表") == {matter.pk}  # the description
    assert ids(mine=1) == set()
    assert {m["id"] for m in as_(user).get(MATTERS, {"mine": 1}).json()["results"]} == {matter.pk}
    assert {m["id"] for m in as_(leader).get(MATTERS, {"mine": 1}).json()["results"]} == {matter.pk, other.pk}
    assert elsewhere.pk in {m["id"] for m in as_(leader).get(MATTERS).json()["results"]}  # leaders oversee all
    assert ids(status="done") == set()
    assert ids(status="in_progress") == {matter.pk, other.pk}
    assert ids(overdue=1) == set()
    with time_machine.travel(datetime(2026, 3, 4, 10, tzinfo=SH), tick=False):  # Tuesday's deadline passed
        assert ids(overdue=1) == {other.pk}
        rows = {m["id"]: m["overdue"] for m in client.get(MATTERS).json()["results"]}
    assert rows == {matter.pk: False, other.pk: True}


@pytest.mark.parametrize(
    "params",
    [
        {"status": "junk"},
        {"priority": "x"},
        {"owner": "abc"},
        {"owner": "10000000000000000000000"},
        {"department": "-1"},
        {"overdue": "maybe"},
        {"q": "a\x00b"},
        {"q": "x" * 101},
        {"cursor": "junk"},
        {"page_size": "abc"},
    ],
)
def test_list_junk_parameters_are_4xx_never_500(matter, leader, params):
    response = as_(leader).get(MATTERS, params)
    if response.status_code != 200:  # DRF ignores a page_size it cannot read
        assert_error(response, 404 if "cursor" in params else 400)


def test_list_pages_with_a_cursor(leader, user):
    created = [matter_create(actor=leader, title=f"事项{i}", lead=user, due_on=date(2026, 3, 6)).pk for i in range(5)]
    client = as_(leader)
    first = client.get(MATTERS, {"page_size": 2}).json()
    assert [m["id"] for m in first["results"]] == created[:-3:-1]
    seen = [m["id"] for m in first["results"]]
    page = first
    while page["next"]:
        page = client.get(page["next"]).json()
        seen += [m["id"] for m in page["results"]]
    assert seen == created[::-1]


@pytest.mark.parametrize("rows", [5, 50])
def test_matter_list_query_count_does_not_grow(leader, user, assistant, rows, django_assert_num_queries):
    for i in range(rows):
        matter_create(actor=leader, title=f"事项{i}", lead=user, assisting=[assistant], due_on=date(2026, 3, 6))
    client = as_(user)
    # 1: the person's roles for visibility (in the office? which departments they head? one query);
    # 2: the page of visible matters joined with lead, assigner and department.
    with django_assert_num_queries(2):
        response = client.get(MATTERS)
    assert len(response.json()["results"]) == rows


# --- matters: detail and visibility --------------------------------------------------------------


def test_detail_of_a_plan_matter_names_its_source(head, department, user):
    plan = plan_create(actor=head, title="三月", period="month", period_start=date(2026, 3, 1), department=department)
    item = plan_item_add(actor=head, plan=plan, title="保密自查", owner=user, due_on=date(2026, 3, 13))
    matter = plan_item_to_matter(actor=head, item=item)
    body = as_(user).get(f"{MATTERS}{matter.pk}/").json()
    assert body["source"] == "work_plan"
    assert body["source_object"]["type"] == "work_plan_item"
    assert body["source_object"]["id"] == item.pk


ACTIONS = [
    ("progress", {"text": "已完成初稿", "percent": 50}),
    ("transfer", {"to": 0, "reason": "工作调整"}),
    ("complete", {"report": "已办结"}),
    ("confirm", {"accept": True}),
    ("cancel", {"reason": "不再需要"}),
]


@pytest.mark.parametrize(("action", "body"), ACTIONS)
def test_outsider_gets_404_on_every_action_whatever_the_body(matter, outsider, action, body):
    client = as_(outsider)
    url = f"{MATTERS}{matter.pk}/{action}/"
    if "to" in body:
        body = {**body, "to": outsider.pk}
    assert_error(client.post(url, body, format="json"), 404, "not_found")
    assert_error(client.post(url, {"junk": "x"}, format="json"), 404, "not_found")
    assert_error(client.post(url, data="{bad", content_type="application/json"), 404)
    matter.refresh_from_db()
    assert (matter.status, matter.lead_id, matter.percent) == (MatterStatus.IN_PROGRESS, matter.lead_id, 0)


def test_outsider_gets_404_on_the_detail(matter, outsider):
    assert_error(as_(outsider).get(f"{MATTERS}{matter.pk}/"), 404, "not_found")


@pytest.mark.parametrize("pk", ["abc", "0", "-1", "99999999", "999999999999999999999999", "１"])
@pytest.mark.parametrize("action", ["", "progress/", "complete/"])
def test_junk_ids_are_404(leader, pk, action):
    response = as_(leader).get(f"{MATTERS}{pk}/") if not action else as_(leader).post(f"{MATTERS}{pk}/{action}")
    assert_error(response, 404)


# --- matters: progress ---------------------------------------------------------------------------


def test_owner_reports_progress(matter, user, assistant):
    response = as_(user).post(f"{MATTERS}{matter.pk}/progress/", {"text": "已完成初稿", "percent": 40}, format="json")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["percent"] == 40
    assert len(body["progress"]) == 1
    report = body["progress"][0]
    assert (report["text"], report["percent"], report["files"]) == ("已完成初稿", 40, [])
    assert report["author"] == {"id": user.pk, "name": "张文涛"}
    assert [e["kind"] for e in body["history"]] == ["created", "progress"]
    # An assisting owner reports too; without a percent the matter's stays.
    response = as_(assistant).post(f"{MATTERS}{matter.pk}/progress/", {"text": "已收集材料"}, format="json")
    assert response.json()["percent"] == 40


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"text": "x", "percent": 500}, "percent"),
        ({"text": "x", "percent": -1}, "percent"),
        ({"text": "x", "percent": "half"}, "percent"),
        ({"text": ""}, "text"),
        ({"percent": 10}, "text"),
        ({"text": "x", "files": ["not a file"]}, "files.0"),
    ],
)
def test_progress_validation(matter, user, body, field):
    response = as_(user).post(f"{MATTERS}{matter.pk}/progress/", body, format="json")
    assert field in assert_error(response, 400)["fields"]


def test_a_head_who_sees_the_matter_may_not_report_for_it(matter, head):
    assert_error(as_(head).post(f"{MATTERS}{matter.pk}/progress/", {"text": "x"}, format="json"), 403)


def test_progress_with_files_and_serving_them(matter, user, leader, outsider, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("值班表.txt", "第一周值班安排".encode(), content_type="text/plain")
    response = as_(user).post(
        f"{MATTERS}{matter.pk}/progress/", {"text": "附值班表", "percent": "60", "files": [upload]}, format="multipart"
    )

    assert response.status_code == 200, response.content
    files = response.json()["progress"][0]["files"]
    assert len(files) == 1
    assert files[0]["name"] == "值班表.txt"
    assert files[0]["size"] == len("第一周值班安排".encode())
    assert files[0]["url"] == f"/api/v1/matter-attachments/{files[0]['id']}/"

    download = as_(leader).get(files[0]["url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == "第一周值班安排".encode()
    assert "attachment" in download["content-disposition"]
    assert_error(as_(outsider).get(files[0]["url"]), 404, "not_found")
    assert_error(as_(leader).get("/api/v1/matter-attachments/abc/"), 404)
    assert_error(as_(leader).get("/api/v1/matter-attachments/999999/"), 404)


def test_a_forbidden_file_kind_is_400_and_nothing_is_kept(matter, user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("run.exe", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64)
    response = as_(user).post(f"{MATTERS}{matter.pk}/progress/", {"text": "x", "files": [upload]}, format="multipart")
    assert "file" in assert_error(response, 400)["fields"]
    assert Matter.objects.get(pk=matter.pk).events.count() == 1


def test_a_too_large_file_is_413(matter, user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.ATTACHMENT_MAX_BYTES = 10
    upload = SimpleUploadedFile("大文件.txt", b"x" * 11, content_type="text/plain")
    response = as_(user).post(f"{MATTERS}{matter.pk}/progress/", {"text": "x", "files": [upload]}, format="multipart")
    assert_error(response, 413, "too_large")
    assert Matter.objects.get(pk=matter.pk).events.count() == 1


# --- matters: transfer ---------------------------------------------------------------------------


def test_transfer_needs_a_reason(matter, user, head):
    for body in ({"to": head.pk}, {"to": head.pk, "reason": ""}, {"to": head.pk, "reason": "   "}):
        response = as_(user).post(f"{MATTERS}{matter.pk}/transfer/", body, format="json")
        assert "reason" in assert_error(response, 400, "invalid")["fields"], body
    assert Matter.objects.get(pk=matter.pk).lead == user


@pytest.mark.parametrize("to", [999999, "abc", None, 10**30])
def test_transfer_to_an_unknown_person_names_to(matter, user, to):
    response = as_(user).post(f"{MATTERS}{matter.pk}/transfer/", {"to": to, "reason": "调整"}, format="json")
    assert "to" in assert_error(response, 400)["fields"]


def test_transfer_moves_the_matter_and_is_kept_in_history(matter, user, head, assistant):
    response = as_(user).post(f"{MATTERS}{matter.pk}/transfer/", {"to": head.pk, "reason": "处长牵头"}, format="json")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["lead"] == {"id": head.pk, "name": "李处长"}
    assert body["transfer_count"] == 1
    step = body["history"][-1]
    assert step["kind"] == "transferred"
    assert step["text"] == "处长牵头"
    assert step["from"] == {"id": user.pk, "name": "张文涛"}
    assert step["to"] == {"id": head.pk, "name": "李处长"}
    assert open_items(matter) == {("head", WorkItemKind.MATTER), ("assistant", WorkItemKind.MATTER)}
    # No longer an owner nor the head: the former lead no longer sees it.
    assert_error(as_(user).get(f"{MATTERS}{matter.pk}/"), 404)
    # The assistant may not transfer it (visible, so 403).
    response = as_(assistant).post(f"{MATTERS}{matter.pk}/transfer/", {"to": user.pk, "reason": "x"}, format="json")
    assert_error(response, 403, "permission_denied")


# --- matters: complete, confirm, cancel ----------------------------------------------------------


def test_complete_then_complete_again_is_409(matter, user):
    client = as_(user)
    response = client.post(f"{MATTERS}{matter.pk}/complete/", {"report": "值班制度已修订印发"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "awaiting_confirmation"
    assert response.json()["closing_report"] == "值班制度已修订印发"
    assert response.json()["percent"] == 100

    again = client.post(f"{MATTERS}{matter.pk}/complete/", {"report": "再报一次"}, format="json")
    assert_error(again, 409, "matter_awaiting_confirmation")


def test_complete_needs_a_report_and_the_lead(matter, user, assistant):
    assert "report" in assert_error(as_(user).post(f"{MATTERS}{matter.pk}/complete/", {}, format="json"), 400)["fields"]
    response = as_(assistant).post(f"{MATTERS}{matter.pk}/complete/", {"report": "x"}, format="json")
    assert_error(response, 403)


@pytest.fixture
def completed(matter, user):
    matter_complete(actor=user, matter=matter, report="已修订")
    return matter


def test_only_the_assigner_confirms(completed, user, head, office_member):
    for person in (user, head, office_member):
        response = as_(person).post(f"{MATTERS}{completed.pk}/confirm/", {"accept": True}, format="json")
        assert_error(response, 403, "permission_denied")
    assert Matter.objects.get(pk=completed.pk).status == MatterStatus.AWAITING_CONFIRMATION


def test_assigner_confirms_done(completed, leader):
    response = as_(leader).post(f"{MATTERS}{completed.pk}/confirm/", {"accept": True, "note": "很好"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "done"
    assert response.json()["closed_at"] is not None
    assert open_items(completed) == set()
    assert_error(as_(leader).post(f"{MATTERS}{completed.pk}/confirm/", {"accept": True}, format="json"), 409)


def test_sending_back_needs_a_note_and_reopens(completed, leader):
    client = as_(leader)
    response = client.post(f"{MATTERS}{completed.pk}/confirm/", {"accept": False}, format="json")
    assert "note" in assert_error(response, 400)["fields"]
    assert "accept" in assert_error(client.post(f"{MATTERS}{completed.pk}/confirm/", {}, format="json"), 400)["fields"]
    response = client.post(f"{MATTERS}{completed.pk}/confirm/", {"accept": "maybe"}, format="json")
    assert "accept" in assert_error(response, 400)["fields"]

    response = client.post(f"{MATTERS}{completed.pk}/confirm/", {"accept": False, "note": "缺附件"}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "in_progress"
    assert response.json()["history"][-1]["kind"] == "returned"
    assert open_items(completed) == {("staff", WorkItemKind.MATTER), ("assistant", WorkItemKind.MATTER)}


def test_cancel(matter, leader, user):
    assert_error(as_(user).post(f"{MATTERS}{matter.pk}/cancel/", {"reason": "x"}, format="json"), 403)
    assert "reason" in assert_error(as_(leader).post(f"{MATTERS}{matter.pk}/cancel/", {}, format="json"), 400)["fields"]
    response = as_(leader).post(f"{MATTERS}{matter.pk}/cancel/", {"reason": "任务取消"}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert open_items(matter) == set()
    assert_error(as_(leader).post(f"{MATTERS}{matter.pk}/cancel/", {"reason": "again"}, format="json"), 409)
    progress = as_(user).post(f"{MATTERS}{matter.pk}/progress/", {"text": "x"}, format="json")
    assert_error(progress, 409, "matter_cancelled")


def test_the_whole_walk_leaves_no_stale_item(leader, user, assistant):
    """A leader assigns, the owner reports and completes, the leader sends back once, then confirms."""
    lead_client, owner = as_(leader), as_(user)
    pk = lead_client.post(MATTERS, new_matter(user, assisting=[assistant.pk]), format="json").json()["id"]
    assert owner.post(f"{MATTERS}{pk}/progress/", {"text": "过半", "percent": 60}, format="json").status_code == 200
    assert owner.post(f"{MATTERS}{pk}/complete/", {"report": "完成"}, format="json").status_code == 200
    matter = Matter.objects.get(pk=pk)
    assert open_items(matter) == {("leader", WorkItemKind.MATTER_CONFIRMATION)}
    lead_client.post(f"{MATTERS}{pk}/confirm/", {"accept": False, "note": "补充数据"}, format="json")
    assert open_items(matter) == {("staff", WorkItemKind.MATTER), ("assistant", WorkItemKind.MATTER)}
    owner.post(f"{MATTERS}{pk}/complete/", {"report": "已补充"}, format="json")
    body = lead_client.post(f"{MATTERS}{pk}/confirm/", {"accept": True}, format="json").json()
    assert body["status"] == "done"
    assert [e["kind"] for e in body["history"]] == [
        "created", "progress", "completed", "returned", "completed", "confirmed",
    ]  # fmt: skip
    assert open_items(matter) == set()


@pytest.mark.parametrize("events", [5, 50])
def test_matter_detail_query_count_does_not_grow(
    matter, user, assistant, events, settings, tmp_path, django_assert_num_queries
):
    settings.MEDIA_ROOT = tmp_path
    for i in range(events):
        files = [SimpleUploadedFile(f"{i}.txt", b"report")] if i % 2 else []
        matter_report_progress(
            actor=user if i % 2 else assistant, matter=matter, text=f"进展{i}", percent=i, files=files
        )
    client = as_(user)
    # 1: the person's roles (in the office? which departments they head? accounts.access, one query);
    # 2: the matter joined with lead, assigner, department and source type; 3: its assisting owners
    # with their departments; 4: the timeline with actors and transfer people; 5: the attachments
    # of the progress reports.
    with django_assert_num_queries(5):
        response = client.get(f"{MATTERS}{matter.pk}/")
    body = response.json()
    assert len(body["history"]) == events + 1
    assert len(body["progress"]) == events
    assert sum(len(p["files"]) for p in body["progress"]) == events // 2


# --- receptions -----------------------------------------------------------------------------------


def new_reception(*owners, **changes):
    return {
        "visiting_org": "兄弟单位考察团",
        "purpose": "交流协同办公经验",
        "arrival": "2026-03-10T09:00:00+08:00",
        "departure": "2026-03-10T17:00:00+08:00",
        "visitors": [{"name": "钱主任", "title": "主任"}, {"name": "孙科长"}],
        "visitor_count": 4,
        "budget": "1200.00",
        "arrangements": [{"kind": "meals", "owner": o.pk, "description": "工作餐"} for o in owners],
        **changes,
    }


def test_office_plans_a_reception(office_member, leader, user, assistant):
    body = new_reception(user, assistant, host_leader=leader.pk, accompanying=[user.pk], notes="着正装")
    response = as_(office_member).post(RECEPTIONS, body, format="json")

    assert response.status_code == 201, response.content
    created = response.json()
    assert created["status"] == "planned"
    assert created["visitor_count"] == 4
    assert created["host_leader"] == {"id": leader.pk, "name": "王局长"}
    assert created["accompanying"] == [{"id": user.pk, "name": "张文涛"}]
    assert [(v["name"], v["title"]) for v in created["visitors"]] == [("钱主任", "主任"), ("孙科长", "")]
    assert created["budget"] == "1200.00"
    assert [(a["kind"], a["owner"]["id"], a["status"]) for a in created["arrangements"]] == [
        ("meals", user.pk, "pending"),
        ("meals", assistant.pk, "pending"),
    ]
    assert created["arrival"] == "2026-03-10T09:00:00+08:00"
    items = WorkItem.objects.filter(kind=WorkItemKind.RECEPTION, status=WorkItemStatus.OPEN)
    assert {i.assignee.username for i in items} == {"staff", "assistant"}


def test_staff_may_not_plan_receptions(user):
    assert_error(as_(user).post(RECEPTIONS, new_reception(user), format="json"), 403)
    assert not Reception.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"departure": "2026-03-09T17:00:00+08:00"}, "departure"),
        ({"arrival": "tomorrow"}, "arrival"),
        ({"arrival": "2026-02-30T09:00:00"}, "arrival"),
        ({"arrival": "0001-01-01T00:00:00"}, "arrival"),  # overflows on conversion
        ({"arrival": "0001-01-01T07:00:00+08:00"}, "arrival"),
        ({"departure": "9999-12-31T23:59:59-08:00"}, "departure"),
        ({"visiting_org": ""}, "visiting_org"),
        ({"visitors": "钱主任"}, "visitors"),
        ({"visitors": [{"title": "主任"}]}, "visitors.0.name"),
        ({"visitor_count": 1}, "visitor_count"),  # fewer than the names listed
        ({"visitor_count": 0}, "visitor_count"),
        ({"budget": "-1"}, "budget"),
        ({"budget": "lots"}, "budget"),
        ({"host_leader": 999999}, "host_leader"),
        ({"accompanying": ["abc"]}, "accompanying.0"),
        ({"arrangements": [{"kind": "spa", "owner": 1}]}, "arrangements.0.kind"),
        ({"arrangements": [{"kind": "meals", "owner": 999999}]}, "arrangements.0.owner"),
        ({"arrangements": [{"kind": "meals"}]}, "arrangements.0.owner"),
        ({"arrangements": {"kind": "meals"}}, "arrangements"),
    ],
)
def test_reception_validation_names_the_field(office_member, changes, field):
    response = as_(office_member).post(RECEPTIONS, new_reception(**changes), format="json")
    assert names(assert_error(response, 400), field)
    assert not Reception.objects.exists()


def test_host_must_be_a_leader(office_member, user):
    response = as_(office_member).post(RECEPTIONS, new_reception(host_leader=user.pk), format="json")
    assert "host_leader" in assert_error(response, 400)["fields"]


def make_reception(organizer, *owners, **changes):
    values = {
        "visiting_org": "兄弟单位考察团",
        "purpose": "交流",
        "arrival": datetime(2026, 3, 10, 9, tzinfo=SH),
        "departure": datetime(2026, 3, 10, 17, tzinfo=SH),
        "arrangements": [ArrangementSpec(kind="meals", owner=o) for o in owners],
        **changes,
    }
    return reception_create(actor=organizer, **values)


def test_reception_list_and_detail_visibility(office_member, user, outsider, leader):
    reception = make_reception(office_member, user)
    for person in (office_member, user, leader):
        assert [r["id"] for r in as_(person).get(RECEPTIONS).json()["results"]] == [reception.pk]
        assert as_(person).get(f"{RECEPTIONS}{reception.pk}/").status_code == 200
    assert as_(outsider).get(RECEPTIONS).json()["results"] == []
    assert_error(as_(outsider).get(f"{RECEPTIONS}{reception.pk}/"), 404)
    assert_error(as_(outsider).post(f"{RECEPTIONS}{reception.pk}/status/", {"status": "done"}, format="json"), 404)
    arrangement = reception.arrangements.get()
    assert_error(as_(outsider).post(f"{ARRANGEMENTS}{arrangement.pk}/arranged/", {}, format="json"), 404)
    assert_error(as_(outsider).get(f"{ARRANGEMENTS}{arrangement.pk}/"), 404)
    for pk in ("abc", "0", "999999"):
        assert_error(as_(office_member).get(f"{RECEPTIONS}{pk}/"), 404)


def test_reception_list_filters(office_member):
    early = make_reception(office_member, visiting_org="甲单位")
    later = make_reception(
        office_member, visiting_org="乙单位", arrival=datetime(2026, 4, 1, 9, tzinfo=SH),
        departure=datetime(2026, 4, 1, 12, tzinfo=SH),
    )  # fmt: skip
    client = as_(office_member)
    assert [r["id"] for r in client.get(RECEPTIONS).json()["results"]] == [later.pk, early.pk]
    assert [r["id"] for r in client.get(RECEPTIONS, {"q": "乙"}).json()["results"]] == [later.pk]
    assert client.get(RECEPTIONS, {"status": "done"}).json()["results"] == []
    assert len(client.get(RECEPTIONS, {"upcoming": 1}).json()["results"]) == 2
    assert_error(client.get(RECEPTIONS, {"status": "junk"}), 400)
    first = client.get(RECEPTIONS, {"page_size": 1}).json()
    assert [r["id"] for r in client.get(first["next"]).json()["results"]] == [early.pk]


def test_reception_status(office_member, user):
    reception = make_reception(office_member, user)
    url = f"{RECEPTIONS}{reception.pk}/status/"
    response = as_(office_member).post(url, {"status": "confirmed"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "confirmed"
    assert_error(as_(office_member).post(url, {"status": "confirmed"}, format="json"), 409)
    assert "status" in assert_error(as_(office_member).post(url, {"status": "junk"}, format="json"), 400)["fields"]
    assert "status" in assert_error(as_(office_member).post(url, {}, format="json"), 400)["fields"]
    # An arrangement owner sees the reception but does not run it.
    assert_error(as_(user).post(url, {"status": "done"}, format="json"), 403)
    response = as_(office_member).post(url, {"status": "done"}, format="json")
    assert response.json()["arrangements"][0]["status"] == "cancelled"
    assert Reception.objects.get().status == ReceptionStatus.DONE


def test_arrangement_marked_arranged(office_member, user, assistant):
    reception = make_reception(office_member, user, assistant)
    mine = reception.arrangements.get(owner=user)
    url = f"{ARRANGEMENTS}{mine.pk}/arranged/"
    assert_error(as_(assistant).post(url, {}, format="json"), 403)
    response = as_(user).post(url, {"note": "已订餐"}, format="json")
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["note"]) == ("arranged", "已订餐")
    assert as_(user).get(f"{ARRANGEMENTS}{mine.pk}/").json()["status"] == "arranged"
    assert_error(as_(user).post(url, {}, format="json"), 409)
    assert_error(as_(user).post(url, {"note": 5, "extra": 1}, format="json"), 400)
    item = WorkItem.objects.get(kind=WorkItemKind.RECEPTION, assignee=user)
    assert item.status == WorkItemStatus.DONE


@pytest.mark.parametrize("rows", [5, 50])
def test_reception_list_query_count_does_not_grow(office_member, leader, rows, django_assert_num_queries):
    for i in range(rows):
        make_reception(office_member, visiting_org=f"来访单位{i}", host_leader=leader)
    client = as_(office_member)
    # 1: is the person in the office; 2: the page of receptions joined with host leader and organizer.
    with django_assert_num_queries(2):
        response = client.get(RECEPTIONS)
    assert len(response.json()["results"]) == rows


@pytest.mark.parametrize("rows", [5, 50])
def test_reception_detail_query_count_does_not_grow(office_member, leader, rows, django_assert_num_queries):
    people = UserFactory.create_batch(rows)
    reception = make_reception(
        office_member, *people, visitors=[(f"客人{i}", "处长") for i in range(rows)], accompanying=people,
        host_leader=leader,
    )  # fmt: skip
    client = as_(office_member)
    # 1: is the person in the office; 2: the reception joined with host, organizer and department;
    # 3: its visitors; 4: its accompanying staff; 5: its arrangements with their owners.
    with django_assert_num_queries(5):
        response = client.get(f"{RECEPTIONS}{reception.pk}/")
    body = response.json()
    assert (len(body["visitors"]), len(body["accompanying"]), len(body["arrangements"])) == (rows, rows, rows)


# --- work plans -----------------------------------------------------------------------------------


def new_plan(department, /, *owners, **changes):
    return {
        "title": "三月份工作计划",
        "period": "month",
        "period_start": "2026-03-01",
        "department": department.pk,
        "items": [
            {"title": f"事项{i}", "owner": o.pk, "priority": "key", "due_on": "2026-03-20"}
            for i, o in enumerate(owners)
        ],
        **changes,
    }


def test_head_makes_a_plan_with_items(head, department, user, assistant):
    response = as_(head).post(PLANS, new_plan(department, user, assistant, kind="contingency"), format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["kind"], body["period"], body["period_start"]) == ("contingency", "month", "2026-03-01")
    assert body["department"] == {"id": department.pk, "name": "综合处"}
    assert [(i["title"], i["owner"]["id"], i["matter"]) for i in body["items"]] == [
        ("事项0", user.pk, None),
        ("事项1", assistant.pk, None),
    ]


def test_staff_may_not_make_plans(user, department):
    assert_error(as_(user).post(PLANS, new_plan(department, user), format="json"), 403)
    assert not WorkPlan.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"period": "decade"}, "period"),
        ({"period_start": "2026-02-30"}, "period_start"),
        ({"period_start": "0001-01-01"}, "period_start"),
        ({"department": 999999}, "department"),
        ({"department": "abc"}, "department"),
        ({"title": ""}, "title"),
        ({"kind": "dream"}, "kind"),
        ({"items": [{"title": "x", "owner": 999999}]}, "items.0.owner"),
        ({"items": [{"title": "x", "owner": 1, "due_on": "soon"}]}, "items.0.due_on"),
        ({"items": [{"title": "x", "owner": 1, "priority": "top"}]}, "items.0.priority"),
    ],
)
def test_plan_validation_names_the_field(head, department, changes, field):
    response = as_(head).post(PLANS, new_plan(department, **changes), format="json")
    assert names(assert_error(response, 400), field)
    assert not WorkPlan.objects.exists()


def make_plan(head, department, **changes):
    values = {"title": "三月", "period": "month", "period_start": date(2026, 3, 1), "department": department, **changes}
    return plan_create(actor=head, **values)


def test_plan_visibility(head, department, user, outsider, leader):
    plan = make_plan(head, department)
    for person in (head, user, leader):
        assert [p["id"] for p in as_(person).get(PLANS).json()["results"]] == [plan.pk]
    assert as_(outsider).get(PLANS).json()["results"] == []
    assert_error(as_(outsider).get(f"{PLANS}{plan.pk}/"), 404)
    response = as_(outsider).post(f"{PLANS}{plan.pk}/items/", {"title": "x", "owner": outsider.pk}, format="json")
    assert_error(response, 404)
    item = plan_item_add(actor=head, plan=plan, title="x", owner=user, due_on=date(2026, 3, 20))
    assert_error(as_(outsider).post(f"{PLAN_ITEMS}{item.pk}/to-matter/", {}, format="json"), 404)
    assert_error(as_(head).post(f"{PLAN_ITEMS}abc/to-matter/", {}, format="json"), 404)


def test_plan_list_filters(head, department, leader):
    march = make_plan(head, department)
    week = make_plan(head, department, period="week", period_start=date(2025, 12, 29))
    client = as_(leader)
    assert [p["id"] for p in client.get(PLANS).json()["results"]] == [march.pk, week.pk]
    assert [p["id"] for p in client.get(PLANS, {"period": "week"}).json()["results"]] == [week.pk]
    assert [p["id"] for p in client.get(PLANS, {"year": 2026}).json()["results"]] == [march.pk]
    assert len(client.get(PLANS, {"department": department.pk}).json()["results"]) == 2
    for params in ({"year": "abc"}, {"year": 99999}, {"period": "x"}, {"department": "x"}):
        assert_error(client.get(PLANS, params), 400)


def test_add_an_item_and_follow_it_as_a_matter(head, department, user):
    plan = make_plan(head, department)
    client = as_(head)
    response = client.post(f"{PLANS}{plan.pk}/items/", {"title": "保密自查", "owner": user.pk}, format="json")
    assert response.status_code == 201, response.content
    item = response.json()
    assert (item["title"], item["priority"], item["due_on"], item["matter"]) == ("保密自查", "routine", None, None)
    assert_error(as_(user).post(f"{PLANS}{plan.pk}/items/", {"title": "x", "owner": user.pk}, format="json"), 403)

    url = f"{PLAN_ITEMS}{item['id']}/to-matter/"
    assert "due_on" in assert_error(client.post(url, {}, format="json"), 400)["fields"]
    assert "due_on" in assert_error(client.post(url, {"due_on": "2026-13-01"}, format="json"), 400)["fields"]
    response = client.post(url, {"due_on": "2026-03-13"}, format="json")
    assert response.status_code == 201, response.content
    matter = Matter.objects.get(pk=response.json()["matter"])
    assert response.json() == {"matter": matter.pk}
    assert (matter.lead, matter.source) == (user, "work_plan")
    assert_error(client.post(url, {"due_on": "2026-03-13"}, format="json"), 409, "already_matter")

    matter_report_progress(actor=user, matter=matter, text="过半", percent=55)
    detail = client.get(f"{PLANS}{plan.pk}/").json()
    assert detail["items"][0]["matter"] == {"id": matter.pk, "status": "in_progress", "percent": 55}


@pytest.mark.parametrize("rows", [5, 50])
def test_plan_list_query_count_does_not_grow(head, department, user, rows, django_assert_num_queries):
    for i in range(rows):
        make_plan(head, department, title=f"计划{i}")
    client = as_(user)
    # 1: the person's roles (in the office? which departments they head? one query);
    # 2: the page of plans joined with department and author.
    with django_assert_num_queries(2):
        response = client.get(PLANS)
    assert len(response.json()["results"]) == rows


@pytest.mark.parametrize("rows", [5, 50])
def test_plan_detail_query_count_does_not_grow(head, department, user, rows, django_assert_num_queries):
    plan = make_plan(head, department)
    for i in range(rows):
        item = plan_item_add(actor=head, plan=plan, title=f"事项{i}", owner=user, due_on=date(2026, 3, 20))
        if i % 2:
            plan_item_to_matter(actor=head, item=item)
    client = as_(user)
    # 1: the person's roles (in the office? which departments they head? one query); 2: the plan
    # joined with department and author; 3: its items joined with owner and matter.
    with django_assert_num_queries(3):
        response = client.get(f"{PLANS}{plan.pk}/")
    items = response.json()["items"]
    assert len(items) == rows
    assert sum(1 for i in items if i["matter"]) == rows // 2
