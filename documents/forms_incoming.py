"""Forms of the incoming-document, reading and reading-packet pages. They check the input's shape;
the services decide and write."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import Department, User
from accounts.widgets import PeopleMultiplePicker, PeoplePicker
from affairs.forms import DateInput, MultipleFileField
from core.enums import Classification, Urgency
from core.validators import single_line


def people() -> QuerySet[User]:
    return User.objects.filter(is_active=True).only("id", "name", "username", "first_name", "last_name")


def leaders() -> QuerySet[User]:
    return people().filter(is_leader=True)


def departments() -> QuerySet[Department]:
    return Department.objects.filter(is_active=True).only("id", "name").order_by("order", "id")


class RegisterForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, validators=[single_line])
    sender_org = forms.CharField(label=_("Sender"), max_length=200, validators=[single_line])
    sender_number = forms.CharField(
        label=_("Sender's number"), max_length=60, required=False, help_text=_("e.g. 应急函〔2026〕12号")
    )
    received_on = forms.DateField(label=_("Received on"), widget=DateInput)
    due_on = forms.DateField(
        label=_("Handle by"),
        widget=DateInput,
        required=False,
        help_text=_("Leave empty for the default by urgency (working days after receipt)."),
    )
    classification = forms.ChoiceField(
        label=_("Classification"), choices=Classification.choices, initial=Classification.INTERNAL
    )
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial=Urgency.NORMAL)
    body = forms.CharField(label=_("Summary or text"), required=False, widget=forms.Textarea(attrs={"rows": 5}))
    files = MultipleFileField(label=_("Files"), required=False, help_text=_("Scanned pages or the electronic file."))


class ReviewForm(forms.Form):
    DECISIONS = ("pass", "return")
    note = forms.CharField(
        label=_("Review note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when returning the document: the reasons, sent to the sender."),
    )


class ProposeForm(forms.Form):
    proposal = forms.CharField(label=_("Handling proposal (拟办)"), widget=forms.Textarea(attrs={"rows": 3}))
    leader = forms.ModelChoiceField(label=_("Leader to instruct"), queryset=leaders(), widget=PeoplePicker)


class InstructForm(forms.Form):
    instruction = forms.CharField(label=_("Instruction (批示)"), widget=forms.Textarea(attrs={"rows": 3}))
    lead_department = forms.ModelChoiceField(label=_("Lead department (主办)"), queryset=departments())
    assisting_departments = forms.ModelMultipleChoiceField(
        label=_("Assisting departments (协办)"), queryset=departments(), required=False
    )
    due_on = forms.DateField(label=_("Due on"), widget=DateInput)


class CirculateForm(forms.Form):
    readers = forms.ModelMultipleChoiceField(label=_("Readers"), queryset=people(), widget=PeopleMultiplePicker)


class CloseForm(forms.Form):
    reply = forms.CharField(
        label=_("Reply to the sender (答复)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ArchiveForm(forms.Form):
    pass


class MarkReadForm(forms.Form):
    remark = forms.CharField(label=_("Remark"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class _IdsField(forms.MultipleChoiceField):
    """Ids of rows offered as choices; any id is accepted here (the service checks what the
    compiler may see, so an id chosen elsewhere, e.g. from a link, still works)."""

    def valid_value(self, value: Any) -> bool:
        text = str(value)
        return text.isascii() and text.isdigit() and 0 < int(text) < 2**63

    def clean(self, value: Any) -> list[int]:
        return [int(v) for v in super().clean(value)]


class PacketForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, validators=[single_line])
    leader = forms.ModelChoiceField(label=_("Leader"), queryset=leaders(), widget=PeoplePicker)
    cover_note = forms.CharField(label=_("Cover note"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    documents = _IdsField(label=_("Documents"), required=False, widget=forms.SelectMultiple(attrs={"size": 8}))
    incomings = _IdsField(label=_("Incoming documents"), required=False, widget=forms.SelectMultiple(attrs={"size": 8}))
    files = MultipleFileField(label=_("Files"), required=False)

    def __init__(
        self,
        *args: Any,
        document_choices: list[tuple[int, str]] = (),  # type: ignore[assignment]
        incoming_choices: list[tuple[int, str]] = (),  # type: ignore[assignment]
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["documents"].choices = document_choices
        self.fields["incomings"].choices = incoming_choices
