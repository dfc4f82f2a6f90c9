"""Forms of the bulletin pages: the office's new bulletin, and a reply."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.enums import Classification
from core.filters import IdMultipleChoiceField
from core.validators import single_line

from .bulletin_models import BulletinKind
from .models import CoordinationMatter
from .selectors import coordinations_visible


class BulletinForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=200, validators=[single_line])
    kind = forms.ChoiceField(label=_("kind"), choices=BulletinKind.choices, initial=BulletinKind.DECISION)
    classification = forms.ChoiceField(
        label=_("classification"), choices=Classification.choices, initial=Classification.INTERNAL
    )
    recipients = IdMultipleChoiceField(
        label=_("leaders"),
        queryset=User.objects.filter(is_leader=True, is_active=True).order_by("name", "id"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Each must be cleared for the classification."),
    )
    body = forms.CharField(
        label=_("body"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Plain text; a blank line starts a new paragraph."),
    )
    coordination = forms.ModelChoiceField(
        label=_("coordination matter"),
        required=False,
        queryset=CoordinationMatter.objects.none(),  # the person's visible matters (__init__)
        help_text=_("When it explains a coordination matter."),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        coordination = self.fields["coordination"]
        assert isinstance(coordination, forms.ModelChoiceField)  # noqa: S101 (narrows the type)
        coordination.queryset = coordinations_visible(user=user).order_by("-id")


class ReplyForm(forms.Form):
    text = forms.CharField(label=_("reply"), max_length=20000, widget=forms.Textarea(attrs={"rows": 3}))
