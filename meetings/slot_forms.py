"""Forms of the free-slot page and of the booking form's pre-filling from a chosen slot."""

from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.widgets import PeopleMultiplePicker
from affairs.forms import DateInput, people

from .selectors import rooms_bookable
from .slots import MAX_ATTENDEES, MAX_WINDOW, MIN_DURATION_MINUTES


class FreeSlotForm(forms.Form):
    """Who, how long, between which days (both included), how many seats."""

    attendees = forms.ModelMultipleChoiceField(label=_("Attendees"), queryset=people(), widget=PeopleMultiplePicker)
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=MIN_DURATION_MINUTES, max_value=24 * 60, initial=60
    )
    first_day = forms.DateField(label=_("From"), widget=DateInput)
    last_day = forms.DateField(label=_("To (included)"), widget=DateInput)
    min_capacity = forms.IntegerField(
        label=_("At least this many seats"),
        min_value=0,
        max_value=100000,
        required=False,
        help_text=_("Leave empty: enough seats for the attendees."),
    )

    def clean_attendees(self) -> Any:
        chosen = self.cleaned_data["attendees"]
        if len(chosen) > MAX_ATTENDEES:
            raise forms.ValidationError(_("At most %(n)d attendees.") % {"n": MAX_ATTENDEES})
        return chosen

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = data.get("first_day"), data.get("last_day")
        if first and last:
            if not date(1900, 1, 1) <= first <= last <= date(9998, 12, 1):
                self.add_error("last_day", _("The last day must not be before the first."))
            elif (last - first).days + 1 > MAX_WINDOW.days:
                self.add_error("last_day", _("Search at most %(days)d days at once.") % {"days": MAX_WINDOW.days})
        return data

    def window(self) -> tuple[datetime, datetime]:
        zone = timezone.get_current_timezone()
        first, last = self.cleaned_data["first_day"], self.cleaned_data["last_day"]
        return datetime.combine(first, time.min, tzinfo=zone), datetime.combine(
            last + timedelta(days=1), time.min, tzinfo=zone
        )


class _Prefill(forms.Form):
    start = forms.DateTimeField(required=False)
    end = forms.DateTimeField(required=False)
    room = forms.ModelChoiceField(queryset=rooms_bookable(), required=False)
    required = forms.ModelMultipleChoiceField(queryset=people(), required=False, widget=PeopleMultiplePicker)


def prefill_from_query(query: QueryDict) -> dict[str, Any]:
    """What the booking form starts with when a free slot was chosen (``?start&end&room&required``);
    anything unusable is left out (the form's own defaults stay)."""
    if not any(key in query for key in ("start", "end", "room", "required")):
        return {}
    form = _Prefill(query)
    if not form.is_valid():
        return {}
    return {key: value for key, value in form.cleaned_data.items() if value not in (None, "", [])}
