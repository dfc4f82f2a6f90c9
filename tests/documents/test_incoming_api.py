"""Incoming documents (收文), API (API.md, Documents): names and shapes, refusals, 404 for outsiders,
the XLSX register, query budgets."""

from datetime import date
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from affairs.models import Matter
from documents.models import IncomingStatus, Reading
from documents.services.incoming import incoming_circulate, incoming_propose
from tests.documents.incoming_support import api, bureau_fixture, monday_fixture, register  # noqa: F401

pytestmark = pytest.mark.django_db

BASE = "/api/v1/incoming/"


def new(**changes):
    body = {
        "title": "关于报送安全生产检查情况的函",
        "sender_org": "市应急管理局",
        "sender_number": "应急函〔2026〕12号",
        "received_on": "2026-03-02",
        "classification": "internal",
        "urgency": "urgent",
        "body": "请于三月底前报送。",
    }
    body.update(changes)
    return body


def test_the_whole_path_through_the_api(bureau):
    clerk, leader = api(bureau.clerk), api(bureau.leader)
    created = clerk.post(BASE, new(), format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["serial"] == "收文〔2026〕1号"
    assert body["status"] == "registered"
    assert body["due_on"] == "2026-03-05"  # 急件: 3 working days
    pk = body["id"]

    proposed = clerk.post(
        f"{BASE}{pk}/propose/", {"proposal": "拟请综合处牵头办理", "leader": bureau.leader.pk}, format="json"
    )
    assert proposed.status_code == 200, proposed.json()
    assert proposed.json()["status"] == "proposed"
    assert proposed.json()["leader"]["id"] == bureau.leader.pk

    instructed = leader.post(
        f"{BASE}{pk}/instruct/",
        {
            "instruction": "请综合处牵头，财务处配合。",
            "lead_department": bureau.general.pk,
            "assisting_departments": [bureau.finance.pk],
            "due_on": "2026-03-20",
        },
        format="json",
    )
    assert instructed.status_code == 200, instructed.json()
    result = instructed.json()
    assert result["status"] == "instructed"
    matter = Matter.objects.get(pk=result["matter"])
    assert matter.lead == bureau.general_head
    assert [d["id"] for d in result["assisting_departments"]] == [bureau.finance.pk]

    circulated = clerk.post(f"{BASE}{pk}/circulate/", {"readers": [bureau.other_leader.pk]}, format="json")
    assert circulated.status_code == 200
    (reading,) = circulated.json()["readings"]
    assert reading["status"] == "pending"

    other = api(bureau.other_leader)
    pending = other.get("/api/v1/readings/", {"status": "pending"}).json()["results"]
    assert [r["id"] for r in pending] == [reading["id"]]
    read = other.post(f"/api/v1/readings/{reading['id']}/mark-read/", {"remark": "已阅"}, format="json")
    assert read.status_code == 200
    assert read.json()["status"] == "read" and read.json()["remark"] == "已阅"
    again = other.post(f"/api/v1/readings/{reading['id']}/mark-read/", {}, format="json")
    assert again.status_code == 409
    assert other.get("/api/v1/readings/", {"status": "pending"}).json()["results"] == []

    # Not closed while the matter is open; then closed and archived.
    assert clerk.post(f"{BASE}{pk}/close/", {"reply": "已办结"}, format="json").status_code == 409
    Matter.objects.filter(pk=matter.pk).update(status="done")
    closed = clerk.post(f"{BASE}{pk}/close/", {"reply": "已函复"}, format="json")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    archived = clerk.post(f"{BASE}{pk}/archive/", {}, format="json")
    assert archived.status_code == 200 and archived.json()["status"] == IncomingStatus.ARCHIVED


def test_register_with_files_by_multipart(bureau, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    response = api(bureau.clerk).post(
        BASE, {**new(), "files": [SimpleUploadedFile("扫描件.txt", "来文正文".encode())]}, format="multipart"
    )
    assert response.status_code == 201, response.json()
    (file,) = response.json()["files"]
    assert file["name"] == "扫描件.txt"
    download = api(bureau.clerk).get(file["url"])
    assert download.status_code == 200
    assert api(bureau.outsider).get(file["url"]).status_code == 404


def test_non_office_register_is_refused(bureau):
    for person in (bureau.leader, bureau.general_head, bureau.staff):
        assert api(person).post(BASE, new(), format="json").status_code == 403


def test_register_validation(bureau):
    response = api(bureau.clerk).post(BASE, new(classification="confidential"), format="json")
    assert response.status_code == 400
    assert "classification" in response.json()["fields"]
    assert api(bureau.clerk).post(BASE, new(extra="x"), format="json").status_code == 400


def test_instruct_by_another_leader_is_forbidden(bureau):
    incoming = register(bureau)
    incoming_propose(incoming=incoming, actor=bureau.clerk, proposal="拟办", leader=bureau.leader)
    body = {"instruction": "办", "lead_department": bureau.general.pk, "due_on": "2026-03-20"}
    # The other leader was not routed onto it: they cannot even see it.
    assert api(bureau.other_leader).post(f"{BASE}{incoming.pk}/instruct/", body, format="json").status_code == 404
    # The office sees it but may not instruct.
    assert api(bureau.clerk).post(f"{BASE}{incoming.pk}/instruct/", body, format="json").status_code == 403


def test_circulate_to_an_uncleared_reader_is_400(bureau):
    incoming = register(bureau, classification="secret")
    response = api(bureau.clerk).post(
        f"{BASE}{incoming.pk}/circulate/", {"readers": [bureau.low_leader.pk]}, format="json"
    )
    assert response.status_code == 400
    assert "readers" in response.json()["fields"]
    assert not Reading.objects.exists()


def test_reading_by_someone_else_is_403(bureau):
    incoming = register(bureau)
    (reading,) = incoming_circulate(incoming=incoming, actor=bureau.clerk, readers=[bureau.leader])
    response = api(bureau.clerk).post(f"/api/v1/readings/{reading.pk}/mark-read/", {}, format="json")
    assert response.status_code == 403


def test_review_through_the_api(bureau):
    incoming = register(bureau)
    returned = api(bureau.clerk).post(
        f"{BASE}{incoming.pk}/review/", {"passed": False, "note": "行文不规范"}, format="json"
    )
    assert returned.status_code == 200
    assert returned.json()["status"] == "closed" and returned.json()["review_passed"] is False
    assert api(bureau.clerk).post(f"{BASE}{incoming.pk}/review/", {"passed": True}, format="json").status_code == 409


@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [
        ("get", "", None),
        ("post", "review/", {"passed": True}),
        ("post", "propose/", {"proposal": "x", "leader": 1}),
        ("post", "instruct/", {"instruction": "x", "lead_department": 1, "due_on": "2026-03-20"}),
        ("post", "circulate/", {"readers": [1]}),
        ("post", "close/", {}),
        ("post", "archive/", {}),
    ],
)
def test_outsider_gets_404_everywhere(bureau, method, suffix, body):
    incoming = register(bureau)
    (reading,) = incoming_circulate(incoming=incoming, actor=bureau.clerk, readers=[bureau.leader])
    client = api(bureau.outsider)
    response = getattr(client, method)(f"{BASE}{incoming.pk}/{suffix}", body, format="json")
    assert response.status_code == 404
    assert client.get(f"/api/v1/readings/{reading.pk}/").status_code == 404
    assert client.post(f"/api/v1/readings/{reading.pk}/mark-read/", {}, format="json").status_code == 404
    assert client.get(BASE).json()["results"] == []


def test_list_filters(bureau):
    register(bureau, title="甲", sender_org="市应急管理局", urgency="urgent")
    register(bureau, title="乙", sender_org="市财政局", received_on=date(2026, 2, 20), classification="secret")
    client = api(bureau.clerk)

    def titles(**params):
        response = client.get(BASE, params)
        assert response.status_code == 200, response.json()
        return [row["title"] for row in response.json()["results"]]

    assert titles() == ["乙", "甲"]
    assert titles(sender="财政") == ["乙"]
    assert titles(urgency="urgent") == ["甲"]
    assert titles(classification="secret") == ["乙"]
    assert titles(received_from="2026-03-01") == ["甲"]
    assert titles(received_to="2026-02-28") == ["乙"]
    assert titles(q="收文〔2026〕1号") == ["甲"]
    assert titles(status="registered") == ["乙", "甲"]
    assert client.get(BASE, {"status": "nope"}).status_code == 400
    assert client.get(BASE, {"received_from": "2026-13-01"}).status_code == 400
    # A junior clerk of the office, not cleared for secret material, does not see the secret one.
    assert [r["title"] for r in api(bureau.junior_clerk).get(BASE).json()["results"]] == ["甲"]


def test_export_parses(bureau):
    register(bureau, title="甲")
    register(bureau, title="=HYPERLINK(乙)", classification="secret")
    response = api(bureau.clerk).get(f"{BASE}export/", {"q": ""})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 3
    assert rows[1][0] == "收文〔2026〕2号"
    assert rows[1][1] == "'=HYPERLINK(乙)"  # defused
    assert rows[2][1] == "甲"
    # Visibility and filters apply to the export.
    junior = load_workbook(BytesIO(api(bureau.junior_clerk).get(f"{BASE}export/").content)).active
    assert [r[1] for r in junior.iter_rows(min_row=2, values_only=True)] == ["甲"]


@pytest.mark.parametrize("rows", [3, 30])
def test_list_query_count_does_not_grow(bureau, rows, django_assert_num_queries):
    for i in range(rows):
        incoming = register(bureau, title=f"来文{i}")
        incoming_propose(incoming=incoming, actor=bureau.clerk, proposal="拟办", leader=bureau.leader)
    client = api(bureau.clerk)
    # 1: the person's roles (office? headed departments?); 2: the page of rows joined with the
    # registrar, the leader and the lead department.
    with django_assert_num_queries(2):
        response = client.get(BASE)
    assert len(response.json()["results"]) == rows


@pytest.mark.parametrize("readers", [2, 12])
def test_detail_query_count_does_not_grow(bureau, readers, django_assert_num_queries):
    from tests.factories import LeaderFactory

    incoming = register(bureau)
    people = [LeaderFactory(department=bureau.general) for _ in range(readers)]
    incoming_circulate(incoming=incoming, actor=bureau.clerk, readers=people)
    client = api(bureau.clerk)
    # 1: roles; 2: the document with its people, department and matter; 3: the readings with their
    # readers and senders; 4: its files. (No matter: no assisting owners to read.)
    with django_assert_num_queries(4):
        response = client.get(f"{BASE}{incoming.pk}/")
    assert len(response.json()["readings"]) == readers


@pytest.mark.parametrize("rows", [3, 30])
def test_export_query_count_does_not_grow(bureau, rows, django_assert_num_queries):
    for i in range(rows):
        register(bureau, title=f"来文{i}")
    client = api(bureau.clerk)
    # 1: roles; 2: the rows with their people and department.
    with django_assert_num_queries(2):
        response = client.get(f"{BASE}export/")
    assert response.status_code == 200


@pytest.mark.parametrize("rows", [3, 30])
def test_readings_query_count_does_not_grow(bureau, rows, django_assert_num_queries):
    for i in range(rows):
        incoming_circulate(incoming=register(bureau, title=f"来文{i}"), actor=bureau.clerk, readers=[bureau.leader])
    client = api(bureau.leader)
    # 1: roles; 2: the page of the person's readings.
    with django_assert_num_queries(2):
        response = client.get("/api/v1/readings/", {"status": "pending"})
    assert len(response.json()["results"]) == rows


def test_work_items_link_to_the_pages_and_mask_for_the_uncleared(bureau):
    incoming = register(bureau, title="秘密来文", classification="secret")
    incoming_propose(incoming=incoming, actor=bureau.clerk, proposal="拟办", leader=bureau.leader)
    (reading,) = incoming_circulate(incoming=incoming, actor=bureau.clerk, readers=[bureau.other_leader])
    (item,) = api(bureau.leader).get("/api/v1/work-items/", {"kind": "incoming"}).json()["results"]
    assert item["title"] == "秘密来文"
    assert item["target"] == {
        "type": "incoming_document",
        "id": incoming.pk,
        "url": f"/documents/incoming/{incoming.pk}/",
    }
    (item,) = api(bureau.other_leader).get("/api/v1/work-items/", {"kind": "reading"}).json()["results"]
    assert item["target"]["url"] == f"/documents/readings/{reading.pk}/"
    # A reader whose clearance is lowered sees that the item exists, not its title.
    bureau.other_leader.clearance = "internal"
    bureau.other_leader.save()
    (item,) = api(bureau.other_leader).get("/api/v1/work-items/", {"kind": "reading"}).json()["results"]
    assert "秘密来文" not in str(item)
    assert api(bureau.other_leader).get(f"/api/v1/readings/{reading.pk}/").status_code == 404


@pytest.mark.parametrize("others", [1, 15])
def test_reading_detail_query_count_does_not_grow(bureau, others, django_assert_num_queries):
    from tests.factories import LeaderFactory

    incoming = register(bureau)
    (reading,) = incoming_circulate(incoming=incoming, actor=bureau.clerk, readers=[bureau.leader])
    incoming_circulate(incoming=incoming, actor=bureau.clerk, readers=[LeaderFactory() for _ in range(others)])
    client = api(bureau.leader)
    # 1: roles; 2: the reading with its incoming document and people.
    with django_assert_num_queries(2):
        response = client.get(f"/api/v1/readings/{reading.pk}/")
    assert response.json()["incoming"]["id"] == incoming.pk
