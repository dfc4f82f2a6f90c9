"""Forms of the affairs pages. They check the input's shape; the services decide and write."""

from collections.abc import Sequence
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import Department, User
from accounts.widgets import PeopleMultiplePicker, PeoplePicker
from core.attachments import files_count_error
from core.enums import Classification, Priority, Urgency
from core.validators import single_line

from .models import ArrangementKind, PlanKind, PlanPeriod, ReceptionStatus


def people() -> QuerySet[User]:
    """The people a picker offers: active staff, loaded lean (the picker renders them as options)."""
    return User.objects.filter(is_active=True).only("id", "name", "username", "first_name", "last_name")


def departments() -> QuerySet[Department]:
    return Department.objects.filter(is_active=True).only("id", "name").order_by("order", "id")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern); cleans to a list."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        if isinstance(data, list | tuple):
            # The same cap as the API's (core.attachments.MAX_FILES_PER_REQUEST).
            too_many = files_count_error(len([d for d in data if d]))
            if too_many:
                raise forms.ValidationError(too_many, code="too_many_files")
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


# --- Matters ----------------------------------------------------------------------------------


class MatterForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, validators=[single_line])
    description = forms.CharField(
        label=_("What is to be done"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    lead = forms.ModelChoiceField(
        label=_("Lead owner"),
        queryset=people(),
        widget=PeoplePicker,
        help_text=_("The one person answerable for the matter."),
    )
    assisting = forms.ModelMultipleChoiceField(
        label=_("Assisting owners"), queryset=people(), widget=PeopleMultiplePicker, required=False
    )
    due_on = forms.DateField(
        label=_("Due on"),
        widget=DateInput,
        help_text=_("Due at close of business; a day off moves it to the next working day."),
    )
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices, initial=Priority.ROUTINE)
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial=Urgency.NORMAL)
    classification = forms.ChoiceField(
        label=_("Classification"), choices=Classification.choices, initial=Classification.INTERNAL
    )


class ProgressForm(forms.Form):
    text = forms.CharField(label=_("Progress"), widget=forms.Textarea(attrs={"rows": 3}))
    percent = forms.IntegerField(
        label=_("Progress (%)"),
        required=False,
        min_value=0,
        max_value=100,
        widget=forms.NumberInput(attrs={"step": 10}),
    )
    files = MultipleFileField(
        label=_("Attachments"), required=False, help_text=_("PDF, Office files, images, text or zip.")
    )


class TransferForm(forms.Form):
    to = forms.ModelChoiceField(label=_("Transfer to"), queryset=people(), widget=PeoplePicker)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class CompleteForm(forms.Form):
    report = forms.CharField(
        label=_("Closing report"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What was done and the result; the assigner reads this to confirm."),
    )


class ConfirmForm(forms.Form):
    """The assigner's decision: the button pressed (``decision``) says confirm or send back."""

    DECISIONS = ("confirm", "send_back")

    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when sending back: say what is still missing."),
    )


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason for cancelling"), widget=forms.Textarea(attrs={"rows": 2}))


# --- Receptions -------------------------------------------------------------------------------

VISITOR_SEPARATORS = (",", "，", "、")


def parse_visitors(text: str) -> list[tuple[str, str]]:
    """One visitor per line, "name, title" (the title may be left out); blank lines are skipped."""
    visitors: list[tuple[str, str]] = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        cut = min((i for i in (line.find(s) for s in VISITOR_SEPARATORS) if i >= 0), default=-1)
        name, title = (line[:cut], line[cut + 1 :]) if cut >= 0 else (line, "")
        visitors.append((name.strip(), title.strip()))
    return visitors


