"""A matter from assignment to 办结 in the browser: a leader assigns it with the people picker, the
owner reports progress and completes it, the leader confirms."""

import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command

from affairs.models import Matter, MatterStatus
from tests.e2e.support import sign_in
from workload.models import WorkItem, WorkItemStatus

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_leader_assigns_owner_completes_leader_confirms(live_server, browser):
    call_command("seed_demo", verbosity=0)
    base = live_server.url

    leader_context, leader = sign_in(browser, base, "wangjp")
    leader.goto(f"{base}/affairs/matters/new/")
    leader.fill("#id_title", "梳理公文处理流程中的堵点")
    leader.fill("#id_description", "形成问题清单和改进建议")
    # The people picker: pinyin initials find 张文涛.
    leader.fill("#id_lead-search", "zwt")
    leader.locator("#matter-form [role=option]", has_text="张文涛").first.click()
    leader.locator("#quick-deadlines button").first.click()
    leader.locator("#matter-form button[type=submit]").click()
    leader.wait_for_url(re.compile(r"/affairs/matters/\d+/$"))
    matter_url = leader.url
    assert "张文涛" in leader.locator("#matter-lead").inner_text()
    matter = Matter.objects.get(title="梳理公文处理流程中的堵点")
    assert matter.lead.username == "zhangwt"

    owner_context, owner = sign_in(browser, base, "zhangwt")
    # The new matter is on the owner's desk and leads to its page.
    owner.locator("main a", has_text="梳理公文处理流程中的堵点").first.click()
    owner.wait_for_url(matter_url)
    owner.fill("#progress-form textarea[name$=text]", "已调研三个处室")
    owner.fill("#progress-form input[name$=percent]", "60")
    owner.locator("#progress-form button[type=submit]").click()
    owner.wait_for_url(matter_url)
    assert "已调研三个处室" in owner.locator("#timeline").inner_text()
    owner.fill("#complete-form textarea[name$=report]", "问题清单和改进建议已形成并报送")
    owner.locator("#complete-form button[type=submit]").click()
    owner.wait_for_url(matter_url)
    matter.refresh_from_db()
    assert matter.status == MatterStatus.AWAITING_CONFIRMATION

    leader.goto(matter_url)
    leader.locator("#confirm-form button[value=confirm]").click()
    leader.wait_for_url(matter_url)
    matter.refresh_from_db()
    assert matter.status == MatterStatus.DONE
    # Nothing is left open on the ledger for this matter.
    matter_type = ContentType.objects.get_for_model(Matter)
    assert not WorkItem.objects.filter(
        target_type=matter_type, target_id=matter.pk, status=WorkItemStatus.OPEN
    ).exists()

    owner_context.close()
    leader_context.close()
