"""The form of a leader's engagement (领导日程): the office picks any leader, a leader only themself."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.access import is_office_member
from affairs.forms import DateTimeInput
from core.errors import DomainError
from core.validators import single_line

from . import schedules
from .schedule_models import ScheduleEntry, ScheduleKind, SchedulePrivacy


class ScheduleEntryForm(forms.Form):
    leader = forms.ModelChoiceField(label=_("Leader"), queryset=schedules.leaders())
    kind = forms.ChoiceField(label=_("Kind"), choices=ScheduleKind.choices, initial=ScheduleKind.TRIP)
    title = forms.CharField(label=_("Title"), max_length=200, validators=[single_line])
    place = forms.CharField(label=_("Place"), max_length=200, required=False, validators=[single_line])
    start = forms.DateTimeField(label=_("Starts"), widget=DateTimeInput)
    end = forms.DateTimeField(label=_("Ends"), widget=DateTimeInput)
    privacy = forms.ChoiceField(
        label=_("Privacy"),
        choices=SchedulePrivacy.choices,
        initial=SchedulePrivacy.INTERNAL,
        help_text=_("Who sees what this is; everyone else sees the leader only as busy."),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, actor: Any, entry: ScheduleEntry | None = None, **kwargs: Any) -> None:
        if entry is not None:  # the current values (a bound form shows what was posted)
            kwargs["initial"] = {
                "leader": entry.leader_id,
                "kind": entry.kind,
                "title": entry.title,
                "place": entry.place,
                "start": timezone.localtime(entry.start),
                "end": timezone.localtime(entry.end),
                "privacy": entry.privacy,
                "note": entry.note,
            }
        super().__init__(*args, **kwargs)
        if not is_office_member(actor):
            # A leader enters only their own engagements.
            self.fields["leader"].queryset = schedules.leaders().filter(pk=actor.pk)
            self.fields["leader"].initial = actor.pk

    def add_domain_error(self, error: DomainError) -> None:
        placed = False
        for field, problems in error.fields.items():
            if field in self.fields:
                for problem in problems:
                    self.add_error(field, problem)
                placed = True
        if not placed:
            self.add_error(None, error.message)
