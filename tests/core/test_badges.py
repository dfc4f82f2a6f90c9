"""One badge tag for priority, urgency and status, in one colour scheme on every page."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import translation

from core.templatetags.badges import COLOURS, badge_html
from tests.factories import WorkItemFactory

pytestmark = pytest.mark.django_db


def render(source, **context):
    with translation.override("en"):
        return Template("{% load badges %}" + source).render(Context(context))


def test_badge_of_a_field_is_labelled_with_its_display_value():
    item = WorkItemFactory.build(priority="key", urgency="extra_urgent", status="done")
    assert render('{% badge item "priority" %}', item=item) == '<span class="badge text-bg-primary">Key</span>'
    assert render('{% badge item "urgency" %}', item=item) == '<span class="badge text-bg-danger">Extra urgent</span>'
    assert render('{% badge item "status" %}', item=item) == '<span class="badge text-bg-success">Done</span>'


def test_routine_priority_and_normal_urgency_carry_no_badge_unless_asked():
    item = WorkItemFactory.build(priority="routine", urgency="normal")
    assert render('{% badge item "priority" %}{% badge item "urgency" %}', item=item) == ""
    assert "text-bg-light border" in render('{% badge item "priority" always=True %}', item=item)


def test_the_label_is_escaped():
    assert badge_html("status", "done", "<b>x</b>") == '<span class="badge text-bg-success">&lt;b&gt;x&lt;/b&gt;</span>'


def test_one_colour_per_meaning_across_models():
    # Finished well is green whatever the model; withdrawn is grey.
    assert {COLOURS["status"][s] for s in ("done", "arranged", "sent")} == {"text-bg-success"}
    assert COLOURS["status"]["cancelled"] == "text-bg-secondary"


def test_templates_draw_priority_urgency_and_status_only_through_the_tag():
    # A badge coloured by hand from a priority, an urgency or a status would drift from the scheme.
    by_hand = re.compile(r"\.(priority|urgency|status) *(==|!=) *[\"'][^\"']+[\"'][^%]*%\}\s*<span class=\"badge")
    for path in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        assert not by_hand.search(path.read_text()), path