class ReceptionForm(forms.Form):
    visiting_org = forms.CharField(label=_("Visiting organization"), max_length=200, validators=[single_line])
    purpose = forms.CharField(label=_("Purpose"), widget=forms.Textarea(attrs={"rows": 3}))
    arrival = forms.DateTimeField(label=_("Arrival"), widget=DateTimeInput)
    departure = forms.DateTimeField(label=_("Departure"), widget=DateTimeInput)
    visitors = forms.CharField(
        label=_("Visitors"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_('One visitor per line: "name, title", e.g. 钱明, 主任.'),
    )
    visitor_count = forms.IntegerField(
        label=_("Number of visitors"),
        required=False,
        min_value=1,
        help_text=_("Leave empty to count the names listed."),
    )
    host_leader = forms.ModelChoiceField(
        label=_("Host leader"),
        required=False,
        queryset=User.objects.filter(is_active=True, is_leader=True).only(
            "id", "name", "username", "first_name", "last_name"
        ),
        widget=PeoplePicker,
    )
    accompanying = forms.ModelMultipleChoiceField(
        label=_("Accompanying staff"), required=False, queryset=people(), widget=PeopleMultiplePicker
    )
    budget = forms.DecimalField(label=_("Budget (yuan)"), required=False, min_value=0, max_digits=12, decimal_places=2)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean_visitors(self) -> list[tuple[str, str]]:
        visitors = parse_visitors(self.cleaned_data.get("visitors") or "")
        too_long = [name for name, title in visitors if len(name) > 50 or len(title) > 100]
        if too_long:
            raise forms.ValidationError(
                _("Put one visitor per line, name first, then a comma and the title: %(line)s")
                % {"line": too_long[0][:20]}
            )
        return visitors

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        arrival, departure = data.get("arrival"), data.get("departure")
        if arrival and departure and departure < arrival:
            self.add_error("departure", _("Departure must be after arrival."))
        return data


class ArrangementForm(forms.Form):
    """One arrangement (meals, lodging, ...) and who makes it; a row left empty is skipped."""

    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", "—"), *ArrangementKind.choices])
    owner = forms.ModelChoiceField(label=_("Owner"), required=False, queryset=people(), widget=PeoplePicker)
    description = forms.CharField(label=_("Details"), required=False, max_length=500)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") and not data.get("owner"):
            self.add_error("owner", _("Say who makes this arrangement."))
        if data.get("owner") and not data.get("kind"):
            self.add_error("kind", _("Choose what is to be arranged."))
        return data


ArrangementFormSet = forms.formset_factory(ArrangementForm, extra=3, max_num=20)


class ArrangementAddForm(ArrangementForm):
    """One more arrangement on an existing reception: both the kind and the owner are needed."""

    kind = forms.ChoiceField(label=_("Kind"), choices=ArrangementKind.choices)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=people(), widget=PeoplePicker)


class ArrangedForm(forms.Form):
    note = forms.CharField(label=_("Result"), required=False, max_length=500)


class ReceptionStatusForm(forms.Form):
    status = forms.ChoiceField(
        choices=[(s, s) for s in (ReceptionStatus.CONFIRMED, ReceptionStatus.DONE, ReceptionStatus.CANCELLED)]
    )


# --- Work plans -------------------------------------------------------------------------------


class PlanForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, validators=[single_line])
    kind = forms.ChoiceField(label=_("Kind"), choices=PlanKind.choices, initial=PlanKind.PLAN)
    department = forms.ModelChoiceField(label=_("Department"), queryset=departments())
    period = forms.ChoiceField(label=_("Period"), choices=PlanPeriod.choices, initial=PlanPeriod.MONTH)
    period_start = forms.DateField(label=_("Period starts"), widget=DateInput)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, department_ids: Sequence[int] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if department_ids is not None:  # only the departments the person may plan for
            self.fields["department"].queryset = departments().filter(pk__in=department_ids)  # type: ignore[attr-defined]


class PlanItemForm(forms.Form):
    title = forms.CharField(label=_("Item"), max_length=200, validators=[single_line])
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=people(), widget=PeoplePicker)
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices, initial=Priority.ROUTINE)
    due_on = forms.DateField(label=_("Due on"), required=False, widget=DateInput)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ToMatterForm(forms.Form):
    """Optional deadline when the item has none yet."""

    due_on = forms.DateField(label=_("Due on"), required=False, widget=DateInput)
