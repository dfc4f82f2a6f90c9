"""Reading packets (阅件): compiling (the office; visible items only; the leader cleared), the
leader's access and work item, reading with a remark; API and pages; 404 for outsiders; query budgets."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.errors import Conflict, PermissionDenied, ValidationError
from core.models import AuditEvent
from documents.models import AccessReason, DocumentAccess, PacketStatus, ReadingPacket
from documents.selectors import documents_visible, incoming_visible
from documents.services.drafting import document_create
from documents.services.packets import packet_compile, packet_mark_read
from tests.documents.incoming_support import api, bureau_fixture, monday_fixture, register  # noqa: F401
from workload.models import WorkItem, WorkItemKind, WorkItemStatus

pytestmark = pytest.mark.django_db

BASE = "/api/v1/reading-packets/"


def draft(person, **changes):
    fields = {"title": "关于加强值班工作的通知（代拟稿）", "doc_type": "notice", "body": "<p>正文</p>"}
    fields.update(changes)
    return document_create(drafter=person, **fields)


def packet_items(packet, **filters):
    return WorkItem.objects.filter(
        target_type=ContentType.objects.get_for_model(packet), target_id=packet.pk, **filters
    )


def compiled(bureau, **changes):
    document = draft(bureau.clerk)
    incoming = register(bureau)
    fields = {
        "actor": bureau.clerk,
        "leader": bureau.leader,
        "title": "三月第一期阅件",
        "cover_note": "请王局长审阅。",
        "documents": [document],
        "incomings": [incoming],
        "notes": {incoming: "市应急管理局来函，请阅"},
    }
    fields.update(changes)
    return packet_compile(**fields)


# --- Services -------------------------------------------------------------------------------------


def test_compile_routes_the_leader_and_opens_the_item(bureau):
    document = draft(bureau.staff)  # drafted in general: the leader has no need-to-know yet
    incoming = register(bureau, classification="secret")
    assert not documents_visible(user=bureau.leader).filter(pk=document.pk).exists()
    packet = packet_compile(
        actor=bureau.clerk,
        leader=bureau.leader,
        title="阅件",
        cover_note="请阅",
        documents=[document],
        incomings=[incoming],
        notes={incoming: "请阅第二部分", document: "供参考"},
    )
    assert packet.classification == "secret"  # the highest of its contents
    assert [(e.document_id, e.incoming_id, e.note) for e in packet.entries.all()] == [
        (document.pk, None, "供参考"),
        (None, incoming.pk, "请阅第二部分"),
    ]
    assert DocumentAccess.objects.get(document=document, user=bureau.leader).reason == AccessReason.PACKET
    assert documents_visible(user=bureau.leader).filter(pk=document.pk).exists()
    assert incoming_visible(user=bureau.leader).filter(pk=incoming.pk).exists()
    item = packet_items(packet, kind=WorkItemKind.READING_PACKET).get()
    assert item.assignee == bureau.leader and item.status == WorkItemStatus.OPEN
    assert item.classification == "secret"
    assert AuditEvent.objects.filter(verb="document.packet_compile", target_id=packet.pk).exists()


def test_mark_read_once_by_the_leader(bureau):
    packet = compiled(bureau)
    with pytest.raises(PermissionDenied):
        packet_mark_read(packet=packet, actor=bureau.clerk, remark="x")
    packet = packet_mark_read(packet=packet, actor=bureau.leader, remark="已阅，请综合处研究。")
    assert packet.status == PacketStatus.READ and packet.remark == "已阅，请综合处研究。"
    assert packet_items(packet).get().status == WorkItemStatus.DONE
    with pytest.raises(Conflict):
        packet_mark_read(packet=packet, actor=bureau.leader, remark="again")


def test_only_the_office_compiles(bureau):
    document = draft(bureau.leader)
    with pytest.raises(PermissionDenied):
        packet_compile(actor=bureau.leader, leader=bureau.other_leader, title="阅件", documents=[document])


def test_the_leader_must_be_cleared_for_every_item(bureau):
    incoming = register(bureau, classification="secret")
    with pytest.raises(ValidationError) as refused:
        packet_compile(actor=bureau.clerk, leader=bureau.low_leader, title="阅件", incomings=[incoming])
    assert "leader" in refused.value.fields
    assert not ReadingPacket.objects.exists()


def test_the_compiler_must_see_every_item(bureau):
    secret = register(bureau, classification="secret")
    with pytest.raises(ValidationError) as refused:
        packet_compile(actor=bureau.junior_clerk, leader=bureau.leader, title="阅件", incomings=[secret])
    assert "incomings" in refused.value.fields
    hidden = draft(bureau.general_head, classification="secret")  # the junior clerk is not cleared
    with pytest.raises(ValidationError) as refused:
        packet_compile(actor=bureau.junior_clerk, leader=bureau.leader, title="阅件", documents=[hidden])
    assert "documents" in refused.value.fields


def test_a_packet_needs_a_leader_and_content(bureau):
    with pytest.raises(ValidationError):
        packet_compile(actor=bureau.clerk, leader=bureau.general_head, title="阅件", incomings=[register(bureau)])
    with pytest.raises(ValidationError):
        packet_compile(actor=bureau.clerk, leader=bureau.leader, title="阅件")


def test_files_only_packet(bureau, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    packet = packet_compile(
        actor=bureau.clerk, leader=bureau.leader, title="材料", files=[SimpleUploadedFile("材料.txt", "内容".encode())]
    )
    assert packet.classification == "internal"


# --- API ------------------------------------------------------------------------------------------


def test_api_compile_list_detail_and_mark_read(bureau):
    document = draft(bureau.clerk)
    incoming = register(bureau)
    clerk = api(bureau.clerk)
    created = clerk.post(
        BASE,
        {
            "title": "阅件",
            "cover_note": "请阅",
            "leader": bureau.leader.pk,
            "entries": [{"document": document.pk, "note": "供参考"}, {"incoming": incoming.pk}],
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert [(e["kind"], e["note"]) for e in body["entries"]] == [("document", "供参考"), ("incoming", "")]
    assert body["status"] == "sent"

    leader = api(bureau.leader)
    assert [p["id"] for p in leader.get(BASE, {"status": "sent"}).json()["results"]] == [body["id"]]
    read = leader.post(f"{BASE}{body['id']}/mark-read/", {"remark": "已阅"}, format="json")
    assert read.status_code == 200 and read.json()["status"] == "read" and read.json()["remark"] == "已阅"
    assert leader.post(f"{BASE}{body['id']}/mark-read/", {"remark": "again"}, format="json").status_code == 409
    assert leader.get(BASE, {"status": "sent"}).json()["results"] == []
    # The leader opens the included incoming document.
    assert leader.get(f"/api/v1/incoming/{incoming.pk}/").status_code == 200


def test_api_refusals(bureau):
    incoming = register(bureau, classification="secret")
    body = {"title": "阅件", "leader": bureau.low_leader.pk, "entries": [{"incoming": incoming.pk}]}
    assert api(bureau.leader).post(BASE, body, format="json").status_code == 403
    refused = api(bureau.clerk).post(BASE, body, format="json")
    assert refused.status_code == 400 and "leader" in refused.json()["fields"]
    missing = api(bureau.clerk).post(
        BASE, {**body, "leader": bureau.leader.pk, "entries": [{"incoming": 99999}]}, format="json"
    )
    assert missing.status_code == 400
    both = api(bureau.clerk).post(
        BASE, {**body, "leader": bureau.leader.pk, "entries": [{"incoming": incoming.pk, "document": 1}]}, format="json"
    )
    assert both.status_code == 400
    packet = compiled(bureau)
    assert api(bureau.clerk).post(f"{BASE}{packet.pk}/mark-read/", {}, format="json").status_code == 403


def test_api_outsider_gets_404(bureau):
    packet = compiled(bureau)
    for person in (bureau.outsider, bureau.other_leader, bureau.general_head):
        client = api(person)
        assert client.get(f"{BASE}{packet.pk}/").status_code == 404
        assert client.post(f"{BASE}{packet.pk}/mark-read/", {}, format="json").status_code == 404
        assert client.get(BASE).json()["results"] == []


@pytest.mark.parametrize("rows", [3, 30])
def test_api_list_query_count_does_not_grow(bureau, rows, django_assert_num_queries):
    incoming = register(bureau)
    for i in range(rows):
        packet_compile(actor=bureau.clerk, leader=bureau.leader, title=f"阅件{i}", incomings=[incoming])
    client = api(bureau.leader)
    # 1: roles; 2: the page of packets with leader and compiler.
    with django_assert_num_queries(2):
        response = client.get(BASE)
    assert len(response.json()["results"]) == rows


@pytest.mark.parametrize("entries", [2, 20])
def test_api_detail_query_count_does_not_grow(bureau, entries, django_assert_num_queries):
    incomings = [register(bureau, title=f"来文{i}") for i in range(entries)]
    packet = packet_compile(actor=bureau.clerk, leader=bureau.leader, title="阅件", incomings=incomings)
    client = api(bureau.leader)
    # 1: roles; 2: the packet with leader and compiler; 3: its entries with their rows; 4: its files.
    with django_assert_num_queries(4):
        response = client.get(f"{BASE}{packet.pk}/")
    assert len(response.json()["entries"]) == entries


# --- Pages ----------------------------------------------------------------------------------------


def as_(person):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(person)
    return client


def queries(client, path):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured)


def test_pages_compile_read_and_remark(bureau):
    incoming = register(bureau)
    clerk = as_(bureau.clerk)
    form = clerk.get(reverse("documents:packet_create"), {"incomings": [incoming.pk]})
    assert form.status_code == 200
    assert f'<option value="{incoming.pk}" selected>' in form.content.decode()
    response = clerk.post(
        reverse("documents:packet_create"),
        {"title": "三月阅件", "leader": bureau.leader.pk, "cover_note": "请阅", "incomings": [incoming.pk]},
    )
    assert response.status_code == 302, response.content.decode()
    packet = ReadingPacket.objects.get()
    leader = as_(bureau.leader)
    page = leader.get(packet.get_absolute_url()).content.decode()
    assert 'id="mark-read-form"' in page
    assert f'href="{incoming.get_absolute_url()}"' in page
    assert (
        leader.post(reverse("documents:packet_mark_read", args=[packet.pk]), {"read-remark": "已阅"}).status_code == 302
    )
    page = leader.get(packet.get_absolute_url()).content.decode()
    assert 'id="leader-remark"' in page and "已阅" in page and 'id="mark-read-form"' not in page
    assert leader.post(reverse("documents:packet_mark_read", args=[packet.pk]), {"read-remark": "x"}).status_code == 409
    assert "三月阅件" in leader.get(reverse("documents:packet_list")).content.decode()


def test_page_refusals(bureau):
    assert as_(bureau.leader).get(reverse("documents:packet_create")).status_code == 403
    incoming = register(bureau, classification="secret")
    response = as_(bureau.clerk).post(
        reverse("documents:packet_create"),
        {"title": "阅件", "leader": bureau.low_leader.pk, "incomings": [incoming.pk]},
    )
    assert response.status_code == 400
    assert "is not cleared for" in response.content.decode()


def test_pages_outsider_gets_404(bureau):
    packet = compiled(bureau)
    for person in (bureau.outsider, bureau.other_leader):
        client = as_(person)
        assert client.get(packet.get_absolute_url()).status_code == 404
        assert client.post(reverse("documents:packet_mark_read", args=[packet.pk]), {}).status_code == 404
        assert "三月第一期阅件" not in client.get(reverse("documents:packet_list")).content.decode()


def test_packet_on_the_leaders_desk(bureau):
    packet = compiled(bureau)
    desk = as_(bureau.leader).get(reverse("workload:desk")).content.decode()
    assert packet.title in desk
    packet_mark_read(packet=packet, actor=bureau.leader)
    assert packet_items(packet, status=WorkItemStatus.OPEN).count() == 0


def test_packet_pages_queries_do_not_grow(bureau):
    incomings = [register(bureau, title=f"来文{i}") for i in range(2)]
    first = packet_compile(actor=bureau.clerk, leader=bureau.leader, title="阅件", incomings=incomings)
    client = as_(bureau.leader)
    small_detail = queries(client, first.get_absolute_url())
    small_list = queries(client, reverse("documents:packet_list"))
    more = [register(bureau, title=f"更多{i}") for i in range(20)]
    bigger = packet_compile(actor=bureau.clerk, leader=bureau.leader, title="大阅件", incomings=more)
    for i in range(20):
        packet_compile(actor=bureau.clerk, leader=bureau.leader, title=f"阅件{i}", incomings=incomings)
    assert queries(client, bigger.get_absolute_url()) == small_detail
    assert queries(client, reverse("documents:packet_list")) == small_list


def test_packet_files_are_served_to_those_who_see_the_packet(bureau, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    packet = packet_compile(
        actor=bureau.clerk, leader=bureau.leader, title="材料", files=[SimpleUploadedFile("材料.txt", "内容".encode())]
    )
    (file,) = api(bureau.leader).get(f"{BASE}{packet.pk}/").json()["files"]
    assert api(bureau.leader).get(file["url"]).status_code == 200
    assert api(bureau.outsider).get(file["url"]).status_code == 404
    page_url = reverse("documents:packet_file", args=[file["id"]])
    assert as_(bureau.leader).get(page_url).status_code == 200
    assert as_(bureau.other_leader).get(page_url).status_code == 404


def test_compile_page_queries_do_not_grow(bureau):
    register(bureau)
    draft(bureau.clerk)
    client = as_(bureau.clerk)
    small = queries(client, reverse("documents:packet_create"))
    for i in range(30):
        register(bureau, title=f"来文{i}")
        draft(bureau.clerk, title=f"公文{i}")
    assert queries(client, reverse("documents:packet_create")) == small
