"""Public feedback services: every transition and refusal, deadlines (working vs calendar days,
across a weekend, the statutory cap), gap-free numbering, the work items, visibility."""

from datetime import date, timedelta

import pytest
import time_machine
from django.utils import timezone

from core.errors import Conflict, PermissionDenied, ValidationError
from notifications.models import Notification
from relations import feedback as services
from relations import selectors
from relations.feedback_models import Feedback, FeedbackCounter, FeedbackStatus
from tests.factories import DepartmentFactory, UserFactory
from tests.relations import feedback_support
from workload import dashboards
from workload.models import WorkItem, WorkItemKind, WorkItemStatus
from workload.targets import visible_queryset

pytestmark = pytest.mark.django_db

clerk, handler_dept, member = feedback_support.clerk, feedback_support.handler_dept, feedback_support.member
register, routed, answered = feedback_support.register, feedback_support.routed, feedback_support.answered

FRIDAY = date(2026, 3, 13)


def items(feedback):
    return WorkItem.objects.filter(target_id=feedback.pk, kind=WorkItemKind.FEEDBACK).order_by("id")


def test_registration_numbers_per_year_without_gaps(register):
    first, second = register(), register(subject="第二件")
    year = timezone.localdate().year
    assert (first.number, second.number) == (f"{year}-0001", f"{year}-0002")
    assert FeedbackCounter.objects.get(year=year).last == 2
    assert first.status == FeedbackStatus.REGISTERED
    assert first.acknowledge_by == services.acknowledge_deadline(first.received_on)


def test_a_failed_registration_uses_no_number(register):
    register()
    with pytest.raises(ValidationError):
        register(subject="   ")
    assert register(subject="下一件").number.endswith("-0002")


def test_anonymous_feedback_keeps_no_personal_fields(register):
    feedback = register(anonymous=True)
    assert (feedback.submitter_name, feedback.submitter_phone, feedback.submitter_address) == ("", "", "")


def test_only_the_office_registers(register, member):
    with pytest.raises(PermissionDenied):
        register(actor=member)


def test_bad_channel_or_future_date_is_a_400(register):
    with pytest.raises(ValidationError) as bad:
        register(channel="pigeon")
    assert "channel" in bad.value.fields
    with pytest.raises(ValidationError) as future:
        register(received_on=timezone.localdate() + timedelta(days=1))
    assert "received_on" in future.value.fields


def test_routing_gives_the_head_an_item_due_on_the_deadline(register, clerk, handler_dept):
    feedback = services.feedback_route(actor=clerk, feedback=register(), department=handler_dept)
    assert feedback.status == FeedbackStatus.ROUTED
    assert feedback.handler == handler_dept.head
    assert feedback.due_on == services.default_due_on(feedback.received_on, timezone.localdate())
    (item,) = items(feedback)
    assert item.assignee == handler_dept.head and item.status == WorkItemStatus.OPEN
    assert timezone.localtime(item.due_at).date() == feedback.due_on
    assert item.next_reminder_at is not None  # the reminder engine urges it


def test_routing_to_a_member_and_refusals(register, clerk, handler_dept, member, other_dept):
    feedback = register()
    with pytest.raises(PermissionDenied):
        services.feedback_route(actor=member, feedback=feedback, department=handler_dept)
    with pytest.raises(ValidationError) as outsider:
        services.feedback_route(actor=clerk, feedback=feedback, department=handler_dept, handler=other_dept.head)
    assert "handler" in outsider.value.fields
    routed_to_member = services.feedback_route(actor=clerk, feedback=feedback, department=handler_dept, handler=member)
    assert routed_to_member.handler == member


def test_the_office_date_may_not_pass_the_statutory_cap(register, clerk, handler_dept):
    feedback = register()
    cap = services.statutory_deadline(feedback.received_on)
    with pytest.raises(ValidationError) as late:
        services.feedback_route(actor=clerk, feedback=feedback, department=handler_dept, due_on=cap + timedelta(days=1))
    assert "due_on" in late.value.fields
    with pytest.raises(ValidationError):
        services.feedback_route(
            actor=clerk, feedback=feedback, department=handler_dept, due_on=timezone.localdate() - timedelta(days=1)
        )
    ok = services.feedback_route(actor=clerk, feedback=feedback, department=handler_dept, due_on=cap)
    assert ok.due_on == cap


