"""Incoming documents (收文), pages: the register with its filters and export, registration, the
incoming page's timeline and action forms, the reading page; 404 for outsiders; query budgets."""

import re
from datetime import date
from io import BytesIO

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from affairs.models import Matter
from documents.models import IncomingDocument, IncomingStatus, ReadingStatus
from documents.services.incoming import (
    incoming_circulate,
    incoming_instruct,
    incoming_propose,
    reading_mark_read,
)
from tests.documents.incoming_support import bureau_fixture, monday_fixture, register  # noqa: F401
from tests.factories import LeaderFactory

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"documents:{name}", args=args)


def as_(person):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(person)
    return client


def text(response):
    return response.content.decode()


def queries(client, path):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured)


def proposed(bureau, **changes):
    incoming = register(bureau, **changes)
    return incoming_propose(incoming=incoming, actor=bureau.clerk, proposal="拟请综合处牵头办理", leader=bureau.leader)


# --- The register ---------------------------------------------------------------------------------


def test_register_page_lists_filters_and_links_the_export(bureau):
    register(bureau, title="甲函", sender_org="市应急管理局")
    register(bureau, title="乙函", sender_org="市财政局")
    client = as_(bureau.clerk)
    page = client.get(url("incoming_list"))
    assert page.status_code == 200
    assert "甲函" in text(page) and "乙函" in text(page)
    assert 'id="new-incoming"' in text(page)
    filtered = client.get(url("incoming_list"), {"sender": "财政"})
    assert "乙函" in text(filtered) and "甲函" not in text(filtered)
    assert f'href="{url("incoming_export")}?sender=%E8%B4%A2%E6%94%BF"' in text(filtered)
    export = client.get(url("incoming_export"), {"sender": "财政"})
    sheet = load_workbook(BytesIO(export.content)).active
    assert [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["乙函"]
    # A bad filter is the field's error, not a 500.
    assert client.get(url("incoming_list"), {"received_from": "yesterday"}).status_code == 200


def test_register_page_of_someone_else_shows_only_theirs(bureau):
    mine = proposed(bureau, title="请王局长批办")
    register(bureau, title="与我无关")
    page = as_(bureau.leader).get(url("incoming_list"))
    assert "请王局长批办" in text(page) and "与我无关" not in text(page)
    assert 'id="new-incoming"' not in text(page)
    assert f'id="incoming-{mine.pk}"' in text(page)


def test_register_form(bureau):
    client = as_(bureau.clerk)
    assert client.get(url("incoming_create")).status_code == 200
    response = client.post(
        url("incoming_create"),
        {
            "title": "关于召开防汛工作会议的通知",
            "sender_org": "市防汛指挥部",
            "sender_number": "防汛〔2026〕3号",
            "received_on": "2026-03-02",
            "classification": "internal",
            "urgency": "urgent",
            "body": "",
        },
    )
    incoming = IncomingDocument.objects.get()
    assert response.status_code == 302 and response["Location"] == incoming.get_absolute_url()
    assert incoming.due_on == date(2026, 3, 5)
    refused = client.post(
        url("incoming_create"),
        {
            "title": "函",
            "sender_org": "某局",
            "received_on": "2026-03-09",
            "classification": "internal",
            "urgency": "normal",
        },
    )
    assert refused.status_code == 400
    assert "The received date cannot be in the future." in text(refused)


def test_non_office_cannot_register(bureau):
    for person in (bureau.leader, bureau.staff):
        assert as_(person).get(url("incoming_create")).status_code == 403
        assert as_(person).post(url("incoming_create"), {"title": "x"}).status_code == 403


# --- The incoming page and its forms ---------------------------------------------------------------


def test_the_whole_path_through_the_pages(bureau):
    clerk = as_(bureau.clerk)
    incoming = register(bureau, urgency="urgent")
    page = clerk.get(url("incoming_detail", incoming.pk))
    for card in ("review-card", "propose-card", "circulate-card", "close-card"):
        assert f'id="{card}"' in text(page)
    assert (
        clerk.post(url("incoming_review", incoming.pk), {"review-note": "符合要求", "decision": "pass"}).status_code
        == 302
    )
    response = clerk.post(
        url("incoming_propose", incoming.pk), {"propose-proposal": "拟请综合处牵头", "propose-leader": bureau.leader.pk}
    )
    assert response.status_code == 302

    leader = as_(bureau.leader)
    page = leader.get(url("incoming_detail", incoming.pk))
    assert 'id="instruct-card"' in text(page) and 'id="propose-card"' not in text(page)
    response = leader.post(
        url("incoming_instruct", incoming.pk),
        {
            "instruct-instruction": "请综合处牵头，财务处配合。",
            "instruct-lead_department": bureau.general.pk,
            "instruct-assisting_departments": [bureau.finance.pk],
            "instruct-due_on": "2026-03-20",
        },
    )
    assert response.status_code == 302, text(response)
    incoming.refresh_from_db()
    assert incoming.status == IncomingStatus.INSTRUCTED
    matter = Matter.objects.get(pk=incoming.matter_id)

    response = clerk.post(url("incoming_circulate", incoming.pk), {"circulate-readers": [bureau.other_leader.pk]})
    assert response.status_code == 302
    reading = incoming.readings.get()
    other = as_(bureau.other_leader)
    reading_page = other.get(url("reading", reading.pk))
    assert 'id="mark-read-form"' in text(reading_page)
    response = other.post(url("reading_mark_read", reading.pk), {"read-remark": "已阅，同意。"})
    assert response.status_code == 302
    again = other.post(url("reading_mark_read", reading.pk), {"read-remark": "再阅"})
    assert again.status_code == 409  # already read: the page says so
    reading.refresh_from_db()
    assert reading.status == ReadingStatus.READ and reading.remark == "已阅，同意。"

    # Closing waits for the matter.
    refused = clerk.post(url("incoming_close", incoming.pk), {"close-reply": "已办结"})
    assert refused.status_code == 409
    Matter.objects.filter(pk=matter.pk).update(status="done")
    assert clerk.post(url("incoming_close", incoming.pk), {"close-reply": "已函复"}).status_code == 302
    assert clerk.post(url("incoming_archive", incoming.pk), {}).status_code == 302

    page = leader.get(url("incoming_detail", incoming.pk))
    body = text(page)
    for step in (
        "step-registered",
        "step-reviewed",
        "step-proposed",
        "step-instructed",
        f"step-read-{reading.pk}",
        "step-closed",
        "step-archived",
    ):
        assert f'id="{step}' in body, step
    assert f'href="{matter.get_absolute_url()}"' in body
    assert "已阅，同意。" in body and "已函复" in body


def test_refusal_is_shown_with_its_status(bureau):
    incoming = proposed(bureau)
    response = as_(bureau.clerk).post(
        url("incoming_propose", incoming.pk), {"propose-proposal": "再拟办", "propose-leader": bureau.other_leader.pk}
    )
    assert response.status_code == 409
    assert 'id="refusal"' in text(response)


def test_instruct_by_the_office_is_forbidden_on_the_page(bureau):
    incoming = proposed(bureau)
    response = as_(bureau.clerk).post(
        url("incoming_instruct", incoming.pk),
        {"instruct-instruction": "办", "instruct-lead_department": bureau.general.pk, "instruct-due_on": "2026-03-20"},
    )
    assert response.status_code == 403


def test_circulating_to_an_uncleared_reader_marks_the_field(bureau):
    incoming = register(bureau, classification="secret")
    response = as_(bureau.clerk).post(
        url("incoming_circulate", incoming.pk), {"circulate-readers": [bureau.low_leader.pk]}
    )
    assert response.status_code == 400
    assert "Not cleared for this document" in text(response)


def test_a_reader_who_cannot_see_the_matter_sees_no_link(bureau):
    incoming = proposed(bureau)
    incoming_instruct(
        incoming=incoming,
        actor=bureau.leader,
        instruction="办",
        lead_department=bureau.general,
        due_on=date(2026, 3, 20),
    )
    incoming_circulate(incoming=incoming, actor=bureau.clerk, readers=[bureau.staff])
    matter = Matter.objects.get()
    # The lead department's head leads the matter: the page links it.
    assert f'href="{matter.get_absolute_url()}"' in text(
        as_(bureau.general_head).get(url("incoming_detail", incoming.pk))
    )
    # A reader with no part in the matter reads the document but is not shown the matter.
    page = text(as_(bureau.staff).get(url("incoming_detail", incoming.pk)))
    assert 'id="step-instructed"' in page
    assert matter.get_absolute_url() not in page


@pytest.mark.parametrize(
    ("method", "name", "data"),
    [
        ("get", "incoming_detail", None),
        ("post", "incoming_review", {"decision": "pass"}),
        ("post", "incoming_propose", {}),
        ("post", "incoming_instruct", {}),
        ("post", "incoming_circulate", {}),
        ("post", "incoming_close", {}),
        ("post", "incoming_archive", {}),
    ],
)
def test_outsider_gets_404_on_every_page(bureau, method, name, data):
    incoming = register(bureau, title="外人不可见")
    (reading,) = incoming_circulate(incoming=incoming, actor=bureau.clerk, readers=[bureau.leader])
    for person in (bureau.outsider, bureau.staff, bureau.other_leader):
        client = as_(person)
        assert getattr(client, method)(url(name, incoming.pk), data or {}).status_code == 404
        assert client.get(url("reading", reading.pk)).status_code == 404
        assert client.post(url("reading_mark_read", reading.pk), {}).status_code == 404
        assert "外人不可见" not in text(client.get(url("incoming_list")))


def test_file_download_is_checked(bureau, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    incoming = register(bureau, files=[SimpleUploadedFile("正文.txt", "来文".encode())])
    file_id = int(
        re.search(
            r"/documents/incoming/files/(\d+)/", text(as_(bureau.clerk).get(url("incoming_detail", incoming.pk)))
        ).group(1)
    )
    assert as_(bureau.clerk).get(url("incoming_file", file_id)).status_code == 200
    assert as_(bureau.outsider).get(url("incoming_file", file_id)).status_code == 404


def test_behind_nginx_a_download_is_checked_before_it_is_handed_over(bureau, settings, tmp_path):
    """With ATTACHMENT_ACCEL_REDIRECT, the permission check still runs first: a refused person gets
    404 and no X-Accel-Redirect, so nginx's internal location is reached only through Django."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    settings.ATTACHMENT_ACCEL_REDIRECT = "/protected-media/"
    incoming = register(bureau, files=[SimpleUploadedFile("正文.txt", "来文".encode())])
    file_id = int(
        re.search(
            r"/documents/incoming/files/(\d+)/", text(as_(bureau.clerk).get(url("incoming_detail", incoming.pk)))
        ).group(1)
    )
    allowed = as_(bureau.clerk).get(url("incoming_file", file_id))
    assert allowed.status_code == 200
    assert allowed["X-Accel-Redirect"].startswith("/protected-media/attachments/")
    refused = as_(bureau.outsider).get(url("incoming_file", file_id))
    assert refused.status_code == 404
    assert "X-Accel-Redirect" not in refused


# --- Query budgets: the same number of queries at two sizes ----------------------------------------


def test_register_page_queries_do_not_grow(bureau):
    for i in range(3):
        proposed(bureau, title=f"来文{i}")
    client = as_(bureau.clerk)
    small = queries(client, url("incoming_list"))
    for i in range(30):
        proposed(bureau, title=f"更多来文{i}")
    assert queries(client, url("incoming_list")) == small


def test_incoming_page_queries_do_not_grow(bureau):
    incoming = proposed(bureau)
    incoming_instruct(
        incoming=incoming,
        actor=bureau.leader,
        instruction="办",
        lead_department=bureau.general,
        assisting_departments=[bureau.finance],
        due_on=date(2026, 3, 20),
    )
    incoming_circulate(incoming=incoming, actor=bureau.clerk, readers=[LeaderFactory(department=bureau.general)])
    client = as_(bureau.clerk)
    small = queries(client, url("incoming_detail", incoming.pk))
    readers = [LeaderFactory(department=bureau.general) for _ in range(15)]
    for reading in incoming_circulate(incoming=incoming, actor=bureau.clerk, readers=readers)[:10]:
        reading_mark_read(reading=reading, actor=reading.reader, remark="阅")
    assert queries(client, url("incoming_detail", incoming.pk)) == small


def test_reading_page_queries_do_not_grow(bureau):
    incoming = register(bureau)
    (reading,) = incoming_circulate(incoming=incoming, actor=bureau.clerk, readers=[bureau.leader])
    client = as_(bureau.leader)
    small = queries(client, url("reading", reading.pk))
    incoming_circulate(incoming=incoming, actor=bureau.clerk, readers=[LeaderFactory() for _ in range(15)])
    assert queries(client, url("reading", reading.pk)) == small


def test_register_form_and_export_queries_do_not_grow(bureau):
    register(bureau)
    client = as_(bureau.clerk)
    small_form = queries(client, url("incoming_create"))
    small_export = queries(client, url("incoming_export"))
    for i in range(30):
        register(bureau, title=f"来文{i}")
    assert queries(client, url("incoming_create")) == small_form
    assert queries(client, url("incoming_export")) == small_export
