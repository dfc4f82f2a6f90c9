"""Who sees which matter, reception and plan; filters and keyset pages."""

from datetime import date, datetime

import pytest
import time_machine
from django.http import Http404

from affairs.filters import MatterFilter
from affairs.models import MatterStatus
from affairs.selectors import (
    keyset_page,
    matter_get,
    matter_list,
    matters_visible,
    plan_get,
    plans_visible,
    reception_get,
    receptions_visible,
)
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
from tests.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def visible(user):
    return set(matters_visible(user=user).values_list("pk", flat=True))


def test_matter_visibility(matter, user, assistant, leader, head, office_member, outsider):
    # Assigner, owners, the owners' department head, the office and leaders see it.
    for person in (user, assistant, leader, head, office_member):
        assert matter.pk in visible(person), person.username
    assert matter.pk not in visible(outsider)
    with pytest.raises(Http404):
        matter_get(user=outsider, pk=matter.pk)


def test_head_of_an_assistant_department_sees_it(leader, user):
    other_department = DepartmentFactory(name="财务处", code="finance")
    other_head = UserFactory(username="fhead", department=other_department)
    other_department.head = other_head
    other_department.save()
    helper = UserFactory(username="fstaff", department=other_department)
    m = matter_create(actor=leader, title="联合办理", lead=user, assisting=[helper], due_on=date(2026, 3, 6))
    assert m.pk in visible(other_head)


def test_classified_matter_needs_clearance_for_overseers(leader, office_member, user):
    leader.clearance = "confidential"
    leader.save()
    user.clearance = "secret"
    user.save()
    m = matter_create(actor=leader, title="涉密事项", lead=user, due_on=date(2026, 3, 6), classification="secret")
    assert m.pk not in visible(office_member)  # the office member is cleared for internal only
    office_member.clearance = "secret"
    office_member.save()
    assert m.pk in visible(office_member)
    assert m.pk in visible(user)


def test_filters_and_search(leader, user, assistant, matter):
    other = matter_create(
        actor=leader, title="筹备年终总结会", lead=assistant, due_on=date(2026, 3, 4), priority="routine"
    )
    matter_complete(actor=assistant, matter=other, report="已完成")

    def ids(**kw):
        filters = MatterFilter({k: str(v) for k, v in kw.items()}, queryset=matter_list(user=leader))
        assert filters.is_valid(), filters.errors
        return [m.pk for m in filters.qs]

    assert ids() == [other.pk, matter.pk]  # newest first
    assert ids(status=MatterStatus.AWAITING_CONFIRMATION) == [other.pk]
    assert ids(priority="key") == [matter.pk]
    assert ids(owner=assistant.pk) == [other.pk, matter.pk]  # lead of one, assisting on the other
    assert ids(q="值班") == [matter.pk]
    assert ids(overdue=1) == []
    with time_machine.travel(datetime(2026, 3, 9, 10, tzinfo=SH), tick=False):
        assert ids(overdue=1) == [matter.pk]


def test_keyset_pages_are_complete_and_disjoint(leader, user):
    made = [matter_create(actor=leader, title=f"事项{i}", lead=user, due_on=date(2026, 3, 6)).pk for i in range(7)]
    seen, after = [], None
    while True:
        rows, after = keyset_page(matter_list(user=leader), after=after, size=3)
        seen.extend(r.pk for r in rows)
        if after is None:
            break
    assert seen == sorted(made, reverse=True)


def test_detail_carries_timeline_and_files(matter, user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("进展.txt", "第一阶段完成".encode(), content_type="text/plain")
    matter_report_progress(actor=user, matter=matter, text="第一阶段", percent=30, files=[upload])
    detail = matter_get(user=user, pk=matter.pk)
    kinds = [e.kind for e in detail.events.all()]
    assert kinds == ["created", "progress"]
    assert [f.original_name for f in detail.events.all()[1].files] == ["进展.txt"]


def test_reception_visibility(office_member, leader, user, assistant, outsider, head):
    reception = reception_create(
        actor=head,
        visiting_org="省厅调研组",
        purpose="调研基层减负工作",
        arrival=datetime(2026, 3, 10, 9, tzinfo=SH),
        departure=datetime(2026, 3, 11, 17, tzinfo=SH),
        visitors=[("刘处长", "处长"), ("郑科员", "科员")],
        host_leader=leader,
        arrangements=[ArrangementSpec(kind="meals", owner=assistant), ArrangementSpec(kind="vehicle", owner=user)],
    )
    for person in (office_member, leader, head, user, assistant):
        assert reception in receptions_visible(user=person), person.username
    assert reception not in receptions_visible(user=outsider)
    detail = reception_get(user=assistant, pk=reception.pk)
    assert [v.name for v in detail.visitors.all()] == ["刘处长", "郑科员"]
    assert detail.visitor_count == 2


def test_plan_shows_progress_from_its_matters(head, department, user, outsider, office_member):
    plan = plan_create(
        actor=head,
        title="2026年第一季度工作计划",
        period="quarter",
        period_start=date(2026, 1, 1),
        department=department,
    )
    item = plan_item_add(
        actor=head, plan=plan, title="修订档案管理办法", owner=user, priority="key", due_on=date(2026, 3, 20)
    )
    matter = plan_item_to_matter(actor=head, item=item)
    matter_report_progress(actor=user, matter=matter, text="初稿完成", percent=60)
    detail = plan_get(user=user, pk=plan.pk)
    assert detail.items.all()[0].matter.percent == 60
    assert plan in plans_visible(user=office_member)
    assert plan not in plans_visible(user=outsider)
    with pytest.raises(Http404):
        plan_get(user=outsider, pk=plan.pk)


def test_each_need_to_know_alone_is_enough_and_nothing_else_is(matter, user, assistant, outsider):
    # The rule collects a person's matters through their roles (lead or assigner in one scan, the
    # assistants beside it): each role alone shows the matter, to that person and nobody else.
    from affairs.models import Matter, MatterAssistant

    staff_assigner = UserFactory(username="staff_assigner")
    Matter.objects.filter(pk=matter.pk).update(assigner=staff_assigner)
    assert matter.pk in visible(staff_assigner)
    assert matter.pk in visible(user)  # the lead
    assert matter.pk in visible(assistant)
    assert matter.pk not in visible(outsider)

    MatterAssistant.objects.filter(matter=matter).delete()
    Matter.objects.filter(pk=matter.pk).update(assigner=outsider, lead=outsider)
    assert matter.pk not in visible(assistant)
    assert matter.pk not in visible(staff_assigner)
    assert matter.pk in visible(outsider)