def test_working_and_calendar_day_counting_across_a_weekend(settings):
    settings.FEEDBACK_ACKNOWLEDGE_DAYS = 1
    settings.FEEDBACK_STATUTORY_DAYS = 2
    settings.FEEDBACK_DAY_COUNTING = "working"
    assert services.acknowledge_deadline(FRIDAY) == date(2026, 3, 16)  # Monday
    assert services.statutory_deadline(FRIDAY) == date(2026, 3, 17)
    settings.FEEDBACK_DAY_COUNTING = "calendar"
    assert services.acknowledge_deadline(FRIDAY) == date(2026, 3, 14)  # Saturday
    assert services.statutory_deadline(FRIDAY) == date(2026, 3, 15)


def test_the_default_reply_date_is_in_working_days_within_the_cap(settings):
    settings.FEEDBACK_REPLY_DAYS = 3
    settings.FEEDBACK_STATUTORY_DAYS = 60
    settings.FEEDBACK_DAY_COUNTING = "calendar"
    assert services.default_due_on(FRIDAY, FRIDAY) == date(2026, 3, 18)  # Wednesday, weekend skipped
    settings.FEEDBACK_STATUTORY_DAYS = 2
    assert services.default_due_on(FRIDAY, FRIDAY) == date(2026, 3, 15)  # the cap wins


def test_defaults_follow_domain_c2(settings):
    from django.conf import settings as django_settings

    assert django_settings.FEEDBACK_REPLY_DAYS == 15
    assert django_settings.FEEDBACK_ACKNOWLEDGE_DAYS == 15
    assert django_settings.FEEDBACK_STATUTORY_DAYS == 60
    assert django_settings.FEEDBACK_DAY_COUNTING == "working"
    assert django_settings.FEEDBACK_PUBLIC_ENABLED is False


def test_rerouting_cancels_the_old_item_as_a_pass_back(routed, clerk, other_dept):
    feedback = routed()
    moved = services.feedback_route(actor=clerk, feedback=feedback, department=other_dept)
    old, new = items(feedback)
    assert (old.status, old.outcome) == (WorkItemStatus.CANCELLED, services.REROUTED)
    assert new.assignee == other_dept.head and new.status == WorkItemStatus.OPEN
    assert moved.department == other_dept and moved.work_item == new


def test_a_reroute_counts_on_the_buck_passing_index_of_the_department_it_left(
    routed, clerk, handler_dept, other_dept, leader
):
    feedback = routed()
    services.feedback_route(actor=clerk, feedback=feedback, department=other_dept)
    services.feedback_reply(actor=other_dept.head, feedback=feedback, reply="已办结。")
    index = {row["department"]: row["passes"] for row in selectors.pass_backs_by_department()}
    assert index == {handler_dept.pk: 1}
    today = timezone.localdate()
    period = dashboards.Period(start=today, end=today, now=timezone.now())
    view = dashboards.organization_view(user=leader, period=period)
    passes = {row["department"]: row["passes"] for row in view["buck_passing"]}
    assert (passes[handler_dept.pk], passes[other_dept.pk]) == (1, 0)


def test_the_handler_replies_and_the_office_hears(routed, handler_dept, office_head, member):
    feedback = routed()
    with pytest.raises(PermissionDenied):
        services.feedback_reply(actor=member, feedback=feedback, reply="不归我")
    with pytest.raises(ValidationError):
        services.feedback_reply(actor=handler_dept.head, feedback=feedback, reply="  ")
    done = services.feedback_reply(actor=handler_dept.head, feedback=feedback, reply="已处理")
    assert done.status == FeedbackStatus.ANSWERED and done.replied_by == handler_dept.head
    (item,) = items(feedback)
    assert (item.status, item.outcome) == (WorkItemStatus.DONE, "answered")
    assert Notification.objects.filter(recipient=office_head, target_id=feedback.pk).exists()
    with pytest.raises(Conflict):
        services.feedback_reply(actor=handler_dept.head, feedback=feedback, reply="再答一次")


def test_the_departments_head_replies_for_a_member_handler(register, clerk, handler_dept, member):
    feedback = services.feedback_route(actor=clerk, feedback=register(), department=handler_dept, handler=member)
    assert services.feedback_reply(actor=handler_dept.head, feedback=feedback, reply="处长代答").status == "answered"


