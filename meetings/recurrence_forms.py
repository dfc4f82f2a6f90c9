"""The meeting form with recurrence: repeat daily or weekly on create, and on a series' occurrence
the choice of changing this one or all following (``meetings.recurrence``)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User

from . import recurrence, services
from .clashes import Clash
from .forms import MeetingForm
from .models import Meeting, SeriesFrequency

SCOPE_CHOICES = [
    (recurrence.SCOPE_ONE, _("This occurrence only")),
    (recurrence.SCOPE_FOLLOWING, _("This and all following occurrences")),
]


class SeriesMeetingForm(MeetingForm):
    repeat = forms.ChoiceField(
        label=_("Repeat"),
        choices=[("", _("Does not repeat")), *SeriesFrequency.choices],
        required=False,
        help_text=_("On working days only: a holiday's occurrence is skipped."),
    )
    count = forms.IntegerField(
        label=_("Number of meetings"), min_value=2, max_value=recurrence.MAX_OCCURRENCES, required=False
    )
    scope = forms.ChoiceField(label=_("Apply to"), choices=SCOPE_CHOICES, initial=recurrence.SCOPE_ONE, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("repeat") and not data.get("count"):
            self.add_error("count", _("How many meetings in all (2 to %(n)d)?") % {"n": recurrence.MAX_OCCURRENCES})
        return data

    def service_kwargs(self) -> dict[str, Any]:
        data = super().service_kwargs()
        for name in ("repeat", "count", "scope"):
            data.pop(name, None)
        return data

    def _repeat(self) -> dict[str, Any] | None:
        freq = self.cleaned_data.get("repeat")
        return {"freq": freq, "count": self.cleaned_data["count"]} if freq else None

    def create(self, actor: User) -> Meeting:
        """Schedule the meeting, or the series (the first occurrence is returned)."""
        repeat = self._repeat()
        if repeat is None:
            return services.meeting_create(actor=actor, **self.service_kwargs())
        return recurrence.meeting_create_series(actor=actor, **repeat, **self.service_kwargs())[0]

    def reschedule(self, actor: User, meeting: Meeting) -> Meeting:
        scope = self.cleaned_data.get("scope") or recurrence.SCOPE_ONE
        return recurrence.meeting_reschedule_scoped(actor=actor, meeting=meeting, scope=scope, **self.service_kwargs())

    def check(self, actor: User, meeting: Meeting | None) -> list[Clash]:
        """The live check, as saving would check: a one-off's clashes, or every occurrence's of a
        new series or of a change to "this and following" (each clash carrying its date)."""
        kwargs = self.service_kwargs()
        kwargs.pop("override_reason", None)
        if meeting is not None:
            scope = self.cleaned_data.get("scope") or recurrence.SCOPE_ONE
            if scope == recurrence.SCOPE_ONE or meeting.series_id is None:
                return services.meeting_check(actor=actor, exclude=meeting, **kwargs)
            return recurrence.dated(recurrence.scoped_check(actor=actor, meeting=meeting, scope=scope, **kwargs))
        repeat = self._repeat()
        if repeat is None:
            return services.meeting_check(actor=actor, **kwargs)
        return recurrence.dated(recurrence.series_check(actor=actor, **repeat, **kwargs))


class ScopedCancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)
    scope = forms.ChoiceField(label=_("Apply to"), choices=SCOPE_CHOICES, required=False)
