"""Forms of public feedback (群众意见): the register's filters (pages and API alike), the office's
registration and routing forms, the handler's reply, closing, sending back, and the public form
with its signed arithmetic challenge."""

import secrets
from typing import Any

import django_filters
from django import forms
from django.conf import settings
from django.core import signing
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import Department, User
from core.filters import FixedFormFilterSet, FlagFilter, IdChoiceField, IdChoiceFilter
from documents.filters_incoming import BoundedDateField, BoundedDateFilter

from .feedback import overdue_condition
from .feedback_models import Feedback, FeedbackCategory, FeedbackChannel, FeedbackStatus, Satisfaction


def _departments() -> QuerySet[Department]:
    return Department.objects.filter(is_active=True).order_by("order", "id")


class FeedbackFilter(FixedFormFilterSet):
    """``/relations/feedback/`` (and its exports) and ``GET /api/v1/feedback/``."""

    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        max_length=100,
        help_text=_("Words in the reference number, subject or content."),
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=FeedbackStatus.choices, empty_label=_("Any status"))
    channel = django_filters.ChoiceFilter(
        label=_("Channel"), choices=FeedbackChannel.choices, empty_label=_("Any channel")
    )
    category = django_filters.ChoiceFilter(
        label=_("Category"), choices=FeedbackCategory.choices, empty_label=_("Any category")
    )
    department = IdChoiceFilter(label=_("Department"), queryset=_departments(), empty_label=_("Any department"))
    received_from = BoundedDateFilter(
        label=_("Received from"), field_name="received_on", lookup_expr="gte", help_text=_("YYYY-MM-DD.")
    )
    received_to = BoundedDateFilter(
        label=_("Received until"), field_name="received_on", lookup_expr="lte", help_text=_("YYYY-MM-DD.")
    )
    overdue = FlagFilter(label=_("Overdue only"), method="only_overdue", help_text=_("1: open and past its deadline."))

    class Meta:
        model = Feedback
        fields = ["q", "status", "channel", "category", "department", "received_from", "received_to", "overdue"]

    def search(self, queryset: QuerySet[Feedback], name: str, value: str) -> QuerySet[Feedback]:
        term = value.strip()
        if not term:
            return queryset
        return queryset.filter(Q(number__icontains=term) | Q(subject__icontains=term) | Q(content__icontains=term))

    def only_overdue(self, queryset: QuerySet[Feedback], name: str, value: bool) -> QuerySet[Feedback]:
        return queryset.filter(overdue_condition()) if value else queryset


class _SubmitterFields(forms.Form):
    anonymous = forms.BooleanField(label=_("Anonymous"), required=False)
    submitter_name = forms.CharField(label=_("Name"), max_length=100, required=False)
    submitter_phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    submitter_address = forms.CharField(label=_("Address"), max_length=300, required=False)
    category = forms.ChoiceField(label=_("Category"), choices=FeedbackCategory.choices)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    content = forms.CharField(label=_("Content"), max_length=20000, widget=forms.Textarea(attrs={"rows": 6}))


class FeedbackRegisterForm(_SubmitterFields):
    channel = forms.ChoiceField(label=_("Channel"), choices=FeedbackChannel.choices)
    received_on = BoundedDateField(label=_("Received on"))

    field_order = ["channel", "received_on", "category", "subject", "content", "anonymous"]


class RouteForm(forms.Form):
    department = IdChoiceField(label=_("Department"), queryset=_departments())
    handler = IdChoiceField(
        label=_("Handler"),
        queryset=User.objects.filter(is_active=True).order_by("id"),
        required=False,
        help_text=_("Leave empty for the department's head."),
    )
    due_on = BoundedDateField(
        label=_("Reply due on"), required=False, help_text=_("Leave empty for the default deadline.")
    )


class ReplyForm(forms.Form):
    reply = forms.CharField(label=_("Reply"), max_length=20000, widget=forms.Textarea(attrs={"rows": 5}))


class CloseForm(forms.Form):
    satisfaction = forms.ChoiceField(label=_("Submitter's satisfaction"), choices=Satisfaction.choices)
    note = forms.CharField(
        label=_("Closing note"), max_length=20000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class SendBackForm(forms.Form):
    reason = forms.CharField(
        label=_("What the reply lacks"), max_length=20000, widget=forms.Textarea(attrs={"rows": 3})
    )
    due_on = BoundedDateField(label=_("Reply due on"), required=False)


# --- The public page's challenge -------------------------------------------------------------------

_CHALLENGE_SALT = "relations.feedback.challenge"


def new_challenge() -> tuple[str, str]:
    """(question, signed token): a small sum whose operands are signed, so the answer needs no
    session, and the token expires (``FEEDBACK_CHALLENGE_SECONDS``)."""
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    token = signing.TimestampSigner(salt=_CHALLENGE_SALT).sign_object({"a": a, "b": b})
    return f"{a} + {b} = ?", token


def challenge_answer(token: str) -> int | None:
    """The expected answer of a token, or None when it is forged or expired."""
    try:
        data = signing.TimestampSigner(salt=_CHALLENGE_SALT).unsign_object(
            token, max_age=settings.FEEDBACK_CHALLENGE_SECONDS
        )
        return int(data["a"]) + int(data["b"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


class PublicFeedbackForm(_SubmitterFields):
    answer = forms.IntegerField(label=_("Your answer"), min_value=0, max_value=100)
    token = forms.CharField(widget=forms.HiddenInput, max_length=500)

    field_order = ["category", "subject", "content", "anonymous", "submitter_name", "submitter_phone"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        expected = challenge_answer(data.get("token", ""))
        if expected is None:
            self.add_error("answer", _("The question has expired; answer the new one."))
        elif data.get("answer") is not None and data["answer"] != expected:
            self.add_error("answer", _("That answer is not right; try again."))
        return data
