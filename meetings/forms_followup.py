"""Forms of a meeting's follow-up sections: reply, agenda items, minutes, decisions, positions.
They check the input's shape; ``services_followup`` decides and writes."""

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.widgets import PeopleMultiplePicker, PeoplePicker
from affairs.forms import DateInput, MultipleFileField, departments, people
from core.enums import Priority
from core.validators import single_line

from .services_followup import MAX_AGENDA_MINUTES, MAX_DECISION, MAX_TEXT


class RespondForm(forms.Form):
    response = forms.ChoiceField(
        label=_("Reply"),
        choices=[("accept", _("Attend")), ("decline", _("Decline")), ("delegate", _("Send a delegate"))],
    )
    delegate = forms.ModelChoiceField(
        label=_("Delegate"),
        queryset=people(),
        widget=PeoplePicker,
        required=False,
        help_text=_("A colleague of your own department who attends in your place."),
    )


class AgendaItemForm(forms.Form):
    title = forms.CharField(label=_("Agenda item"), max_length=200, validators=[single_line])
    presenter = forms.ModelChoiceField(label=_("Presenter"), queryset=people(), widget=PeoplePicker)
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=1, max_value=MAX_AGENDA_MINUTES, initial=15
    )
    description = forms.CharField(
        label=_("Background"), required=False, max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 3})
    )
    files = MultipleFileField(label=_("Materials"), required=False)


class AgendaDecideForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("accept", _("Accept")), ("decline", pgettext_lazy("agenda item", "Decline"))]
    )
    reason = forms.CharField(label=_("Reason for declining"), required=False, max_length=500)


class AgendaMoveForm(forms.Form):
    position = forms.IntegerField(label=_("Place on the agenda"), min_value=1)


class MinutesForm(forms.Form):
    text = forms.CharField(
        label=_("Minutes"), required=False, max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 8})
    )


class DecisionForm(forms.Form):
    text = forms.CharField(label=_("Decision"), max_length=MAX_DECISION, widget=forms.Textarea(attrs={"rows": 3}))
    lead = forms.ModelChoiceField(label=_("Lead owner"), queryset=people(), widget=PeoplePicker)
    assisting = forms.ModelMultipleChoiceField(
        label=_("Assisting owners"), queryset=people(), widget=PeopleMultiplePicker, required=False
    )
    due_on = forms.DateField(label=_("Deadline"), widget=DateInput)
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices, initial=Priority.ROUTINE)


class PositionForm(forms.Form):
    department = forms.ModelChoiceField(label=_("Department"), queryset=departments())
    text = forms.CharField(label=_("Position"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, department_ids: Iterable[int] | None = None, **kwargs: Any) -> None:
        """``department_ids``: the departments the person may speak for here (None: any)."""
        super().__init__(*args, **kwargs)
        if department_ids is not None:
            field = self.fields["department"]
            if isinstance(field, forms.ModelChoiceField):
                field.queryset = departments().filter(pk__in=list(department_ids))


class ResolutionForm(forms.Form):
    text = forms.CharField(label=_("Agreed resolution"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 3}))
