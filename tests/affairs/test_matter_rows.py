"""``{% matter_row %}``: one row of the matter list (affairs/templatetags/matter_rows.py)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from affairs.models import Matter, MatterStatus
from core.enums import Priority
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def draw(matter, language="en"):
    with translation.override(language):
        return Template("{% load matter_rows %}{% matter_row matter %}").render(Context({"matter": matter}))


@pytest.fixture
def matter(user, head):
    due = datetime(2026, 3, 6, 17, 30, tzinfo=SH)
    return Matter.objects.create(
        title="<审核>合同", assigner=head, lead=user, department=user.department, due_on=due.date(), due_at=due,
        priority="key", percent=40,
    )  # fmt: skip


def test_a_row_shows_title_link_badges_people_deadline_and_progress(matter, user, head):
    html = draw(matter)
    assert html.startswith(f'<li class="list-group-item" id="matter-{matter.pk}">')
    assert f'href="/affairs/matters/{matter.pk}/">&lt;审核&gt;合同</a>' in html
    assert '<span class="badge text-bg-primary">Key</span>' in html
    assert '<span class="badge text-bg-primary">In progress</span>' in html
    assert f"<span>Led by {user.display_name}</span>" in html
    assert f"<span>{user.department.name}</span>" in html
    assert f"<span>Assigned by {head.display_name}</span>" in html
    assert 'Due <time datetime="2026-03-06T17:30:00+08:00">2026-03-06</time>' in html
    assert 'value="40"' in html and "40%</span>" in html


def test_overdue_only_while_in_progress_past_due(matter):
    matter.due_at = timezone.now() - timedelta(hours=1)
    assert "data-overdue" in draw(matter)
    matter.status = MatterStatus.DONE
    assert "data-overdue" not in draw(matter)
    assert "text-bg-success" in draw(matter)


def test_in_chinese_and_without_a_department(matter):
    matter.department = None
    html = draw(matter, "zh-hans")
    with translation.override("zh-hans"):
        words = [str(Priority.KEY.label), str(MatterStatus.IN_PROGRESS.label), _("Led by %(name)s") % {"name": "x"}]
    assert words[0] != "Key"  # the labels are in the reader's language
    assert f">{words[0]}</span>" in html and f">{words[1]}</span>" in html
    assert words[2][:-1] in html
    assert "<span></span>" not in html
    assert draw(matter, "en") != html


def test_the_list_draws_each_row_once(client_of, leader, head):
    people = UserFactory.create_batch(2)
    for n in range(3):
        Matter.objects.create(
            title=f"事项{n}", assigner=head, lead=people[n % 2], due_on=timezone.localdate(), due_at=timezone.now()
        )
    body = client_of(leader).get("/affairs/matters/").content.decode()
    assert body.count('class="list-group-item"') == 3
