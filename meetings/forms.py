"""Forms of the meeting pages: schedule/change a meeting (with the live clash check), cancel."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.widgets import PeopleMultiplePicker
from affairs.forms import DateTimeInput, people
from core.enums import Classification
from core.validators import single_line

from .clashes import Invitee
from .models import AttendeeRole, MeetingKind
from .selectors import rooms_bookable


class MeetingForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, validators=[single_line])
    kind = forms.ChoiceField(label=_("Kind"), choices=MeetingKind.choices, initial=MeetingKind.REGULAR)
    start = forms.DateTimeField(label=_("Starts"), widget=DateTimeInput)
    end = forms.DateTimeField(label=_("Ends"), widget=DateTimeInput)
    room = forms.ModelChoiceField(
        label=_("Room"), queryset=rooms_bookable(), required=False, empty_label=_("No room (give a location)")
    )
    location = forms.CharField(label=_("Location"), max_length=200, required=False)
    required = forms.ModelMultipleChoiceField(
        label=_("Required attendees"), queryset=people(), widget=PeopleMultiplePicker, required=False
    )
    optional = forms.ModelMultipleChoiceField(
        label=_("Optional attendees"), queryset=people(), widget=PeopleMultiplePicker, required=False
    )
    private = forms.BooleanField(
        label=_("Private"), required=False, help_text=_("Only the organizer and the invited see the title.")
    )
    classification = forms.ChoiceField(
        label=_("Classification"), choices=Classification.choices, initial=Classification.INTERNAL
    )
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    override_reason = forms.CharField(
        label=_("Reason for scheduling despite clashes"),
        required=False,
        max_length=1000,
        help_text=_("Needed only when a required attendee or a leader is busy then; it is recorded."),
    )

    def service_kwargs(self) -> dict[str, Any]:
        """The cleaned data as the services take it (attendees as ``Invitee``; required wins)."""
        data = dict(self.cleaned_data)
        required = list(data.pop("required") or [])
        optional = [p for p in data.pop("optional") or [] if p not in required]
        data["attendees"] = [Invitee(user=p, role=AttendeeRole.REQUIRED) for p in required] + [
            Invitee(user=p, role=AttendeeRole.OPTIONAL) for p in optional
        ]
        data["location"] = data.get("location") or ""
        data["description"] = data.get("description") or ""
        data["override_reason"] = data.get("override_reason") or ""
        return data


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)
