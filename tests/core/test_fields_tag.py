"""``{% field %}``: a filter form's field drawn by hand in Bootstrap's markup (core/templatetags/fields.py)."""

import re

import pytest
from django import forms
from django.template import Context, Template
from django.utils import translation

from core.filters import FlagField, _FlagInput

pytestmark = pytest.mark.django_db


class Filters(forms.Form):
    q = forms.CharField(label="Search", max_length=100, required=False, help_text="Words <in> the title.")
    status = forms.ChoiceField(
        label="Status", choices=[("", "Any"), ("open", "Open"), ("done", "Done & dusted")], required=False
    )
    overdue = FlagField(label="Overdue only", widget=_FlagInput)
    count = forms.IntegerField(label="Count", required=False, widget=forms.NumberInput)


def draw(form, name):
    with translation.override("en"):
        return Template("{% load fields %}{% field form." + name + " %}").render(Context({"form": form}))


def test_a_text_field_has_its_label_value_help_and_control():
    html = draw(Filters({"q": '"quoted" <b>'}), "q")
    assert '<label for="id_q" class="form-label">Search</label>' in html
    assert 'name="q"' in html and 'id="id_q"' in html and 'maxlength="100"' in html
    assert 'value="&quot;quoted&quot; &lt;b&gt;"' in html  # escaped, never raw
    assert 'class="form-control"' in html
    assert '<div id="id_q_helptext" class="form-text">Words &lt;in&gt; the title.</div>' in html
    assert 'aria-describedby="id_q_helptext"' in html


def test_a_select_marks_the_chosen_option_only():
    html = draw(Filters({"status": "done"}), "status")
    assert '<select name="status" id="id_status" class="form-select">' in html
    assert re.findall(r"<option[^>]*>[^<]*</option>", html) == [
        '<option value="">Any</option>',
        '<option value="open">Open</option>',
        '<option value="done" selected>Done &amp; dusted</option>',
    ]
    assert '<option value="" selected>Any</option>' in draw(Filters({}), "status")


def test_a_flag_is_ticked_for_a_yes_only():
    assert "checked" in draw(Filters({"overdue": "1"}), "overdue")
    assert "checked" not in draw(Filters({"overdue": "0"}), "overdue")
    html = draw(Filters({}), "overdue")
    assert 'type="checkbox"' in html and 'class="form-check-input"' in html
    assert '<label for="id_overdue" class="form-check-label">Overdue only</label>' in html


def test_errors_are_shown_and_the_control_marked_invalid():
    form = Filters({"overdue": "perhaps", "status": "nonsense"})
    assert not form.is_valid()
    flag = draw(form, "overdue")
    assert "form-check-input is-invalid" in flag
    assert '<div class="invalid-feedback d-block"><strong>Enter 1 (yes) or 0 (no).</strong></div>' in flag
    assert 'class="form-select is-invalid"' in draw(form, "status")


def test_other_widgets_render_themselves():
    html = draw(Filters({"count": "3"}), "count")
    assert 'type="number"' in html and 'value="3"' in html and 'class="form-control"' in html


def test_option_groups_are_left_to_the_widget():
    class Grouped(forms.Form):
        place = forms.ChoiceField(choices=[("Floor 1", [("a", "Room A")]), ("b", "Room B")], required=False)

    html = draw(Grouped({"place": "a"}), "place")
    assert '<optgroup label="Floor 1">' in html
    assert 'value="a" selected' in html
