"""Forms of the coordination pages: raising a matter, a department's answer or dispute, the office's
ruling or escalation to a leader, and the link to the coordination meeting."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Department, User
from core.enums import Classification
from core.filters import IdMultipleChoiceField
from core.validators import single_line
from meetings.models import Meeting


class RespondForm(forms.Form):
    department = forms.ModelChoiceField(label=_("department"), queryset=Department.objects.filter(is_active=True))
    accept = forms.TypedChoiceField(
        label=_("answer"),
        choices=[("1", _("Accept")), ("0", _("Decline"))],
        coerce=lambda value: value == "1",
    )
    reason = forms.CharField(
        label=_("reason"), required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text=_("Required to decline.")
    )


class ArbitrateForm(forms.Form):
    lead_department = forms.ModelChoiceField(
        label=_("lead department"), queryset=Department.objects.filter(is_active=True)
    )
    cooperating_departments = IdMultipleChoiceField(
        label=_("cooperating departments"), queryset=Department.objects.filter(is_active=True)
    )
    ruling = forms.CharField(label=_("ruling"), widget=forms.Textarea(attrs={"rows": 4}))


class DisputeForm(forms.Form):
    department = forms.ModelChoiceField(label=_("department"), queryset=Department.objects.filter(is_active=True))
    reason = forms.CharField(label=_("reason for the dispute"), widget=forms.Textarea(attrs={"rows": 3}))


class EscalateForm(forms.Form):
    leader = forms.ModelChoiceField(
        label=_("leader"), queryset=User.objects.filter(is_active=True, is_leader=True).order_by("name")
    )
    note = forms.CharField(label=_("note to the leader"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class MeetingLinkForm(forms.Form):
    # The choices are narrowed per request to the coordination meetings the person may see.
    meeting = forms.ModelChoiceField(label=_("coordination meeting"), queryset=Meeting.objects.none())


class DateInput(forms.DateInput):
    input_type = "date"

    def format_value(self, value: Any) -> str | None:
        return value.isoformat() if hasattr(value, "isoformat") else value


class RaiseForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=200, validators=[single_line])
    description = forms.CharField(label=_("description"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    lead_department = forms.ModelChoiceField(
        label=_("lead department"), queryset=Department.objects.filter(is_active=True)
    )
    cooperating_departments = IdMultipleChoiceField(
        label=_("cooperating departments"), queryset=Department.objects.filter(is_active=True)
    )
    respond_by = forms.DateField(
        label=_("answer by"), widget=DateInput, help_text=_("The day by which each department's head answers.")
    )
    classification = forms.ChoiceField(label=_("classification"), choices=Classification.choices)
