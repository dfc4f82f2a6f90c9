"""A coordination matter (协调事项) in the browser: a colleague raises it on the page, the
cooperating department's head declines with a reason, the office's head opens it and rules
(reassigns the lead and cooperating departments), and the departments find their affairs matter."""

import re

import pytest
from django.core.management import call_command
from django.utils import timezone

from affairs.models import Matter
from core import calendar
from relations.models import CoordinationMatter, CoordinationStatus, PartyResponse
from tests.e2e.support import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
TITLE = "协调办公楼消防通道整改"


def test_raised_declined_ruled_by_the_office_and_followed_up(live_server, browser):
    call_command("seed_demo", verbosity=0)
    base = live_server.url

    # 张文涛 (综合处) raises it: 财务处 to lead, 信息中心 to cooperate.
    raiser_context, raiser = sign_in(browser, base, "zhangwt")
    raiser.goto(f"{base}/relations/coordination/")
    raiser.locator("#raise-link").click()
    raiser.wait_for_url(f"{base}/relations/coordination/new/")
    raiser.fill("#id_title", TITLE)
    raiser.fill("#id_description", "消防通道被杂物占用，需要多个处室配合整改。")
    raiser.select_option("#id_lead_department", label="财务处")
    raiser.select_option("#id_cooperating_departments", label=["信息中心"])
    raiser.fill("#id_respond_by", calendar.add_working_days(timezone.localdate(), 3).isoformat())
    raiser.locator("#raise-form button[type=submit]").click()
    raiser.wait_for_url(re.compile(r"/relations/coordination/\d+/$"))
    matter_url = raiser.url
    coordination = CoordinationMatter.objects.get(title=TITLE)
    assert coordination.status == CoordinationStatus.OPEN

    # 罗俊, head of 信息中心, declines with a reason; without one the page says what is missing.
    head_context, head = sign_in(browser, base, "luoj")
    head.goto(matter_url)
    head.select_option("#id_respond-department", label="信息中心")
    head.select_option("#id_respond-accept", value="0")
    head.locator("#respond-form button[type=submit]").click()
    assert head.locator("#refusal").is_visible()
    head.fill("#id_respond-reason", "消防整改属于后勤管理，信息中心无相关职责。")
    head.locator("#respond-form button[type=submit]").click()
    head.wait_for_url(matter_url)
    assert head.locator("#coordination-status").get_attribute("data-status") == CoordinationStatus.ESCALATED
    declined = head.locator("#parties tr[data-response=declined]")
    assert "无相关职责" in declined.inner_text()

    # 陈建国, head of the office, opens it from his desk and rules: 综合处 leads, 财务处 cooperates.
    office_context, office = sign_in(browser, base, "chenjg")
    office.locator("main a", has_text=TITLE).first.click()
    office.wait_for_url(re.compile(r"/(items|relations/coordination)/\d+/"))
    if office.url != matter_url:  # the desk leads to the item's page, which links to the matter
        office.goto(matter_url)
    office.select_option("#id_arbitrate-lead_department", label="综合处")
    office.select_option("#id_arbitrate-cooperating_departments", label=["财务处"])
    office.fill("#id_arbitrate-ruling", "经研究，由综合处牵头整改，财务处做好经费保障。")
    office.locator("#arbitrate-form button[type=submit]").click()
    office.wait_for_url(matter_url)
    assert office.locator("#coordination-status").get_attribute("data-status") == CoordinationStatus.SETTLED
    assert "综合处牵头" in office.locator("#ruling").inner_text()
    coordination.refresh_from_db()
    assert coordination.parties.get(department__code="info").response == PartyResponse.DECLINED
    follow_up = Matter.objects.get(pk=coordination.matter_id)
    assert follow_up.lead.username == "limh"
    assert {a.user.username for a in follow_up.assistants.all()} == {"sunzq"}

    # The departments see their affairs matter: 李明华 (综合处) leads it, 孙志强 (财务处) assists.
    for login in ("limh", "sunzq"):
        context, person = sign_in(browser, base, login)
        person.goto(matter_url)
        person.locator("#follow-up").click()
        person.wait_for_url(re.compile(rf"/affairs/matters/{follow_up.pk}/$"))
        assert TITLE in person.locator("h1").first.inner_text()
        context.close()

    office_context.close()
    head_context.close()
    raiser_context.close()
