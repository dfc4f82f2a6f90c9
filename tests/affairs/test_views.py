"""The affairs pages: who sees what (404 for outsiders), every action from its page, refusals, query budgets."""

import re
from datetime import date, datetime

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.shortcuts import resolve_url
from django.urls import reverse

from affairs.models import (
    Arrangement,
    ArrangementStatus,
    Matter,
    MatterEvent,
    MatterEventKind,
    MatterStatus,
    Reception,
    ReceptionStatus,
    Visitor,
    WorkPlan,
    WorkPlanItem,
)
from affairs.services import (
    matter_complete,
    matter_report_progress,
    plan_create,
    plan_item_add,
)
from core.models import Attachment
from tests.affairs.conftest import SH
from tests.factories import DepartmentFactory, UserFactory
from workload.models import WorkItem, WorkItemKind, WorkItemStatus

pytestmark = pytest.mark.django_db

MATTERS = reverse("affairs:matter_list")
NEW_MATTER = reverse("affairs:matter_create")
RECEPTIONS = reverse("affairs:reception_list")
PLANS = reverse("affairs:plan_list")


@pytest.fixture(autouse=True)
def _english(client, settings, tmp_path):
    """Pages in English (the msgids), uploads in a throw-away media folder."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    settings.MEDIA_ROOT = tmp_path


def url(name, *args):
    return reverse(f"affairs:{name}", args=args)


def ids(response, prefix):
    return [int(pk) for pk in re.findall(rf'id="{prefix}-(\d+)"', response.content.decode())]


def text(response):
    return response.content.decode()


def open_items(matter, **filters):
    return WorkItem.objects.filter(
        target_type=ContentType.objects.get_for_model(Matter),
        target_id=matter.pk,
        status=WorkItemStatus.OPEN,
        **filters,
    )


def make_matter(assigner, lead, *, title="事项", **fields):
    """A matter row without the service (for lists and query budgets)."""
    due = datetime(2026, 3, 6, 17, 30, tzinfo=SH)
    return Matter.objects.create(
        title=title, assigner=assigner, lead=lead, department=lead.department, due_on=due.date(), due_at=due, **fields
    )


# --- Access -----------------------------------------------------------------------------------


def test_pages_need_login(client, matter):
    for page in (MATTERS, url("matter_detail", matter.pk), RECEPTIONS, PLANS):
        response = client.get(page)
        assert response.status_code == 302
        assert response.url.startswith(resolve_url(settings.LOGIN_URL))


@pytest.mark.parametrize("who", ["leader", "user", "assistant", "head", "office_member"])
def test_matter_page_renders_for_those_involved(request, client_of, matter, who):
    response = client_of(request.getfixturevalue(who)).get(url("matter_detail", matter.pk))
    assert response.status_code == 200
    assert "完善应急值班制度" in text(response)


def test_outsider_gets_404_everywhere_on_a_matter(client_of, matter, user, outsider):
    event = matter_report_progress(
        actor=user, matter=matter, text="进展", files=[SimpleUploadedFile("a.txt", "内容".encode())]
    )
    attachment = Attachment.objects.get(owner_id=event.pk)
    client = client_of(outsider)
    assert client.get(url("matter_detail", matter.pk)).status_code == 404
    assert client.get(url("matter_attachment", attachment.pk)).status_code == 404
    for action, data in [
        ("matter_progress", {"progress-text": "x"}),
        ("matter_transfer", {"transfer-to": outsider.pk, "transfer-reason": "x"}),
        ("matter_complete", {"complete-report": "x"}),
        ("matter_confirm", {"decision": "confirm"}),
        ("matter_cancel", {"cancel-reason": "x"}),
    ]:
        assert client.post(url(action, matter.pk), data).status_code == 404
    assert matter.pk not in ids(client.get(MATTERS), "matter")
    assert MatterEvent.objects.filter(matter=matter).count() == 2  # created + the one progress report


def test_actions_are_shown_only_to_whom_they_apply(client_of, matter, leader, user, assistant, head):
    def forms_for(person):
        body = text(client_of(person).get(url("matter_detail", matter.pk)))
        return {
            name for name in ("progress", "transfer", "complete", "confirm", "cancel") if f'id="{name}-form"' in body
        }

    assert forms_for(user) == {"progress", "transfer", "complete"}
    assert forms_for(assistant) == {"progress"}
    assert forms_for(leader) == {"transfer", "cancel"}
    assert forms_for(head) == set()

    matter_complete(actor=user, matter=matter, report="已完成")
    assert forms_for(leader) == {"confirm", "cancel"}
    assert forms_for(user) == set()


# --- Matter list ------------------------------------------------------------------------------


def test_list_shows_badges_progress_and_links(client_of, leader, user):
    overdue = make_matter(leader, user, title="逾期事项", priority="key", percent=40)
    overdue.due_at = datetime(2026, 2, 27, 17, 30, tzinfo=SH)
    overdue.save()
    body = text(client_of(leader).get(MATTERS))
    row = body[body.index(f'id="matter-{overdue.pk}"') :]
    assert url("matter_detail", overdue.pk) in row
    assert "data-overdue" in row[:2000]
    assert 'class="badge text-bg-primary">Key' in row[:2000]
    assert 'value="40"' in row[:2000]


def test_list_filters(client_of, leader, user, assistant, head, department):
    other_department = DepartmentFactory(name="财务处")
    elsewhere = UserFactory(department=other_department)
    key = make_matter(leader, user, title="重点工作", priority="key")
    done = make_matter(leader, assistant, title="已办结", status=MatterStatus.DONE)
    far = make_matter(leader, elsewhere, title="财务事项", description="预算调整")
    late = make_matter(leader, elsewhere, title="逾期")
    Matter.objects.filter(pk=late.pk).update(due_at=datetime(2026, 2, 27, 17, 30, tzinfo=SH))
    mine = make_matter(head, head, title="处长自办")
    client = client_of(leader)

    def listed(**params):
        return ids(client.get(MATTERS, params), "matter")

    assert listed() == [mine.pk, late.pk, far.pk, done.pk, key.pk]
    assert listed(status="done") == [done.pk]
    assert listed(priority="key") == [key.pk]
    assert listed(owner=assistant.pk) == [done.pk]
    assert listed(department=other_department.pk) == [late.pk, far.pk]
    assert listed(overdue="on") == [late.pk]
    assert listed(q="预算") == [far.pk]
    assert listed(status="nonsense", department=other_department.pk) == [late.pk, far.pk]  # a bad filter is dropped
    assert ids(client_of(head).get(MATTERS, {"mine": "on"}), "matter") == [mine.pk]


def test_filters_over_htmx_return_only_the_list(client_of, leader, user):
    key = make_matter(leader, user, priority="key")
    make_matter(leader, user)
    response = client_of(leader).get(MATTERS, {"priority": "key"}, headers={"hx-request": "true"})
    assert text(response).lstrip().startswith('<div id="matter-list">')
    assert ids(response, "matter") == [key.pk]


def test_keyset_pages_follow_the_next_link(client_of, leader, user):
    matters = [make_matter(leader, user, title=f"事项{i}", priority="key") for i in range(30)]
    newest_first = [m.pk for m in reversed(matters)]
    client = client_of(leader)
    first = client.get(MATTERS, {"priority": "key"})
    assert ids(first, "matter") == newest_first[:25]
    link = re.search(r'href="\?([^"]+)" id="next-page"', text(first)).group(1).replace("&amp;", "&")
    assert link == f"priority=key&after={newest_first[24]}"

    second = client.get(f"{MATTERS}?{link}")
    assert ids(second, "matter") == newest_first[25:]
    assert 'id="next-page"' not in text(second)
    assert 'id="first-page"' in text(second)


def test_empty_list_explains_itself(client_of, user):
    assert 'id="matters-empty"' in text(client_of(user).get(MATTERS))


# --- Creating a matter ------------------------------------------------------------------------


def test_create_form_offers_pickers_and_quick_deadlines(client_of, leader):
    body = text(client_of(leader).get(NEW_MATTER))
    assert body.count("data-people-picker") == 2
    assert 'data-due="2026-03-05"' in body  # in 3 working days from Monday 2 March
    assert 'value="2026-03-09"' in body  # the default: in 5 working days


def test_leader_assigns_a_matter_from_the_form(client_of, leader, user, assistant):
    response = client_of(leader).post(
        NEW_MATTER,
        {
            "title": "整理档案",
            "description": "年底前完成",
            "lead": user.pk,
            "assisting": [assistant.pk],
            "due_on": "2026-03-13",
            "priority": "secondary",
            "urgency": "normal",
            "classification": "internal",
        },
    )
    matter = Matter.objects.get(title="整理档案")
    assert response.status_code == 302
    assert response.url == url("matter_detail", matter.pk)
    assert (matter.lead, matter.assigner, matter.priority) == (user, leader, "secondary")
    assert {i.assignee_id for i in open_items(matter)} == {user.pk, assistant.pk}
    assert "The matter is assigned to 张文涛." in text(client_of(leader).get(response.url))


def test_create_refusals_keep_the_form_and_save_nothing(client_of, user, head, leader):
    base = {"title": "越权交办", "lead": head.pk, "due_on": "2026-03-13", "priority": "routine",
            "urgency": "normal", "classification": "internal"}  # fmt: skip
    client = client_of(user)

    refused = client.post(NEW_MATTER, base)
    assert refused.status_code == 403
    assert "You may assign matters only inside the departments you head." in text(refused)
    assert 'value="越权交办"' in text(refused)

    past = client_of(leader).post(NEW_MATTER, {**base, "due_on": "2026-02-27"})
    assert past.status_code == 400
    assert "The deadline 2026-02-27 has already passed." in text(past)

    untitled = client_of(leader).post(NEW_MATTER, {**base, "title": ""})
    assert untitled.status_code == 400
    assert "Please correct the marked fields." in text(untitled)
    assert not Matter.objects.exists()


# --- Matter actions ---------------------------------------------------------------------------


def test_owner_reports_progress_with_files(client_of, matter, user, leader):
    upload = SimpleUploadedFile("进展说明.txt", "第一阶段完成".encode(), content_type="text/plain")
    response = client_of(user).post(
        url("matter_progress", matter.pk),
        {"progress-text": "已修订值班表", "progress-percent": "60", "progress-files": [upload]},
    )
    assert response.status_code == 302
    matter.refresh_from_db()
    assert matter.percent == 60
    event = MatterEvent.objects.get(matter=matter, kind=MatterEventKind.PROGRESS)
    attachment = Attachment.objects.get(owner_id=event.pk)

    page = client_of(leader).get(url("matter_detail", matter.pk))
    assert "Progress reported." not in text(page)  # the message went to the reporter
    assert "已修订值班表" in text(page)
    assert url("matter_attachment", attachment.pk) in text(page)
    download = client_of(leader).get(url("matter_attachment", attachment.pk))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).decode() == "第一阶段完成"


def test_progress_refusals(client_of, matter, user, leader):
    binary = SimpleUploadedFile("a.exe", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00")
    bad_file = client_of(user).post(
        url("matter_progress", matter.pk), {"progress-text": "附件", "progress-files": [binary]}
    )
    assert bad_file.status_code == 400
    assert "a.exe is not an accepted kind of file" in text(bad_file)

    empty = client_of(user).post(url("matter_progress", matter.pk), {"progress-text": "", "progress-percent": "120"})
    assert empty.status_code == 400

    not_owner = client_of(leader).post(url("matter_progress", matter.pk), {"progress-text": "领导代报"})
    assert not_owner.status_code == 403
    assert "Only the matter&#x27;s owners report progress." in text(not_owner)
    assert not MatterEvent.objects.filter(kind=MatterEventKind.PROGRESS).exists()
    assert not Attachment.objects.exists()


def test_lead_transfers_with_a_reason(client_of, matter, user, head, leader):
    response = client_of(user).post(
        url("matter_transfer", matter.pk), {"transfer-to": head.pk, "transfer-reason": "职责调整"}
    )
    assert response.status_code == 302
    matter.refresh_from_db()
    assert (matter.lead, matter.transfer_count) == (head, 1)
    assert open_items(matter, assignee=head).exists()
    assert not open_items(matter, assignee=user).exists()
    body = text(client_of(leader).get(url("matter_detail", matter.pk)))
    assert "王局长 transferred it: 张文涛 → 李处长" not in body  # the lead did it
    assert "张文涛 transferred it: 张文涛 → 李处长" in body
    assert "职责调整" in body


def test_transfer_refusals_change_nothing(client_of, matter, user, assistant, head):
    no_reason = client_of(user).post(url("matter_transfer", matter.pk), {"transfer-to": head.pk, "transfer-reason": ""})
    assert no_reason.status_code == 400
    to_self = client_of(user).post(url("matter_transfer", matter.pk), {"transfer-to": user.pk, "transfer-reason": "x"})
    assert to_self.status_code == 400
    assert "张文涛 already leads this matter." in text(to_self)
    by_assistant = client_of(assistant).post(
        url("matter_transfer", matter.pk), {"transfer-to": head.pk, "transfer-reason": "推给处长"}
    )
    assert by_assistant.status_code == 403
    assert "Only the lead owner, the assigner or the office may transfer this matter." in text(by_assistant)
    matter.refresh_from_db()
    assert (matter.lead, matter.transfer_count) == (user, 0)
    assert not MatterEvent.objects.filter(kind=MatterEventKind.TRANSFERRED).exists()


def test_complete_then_confirm_from_the_pages(client_of, matter, user, leader):
    done = client_of(user).post(url("matter_complete", matter.pk), {"complete-report": "制度已印发"})
    assert done.status_code == 302
    matter.refresh_from_db()
    assert matter.status == MatterStatus.AWAITING_CONFIRMATION
    assert open_items(matter, kind=WorkItemKind.MATTER_CONFIRMATION, assignee=leader).exists()

    again = client_of(user).post(url("matter_complete", matter.pk), {"complete-report": "再报一次"})
    assert again.status_code == 409
    assert "The matter has been reported complete and awaits confirmation." in text(again)

    by_lead = client_of(user).post(url("matter_confirm", matter.pk), {"decision": "confirm"})
    assert by_lead.status_code == 403
    undecided = client_of(leader).post(url("matter_confirm", matter.pk), {"confirm-note": "嗯"})
    assert undecided.status_code == 400
    assert "Choose to confirm or to send back." in text(undecided)

    confirmed = client_of(leader).post(
        url("matter_confirm", matter.pk), {"decision": "confirm", "confirm-note": "很好"}
    )
    assert confirmed.status_code == 302
    matter.refresh_from_db()
    assert matter.status == MatterStatus.DONE
    assert not open_items(matter).exists()
    body = text(client_of(leader).get(url("matter_detail", matter.pk)))
    assert "Confirmed as completed." in body
    assert "制度已印发" in body


def test_send_back_needs_a_note(client_of, matter, user, leader):
    matter_complete(actor=user, matter=matter, report="已完成")
    bare = client_of(leader).post(url("matter_confirm", matter.pk), {"decision": "send_back", "confirm-note": ""})
    assert bare.status_code == 400
    assert "Say what is still missing." in text(bare)
    matter.refresh_from_db()
    assert matter.status == MatterStatus.AWAITING_CONFIRMATION

    back = client_of(leader).post(url("matter_confirm", matter.pk), {"decision": "send_back", "confirm-note": "缺附件"})
    assert back.status_code == 302
    matter.refresh_from_db()
    assert (matter.status, matter.return_count) == (MatterStatus.IN_PROGRESS, 1)
    assert open_items(matter, assignee=user).exists()


def test_cancel_by_the_assigner_only_with_a_reason(client_of, matter, user, leader):
    assert client_of(user).post(url("matter_cancel", matter.pk), {"cancel-reason": "不做了"}).status_code == 403
    assert client_of(leader).post(url("matter_cancel", matter.pk), {"cancel-reason": ""}).status_code == 400
    matter.refresh_from_db()
    assert matter.status == MatterStatus.IN_PROGRESS

    response = client_of(leader).post(url("matter_cancel", matter.pk), {"cancel-reason": "任务撤销"})
    assert response.status_code == 302
    matter.refresh_from_db()
    assert matter.status == MatterStatus.CANCELLED
    assert not open_items(matter).exists()


def test_actions_accept_post_only(client_of, matter, user):
    assert client_of(user).get(url("matter_complete", matter.pk)).status_code == 405


# --- Receptions -------------------------------------------------------------------------------


def test_office_plans_a_reception_from_the_form(client_of, office_member, leader, user, assistant):
    response = client_of(office_member).post(
        reverse("affairs:reception_create"),
        {
            "visiting_org": "省厅调研组",
            "purpose": "调研数字化办公",
            "arrival": "2026-03-12T09:30",
            "departure": "2026-03-12T16:00",
            "visitors": "钱明, 处长\n孙丽，科长\n\n赵强",
            "host_leader": leader.pk,
            "accompanying": [user.pk],
            "budget": "1200",
            "arrangements-TOTAL_FORMS": "3",
            "arrangements-INITIAL_FORMS": "0",
            "arrangements-0-kind": "meals",
            "arrangements-0-owner": user.pk,
            "arrangements-0-description": "工作餐",
            "arrangements-1-kind": "vehicle",
            "arrangements-1-owner": assistant.pk,
            "arrangements-2-kind": "",
        },
    )
    reception = Reception.objects.get(visiting_org="省厅调研组")
    assert response.status_code == 302
    assert response.url == url("reception_detail", reception.pk)
    assert list(reception.visitors.values_list("name", "title")) == [("钱明", "处长"), ("孙丽", "科长"), ("赵强", "")]
    assert reception.visitor_count == 3
    assert [(a.kind, a.owner_id) for a in reception.arrangements.all()] == [
        ("meals", user.pk),
        ("vehicle", assistant.pk),
    ]
    assert WorkItem.objects.filter(kind=WorkItemKind.RECEPTION, status=WorkItemStatus.OPEN).count() == 2


def test_reception_form_refusals(client_of, office_member, user):
    assert client_of(user).get(reverse("affairs:reception_create")).status_code == 403
    data = {
        "visiting_org": "考察团",
        "purpose": "交流",
        "arrival": "2026-03-12T16:00",
        "departure": "2026-03-12T09:00",
        "arrangements-TOTAL_FORMS": "1",
        "arrangements-INITIAL_FORMS": "0",
        "arrangements-0-kind": "meals",
    }
    response = client_of(office_member).post(reverse("affairs:reception_create"), data)
    assert response.status_code == 400
    assert "Departure must be after arrival." in text(response)
    assert "Say who makes this arrangement." in text(response)
    assert not Reception.objects.exists()


@pytest.mark.parametrize("who", ["office_member", "leader", "user", "assistant"])
def test_reception_pages_render_for_those_involved(request, client_of, reception, who):
    client = client_of(request.getfixturevalue(who))
    assert reception.pk in ids(client.get(RECEPTIONS), "reception")
    page = client.get(url("reception_detail", reception.pk))
    assert page.status_code == 200
    assert ids(page, "arrangement") == [a.pk for a in reception.arrangements.all()]


def test_outsider_gets_404_on_receptions(client_of, reception, outsider):
    client = client_of(outsider)
    arrangement = reception.arrangements.first()
    assert reception.pk not in ids(client.get(RECEPTIONS), "reception")
    assert client.get(url("reception_detail", reception.pk)).status_code == 404
    assert client.get(url("reception_print", reception.pk)).status_code == 404
    assert client.get(url("arrangement_detail", arrangement.pk)).status_code == 404
    assert client.post(url("arrangement_arranged", arrangement.pk)).status_code == 404
    assert client.post(url("reception_status", reception.pk), {"status": "cancelled"}).status_code == 404
    reception.refresh_from_db()
    assert reception.status == ReceptionStatus.PLANNED


def test_arrangement_link_lands_on_the_reception(client_of, reception, user):
    arrangement = reception.arrangements.first()
    response = client_of(user).get(url("arrangement_detail", arrangement.pk))
    assert response.status_code == 302
    assert response.url == f"{url('reception_detail', reception.pk)}#arrangement-{arrangement.pk}"


def test_owner_marks_an_arrangement_arranged(client_of, reception, user, assistant):
    meals, room = reception.arrangements.all()
    page = text(client_of(user).get(url("reception_detail", reception.pk)))
    assert f'id="arranged-form-{meals.pk}"' in page
    assert f'id="arranged-form-{room.pk}"' not in page

    refused = client_of(user).post(url("arrangement_arranged", room.pk), {"note": "不是我的"})
    assert refused.status_code == 403
    response = client_of(user).post(url("arrangement_arranged", meals.pk), {"note": "食堂二楼"})
    assert response.status_code == 302
    meals.refresh_from_db()
    room.refresh_from_db()
    assert (meals.status, meals.note) == (ArrangementStatus.ARRANGED, "食堂二楼")
    assert room.status == ArrangementStatus.PENDING
    again = client_of(user).post(url("arrangement_arranged", meals.pk))
    assert again.status_code == 409


def test_organizer_moves_the_status_and_adds_arrangements(client_of, reception, office_member, user, head):
    assert 'id="status-confirmed"' not in text(client_of(user).get(url("reception_detail", reception.pk)))
    client = client_of(office_member)  # the test client is shared: from here on, the office
    page = text(client.get(url("reception_detail", reception.pk)))
    assert 'id="status-confirmed"' in page
    assert 'id="arrangement-add-form"' in page

    added = client.post(
        url("arrangement_add", reception.pk),
        {"arrangement-kind": "lodging", "arrangement-owner": head.pk, "arrangement-description": "宾馆两间"},
    )
    lodging = reception.arrangements.get(kind="lodging")
    assert added.url == f"{url('reception_detail', reception.pk)}#arrangement-{lodging.pk}"

    assert client.post(url("reception_status", reception.pk), {"status": "confirmed"}).status_code == 302
    assert client.post(url("reception_status", reception.pk), {"status": "done"}).status_code == 302
    reception.refresh_from_db()
    assert reception.status == ReceptionStatus.DONE
    late = client.post(url("reception_status", reception.pk), {"status": "cancelled"})
    assert late.status_code == 409
    assert "A reception that is Done cannot become Cancelled." in text(late)
    assert client_of(user).post(url("reception_status", reception.pk), {"status": "done"}).status_code == 403
    assert not Arrangement.objects.filter(status=ArrangementStatus.PENDING).exists()


def test_print_page_is_the_plan_without_navigation(client_of, reception, user):
    response = client_of(user).get(url("reception_print", reception.pk))
    body = text(response)
    assert response.status_code == 200
    assert "Reception plan: 兄弟单位考察团" in body
    assert "navbar" not in body
    assert 'class="d-flex flex-wrap gap-2 mb-3 d-print-none"' in body
    assert "钱主任" in body
    assert "午餐工作餐 6 人" in body
    assert "三楼会议室" in body


# --- Work plans -------------------------------------------------------------------------------


@pytest.fixture
def plan(head, department):
    return plan_create(
        actor=head, title="三月工作计划", period="month", period_start=date(2026, 3, 1), department=department
    )


def test_head_creates_a_plan_for_their_department(client_of, head, department):
    form = text(client_of(head).get(reverse("affairs:plan_create")))
    assert f'<option value="{department.pk}" selected>' in form
    response = client_of(head).post(
        reverse("affairs:plan_create"),
        {"title": "第二季度计划", "kind": "plan", "department": department.pk, "period": "quarter",
         "period_start": "2026-04-01"},
    )  # fmt: skip
    plan = WorkPlan.objects.get(title="第二季度计划")
    assert response.url == url("plan_detail", plan.pk)


def test_plan_refusals(client_of, user, head, department):
    assert client_of(user).get(reverse("affairs:plan_create")).status_code == 403
    other = DepartmentFactory(name="财务处")
    response = client_of(head).post(
        reverse("affairs:plan_create"),
        {
            "title": "别处的计划",
            "kind": "plan",
            "department": other.pk,
            "period": "month",
            "period_start": "2026-03-01",
        },
    )
    assert response.status_code == 400  # not a department they may plan for
    assert not WorkPlan.objects.exists()


def test_plan_pages_and_outsiders(client_of, plan, user, outsider):
    assert plan.pk in ids(client_of(user).get(PLANS), "plan")
    assert client_of(user).get(url("plan_detail", plan.pk)).status_code == 200
    client = client_of(outsider)
    assert plan.pk not in ids(client.get(PLANS), "plan")
    assert client.get(url("plan_detail", plan.pk)).status_code == 404
    assert client.post(url("plan_item_add", plan.pk), {"item-title": "x", "item-owner": outsider.pk}).status_code == 404


def test_plan_list_filters(client_of, leader, department, head):
    other = DepartmentFactory(name="财务处")
    march = plan_create(
        actor=leader, title="三月", period="month", period_start=date(2026, 3, 1), department=department
    )
    year = plan_create(actor=leader, title="全年", period="year", period_start=date(2026, 1, 1), department=other)
    last = plan_create(actor=leader, title="去年", period="year", period_start=date(2025, 1, 1), department=department)
    client = client_of(leader)
    assert ids(client.get(PLANS), "plan") == [march.pk, year.pk, last.pk]
    assert ids(client.get(PLANS, {"department": other.pk}), "plan") == [year.pk]
    assert ids(client.get(PLANS, {"period": "year"}), "plan") == [year.pk, last.pk]
    assert ids(client.get(PLANS, {"year": "2025"}), "plan") == [last.pk]


def test_items_are_added_and_turned_into_matters(client_of, plan, head, user):
    client = client_of(head)
    assert (
        client.post(
            url("plan_item_add", plan.pk),
            {"item-title": "修订值班制度", "item-owner": user.pk, "item-priority": "key", "item-due_on": "2026-03-20"},
        ).status_code
        == 302
    )
    item = WorkPlanItem.objects.get(plan=plan)
    page = text(client.get(url("plan_detail", plan.pk)))
    assert f'id="to-matter-{item.pk}"' in page
    assert 'id="to-matter-' not in text(client_of(user).get(url("plan_detail", plan.pk)))  # staff do not plan

    client = client_of(head)  # the test client is shared: back to the head
    response = client.post(url("plan_item_to_matter", item.pk))
    assert response.url == f"{url('plan_detail', plan.pk)}#item-{item.pk}"
    item.refresh_from_db()
    assert (item.matter.lead, item.matter.source) == (user, "work_plan")
    matter_report_progress(actor=user, matter=item.matter, text="过半", percent=50)
    page = client.get(url("plan_detail", plan.pk))
    row = text(page)[text(page).index(f'id="item-{item.pk}"') :]
    assert url("matter_detail", item.matter.pk) in row
    assert 'value="50"' in row
    assert "In progress" in row

    twice = client.post(url("plan_item_to_matter", item.pk))
    assert twice.status_code == 409
    assert "This item is already followed as a matter." in text(twice)
    assert Matter.objects.count() == 1


def test_item_without_deadline_needs_one_to_become_a_matter(client_of, plan, head, user):
    item = plan_item_add(actor=head, plan=plan, title="调研", owner=user)
    refused = client_of(head).post(url("plan_item_to_matter", item.pk))
    assert refused.status_code == 400
    assert "Give the item a deadline first." in text(refused)
    assert not Matter.objects.exists()
    assert client_of(head).post(url("plan_item_to_matter", item.pk), {"due_on": "2026-03-31"}).status_code == 302
    assert Matter.objects.get().due_on == date(2026, 3, 31)


def test_item_refusals_by_staff(client_of, plan, user):
    item_add = client_of(user).post(url("plan_item_add", plan.pk), {"item-title": "自己加", "item-owner": user.pk,
                                                                    "item-priority": "routine"})  # fmt: skip
    assert item_add.status_code == 403
    assert not WorkPlanItem.objects.exists()


# --- Query budgets ----------------------------------------------------------------------------


@pytest.mark.parametrize("size", [5, 50])
def test_matter_list_queries_do_not_grow(client_of, leader, user, department, size, django_assert_num_queries):
    people = UserFactory.create_batch(3, department=department)
    for i in range(size):
        make_matter(leader, people[i % 3], title=f"事项{i}", percent=i % 100)
    client = client_of(leader)
    client.get(MATTERS)

    # 1 session, 2 user, 3 is the viewer in the office (visibility), 4 the page of matters with lead,
    # assigner and department joined, 5 the department filter's options, 6 the unread notification
    # badge. (The owner picker holds only the chosen person: none here, so no query.)
    with django_assert_num_queries(6):
        response = client.get(MATTERS)
    assert len(ids(response, "matter")) == min(size, 25)


@pytest.mark.parametrize("size", [5, 50])
def test_matter_detail_queries_do_not_grow(client_of, matter, user, assistant, size, django_assert_num_queries):
    event_type = ContentType.objects.get_for_model(MatterEvent)
    for i in range(size):
        event = MatterEvent.objects.create(
            matter=matter, kind=MatterEventKind.PROGRESS, actor=(user, assistant)[i % 2], text=f"进展{i}", percent=i
        )
        Attachment.objects.create(
            owner_type=event_type, owner_id=event.pk, file="attachments/x", original_name=f"{i}.txt",
            content_type="text/plain", size=10,
        )  # fmt: skip
    client = client_of(user)
    client.get(url("matter_detail", matter.pk))

    # 1 session, 2 user, 3 the viewer's roles: in the office? the departments they head? (one query,
    # accounts.access, for visibility; the answers are kept for "may they transfer?"), 4 the matter
    # with lead, department, assigner and source type joined, 5 assisting owners with their
    # departments, 6 the timeline with actors, 7 the timeline's attachments, 8 the unread
    # notification badge. (The transfer picker starts empty: no query however many people there are.)
    with django_assert_num_queries(8):
        response = client.get(url("matter_detail", matter.pk))
    assert len(ids(response, "event")) == size + 1


@pytest.mark.parametrize("size", [5, 50])
def test_reception_list_queries_do_not_grow(client_of, office_member, leader, size, django_assert_num_queries):
    for i in range(size):
        Reception.objects.create(
            visiting_org=f"来访单位{i}", purpose="交流", arrival=datetime(2026, 3, 10, 9, tzinfo=SH),
            departure=datetime(2026, 3, 10, 17, tzinfo=SH), host_leader=leader, created_by=office_member,
        )  # fmt: skip
    client = client_of(office_member)
    client.get(RECEPTIONS)

    # 1 session, 2 user, 3 is the viewer in the office, 4 paginator count, 5 the page with host and
    # organizer joined, 6 the unread notification badge.
    with django_assert_num_queries(6):
        response = client.get(RECEPTIONS)
    assert len(ids(response, "reception")) == min(size, 25)


@pytest.mark.parametrize("size", [5, 50])
def test_reception_detail_queries_do_not_grow(client_of, office_member, size, django_assert_num_queries):
    people = UserFactory.create_batch(3)
    reception = Reception.objects.create(
        visiting_org="来访单位", purpose="交流", arrival=datetime(2026, 3, 10, 9, tzinfo=SH),
        departure=datetime(2026, 3, 10, 17, tzinfo=SH), created_by=office_member,
    )  # fmt: skip
    reception.accompanying.set(people)
    Visitor.objects.bulk_create([Visitor(reception=reception, name=f"来宾{i}", order=i) for i in range(size)])
    Arrangement.objects.bulk_create(
        [Arrangement(reception=reception, kind="meals", owner=people[i % 3]) for i in range(size)]
    )
    client = client_of(office_member)
    for page in ("reception_detail", "reception_print"):
        client.get(url(page, reception.pk))

    # 1 session, 2 user, 3 is the viewer in the office, 4 the reception with host, organizer and
    # department joined, 5 visitors, 6 accompanying staff, 7 arrangements with owners, 8 the unread
    # notification badge. (The add-arrangement picker starts empty: no query.)
    with django_assert_num_queries(8):
        response = client.get(url("reception_detail", reception.pk))
    assert len(ids(response, "arrangement")) == size
    # The printed plan: the same reads without the picker and without the navigation's badge.
    with django_assert_num_queries(7):
        client.get(url("reception_print", reception.pk))


@pytest.mark.parametrize("size", [5, 50])
def test_plan_list_queries_do_not_grow(client_of, leader, department, size, django_assert_num_queries):
    for i in range(size):
        WorkPlan.objects.create(
            title=f"计划{i}", period="month", period_start=date(2026, 3, 1), department=department, created_by=leader
        )
    client = client_of(leader)
    client.get(PLANS)

    # 1 session, 2 user, 3 is the viewer in the office (visibility, and may they plan), 4 paginator
    # count, 5 the page with department and author joined, 6 the department filter's options,
    # 7 the unread notification badge.
    with django_assert_num_queries(7):
        response = client.get(PLANS)
    assert len(ids(response, "plan")) == min(size, 25)


@pytest.mark.parametrize("size", [5, 50])
def test_plan_detail_queries_do_not_grow(client_of, plan, head, user, size, django_assert_num_queries):
    for i in range(size):
        item = WorkPlanItem.objects.create(plan=plan, title=f"事项{i}", owner=user, order=i)
        if i % 2:
            item.matter = make_matter(head, user, title=f"事项{i}", percent=i)
            item.save()
    client = client_of(head)
    client.get(url("plan_detail", plan.pk))

    # 1 session, 2 user, 3 the viewer's roles: in the office? the departments they head? (one query,
    # accounts.access; for visibility and may they plan), 4 the plan with department and author
    # joined, 5 its items with owners and matters, 6 the unread notification badge. (The add-item
    # picker starts empty: no query.)
    with django_assert_num_queries(6):
        response = client.get(url("plan_detail", plan.pk))
    assert len(ids(response, "item")) == size


# --- Admin ------------------------------------------------------------------------------------


def test_admin_shows_matters_receptions_and_plans(client_of, admin_user, matter, reception, plan):
    client = client_of(admin_user)
    for model, obj in (("matter", matter), ("reception", reception), ("workplan", plan)):
        assert client.get(reverse(f"admin:affairs_{model}_changelist")).status_code == 200
        assert client.get(reverse(f"admin:affairs_{model}_change", args=[obj.pk])).status_code == 200
    assert client.get(reverse("admin:affairs_matter_add")).status_code == 403
    assert "修订值班表并报局领导" in text(client.get(reverse("admin:affairs_matter_change", args=[matter.pk])))
