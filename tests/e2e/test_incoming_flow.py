"""An incoming document in the browser (issue 8, item 11): the office registers and reviews it and
proposes the handling to a leader; the leader instructs from the desk, which creates the matter for
the lead department; the office circulates it to another leader, who marks it read with a remark."""

import re

import pytest
from django.core.management import call_command

from affairs.models import Matter
from documents.models import IncomingDocument, IncomingStatus, Reading, ReadingStatus
from tests.e2e.support import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_register_propose_instruct_circulate_read(live_server, browser):
    call_command("seed_demo", verbosity=0)
    base = live_server.url

    office_context, office = sign_in(browser, base, "liuf")
    office.goto(f"{base}/documents/incoming/new/")
    office.fill("#id_title", "关于开展汛前安全检查的函")
    office.fill("#id_sender_org", "市防汛抗旱指挥部")
    office.fill("#id_sender_number", "防指函〔2026〕8号")
    office.select_option("#id_urgency", "urgent")
    office.locator("#incoming-form button[type=submit]").click()
    office.wait_for_url(re.compile(r"/documents/incoming/\d+/$"))
    incoming_url = office.url
    incoming = IncomingDocument.objects.get(title="关于开展汛前安全检查的函")
    assert incoming.serial in office.locator("#incoming-serial").inner_text()

    office.fill("#review-form textarea", "属本机关职权，格式规范")
    office.locator("#review-form button[value=pass]").click()
    office.wait_for_url(incoming_url)
    office.fill("#propose-form textarea", "拟请综合处牵头，财务处配合办理")
    office.fill("#id_propose-leader-search", "wjp")
    office.locator("#propose-form [role=option]", has_text="王建平").first.click()
    office.locator("#propose-form button[type=submit]").click()
    office.wait_for_url(incoming_url)
    incoming.refresh_from_db()
    assert incoming.status == IncomingStatus.PROPOSED

    leader_context, leader = sign_in(browser, base, "wangjp")
    # The request to instruct is on the leader's desk and leads to the incoming page.
    leader.locator("main a", has_text="关于开展汛前安全检查的函").first.click()
    leader.wait_for_url(incoming_url)
    leader.fill("#instruct-form textarea", "请综合处牵头，财务处配合，三日内报结果。")
    leader.select_option("#id_instruct-lead_department", label="综合处")
    leader.select_option("#id_instruct-assisting_departments", label="财务处")
    leader.locator("#instruct-form button[type=submit]").click()
    leader.wait_for_url(incoming_url)
    incoming.refresh_from_db()
    assert incoming.status == IncomingStatus.INSTRUCTED
    matter = Matter.objects.get(pk=incoming.matter_id)
    assert matter.lead.username == "limh"
    assert leader.locator("#matter-link").count() == 1

    office.goto(incoming_url)
    office.fill("#id_circulate-readers-search", "yzg")
    office.locator("#circulate-form [role=option]", has_text="杨志刚").first.click()
    office.locator("#circulate-form button[type=submit]").click()
    office.wait_for_url(incoming_url)

    reader_context, reader = sign_in(browser, base, "yangzg")
    reader.locator("main a", has_text="关于开展汛前安全检查的函").first.click()
    reader.wait_for_url(re.compile(r"/documents/readings/\d+/$"))
    reader.fill("#mark-read-form textarea", "已阅，请抓紧落实。")
    reader.locator("#mark-read-form button[type=submit]").click()
    reader.wait_for_url(incoming_url)
    assert "已阅，请抓紧落实。" in reader.locator("#incoming-timeline").inner_text()
    assert Reading.objects.get(incoming=incoming).status == ReadingStatus.READ

    for context in (reader_context, leader_context, office_context):
        context.close()
