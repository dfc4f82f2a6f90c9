"""Forms of the coordination pages: a department's answer and the office's ruling."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Department


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
    cooperating_departments = forms.ModelMultipleChoiceField(
        label=_("cooperating departments"), queryset=Department.objects.filter(is_active=True)
    )
    ruling = forms.CharField(label=_("ruling"), widget=forms.Textarea(attrs={"rows": 4}))