def test_close_with_satisfaction_and_refusals(answered, clerk, handler_dept, routed):
    feedback = answered()
    with pytest.raises(PermissionDenied):
        services.feedback_close(actor=handler_dept.head, feedback=feedback, satisfaction="satisfied")
    with pytest.raises(ValidationError):
        services.feedback_close(actor=clerk, feedback=feedback, satisfaction="ecstatic")
    closed = services.feedback_close(actor=clerk, feedback=feedback, satisfaction="satisfied", note="已回访")
    assert (closed.status, closed.satisfaction, closed.closing_note) == (FeedbackStatus.CLOSED, "satisfied", "已回访")
    for call in (
        lambda: services.feedback_close(actor=clerk, feedback=feedback, satisfaction="satisfied"),
        lambda: services.feedback_route(actor=clerk, feedback=feedback, department=handler_dept),
        lambda: services.feedback_send_back(actor=clerk, feedback=feedback, reason="再改"),
    ):
        with pytest.raises(Conflict):
            call()
    with pytest.raises(Conflict):  # not answered yet
        services.feedback_close(actor=clerk, feedback=routed(subject="未答复"), satisfaction="satisfied")


def test_send_back_routes_it_again_with_a_new_item(answered, clerk, handler_dept):
    feedback = answered()
    with pytest.raises(PermissionDenied):
        services.feedback_send_back(actor=handler_dept.head, feedback=feedback, reason="x")
    with pytest.raises(ValidationError):
        services.feedback_send_back(actor=clerk, feedback=feedback, reason="")
    back = services.feedback_send_back(actor=clerk, feedback=feedback, reason="答复不具体")
    assert back.status == FeedbackStatus.ROUTED
    first, second = items(feedback)
    assert first.outcome == "answered" and second.status == WorkItemStatus.OPEN
    assert second.assignee == handler_dept.head
    again = services.feedback_reply(actor=handler_dept.head, feedback=back, reply="补充答复")
    assert again.status == FeedbackStatus.ANSWERED


def test_a_late_send_back_gets_a_fresh_date(answered, clerk):
    feedback = answered()
    Feedback.objects.filter(pk=feedback.pk).update(due_on=timezone.localdate() - timedelta(days=1))
    feedback.refresh_from_db()
    back = services.feedback_send_back(actor=clerk, feedback=feedback, reason="重答")
    assert back.due_on >= timezone.localdate()


def test_overdue(register):
    feedback = register(received_on=timezone.localdate() - timedelta(days=60))
    assert services.is_overdue(feedback)
    assert Feedback.objects.filter(services.overdue_condition()).filter(pk=feedback.pk).exists()
    fresh = register(subject="新的")
    assert not services.is_overdue(fresh)


def test_visibility_office_head_handler_and_no_one_else(register, clerk, handler_dept, member, other_dept, user):
    feedback = services.feedback_route(actor=clerk, feedback=register(), department=handler_dept, handler=member)
    other_member = UserFactory(department=handler_dept)
    for person, sees in (
        (clerk, True),
        (handler_dept.head, True),
        (member, True),
        (other_member, False),
        (other_dept.head, False),
        (user, False),
    ):
        assert services.feedback_visible(user=person).filter(pk=feedback.pk).exists() is sees, person
        assert visible_queryset(person, Feedback).filter(pk=feedback.pk).exists() is sees, person
    assert services.shows_submitter(clerk, feedback) and services.shows_submitter(member, feedback)
    assert not services.shows_submitter(handler_dept.head, feedback)
    # Re-routed away: the first department no longer sees it.
    services.feedback_route(actor=clerk, feedback=feedback, department=other_dept)
    assert not services.feedback_visible(user=member).filter(pk=feedback.pk).exists()
    assert not services.feedback_visible(user=handler_dept.head).filter(pk=feedback.pk).exists()


def test_public_submission_is_web_and_tells_the_office(office_head):
    feedback = services.feedback_submit_public(subject="网上反映", content="内容", category="suggestion")
    assert feedback.channel == "web" and feedback.registered_by is None
    assert Notification.objects.filter(recipient=office_head, target_id=feedback.pk).exists()


@time_machine.travel(date(2026, 3, 13), tick=False)
def test_routing_on_a_friday_counts_working_days(register, clerk, handler_dept, settings):
    settings.FEEDBACK_REPLY_DAYS = 1
    feedback = services.feedback_route(actor=clerk, feedback=register(), department=handler_dept)
    assert feedback.due_on == date(2026, 3, 16)


def test_a_department_elsewhere_cannot_see_it(register):
    stranger = UserFactory(department=DepartmentFactory())
    assert not services.feedback_visible(user=stranger).exists()
