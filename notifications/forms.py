"""Forms of notification preferences. They validate input; the services do the writing."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import EmailMode


class PreferenceForm(forms.Form):
    """How a person wants to be told by e-mail (``notifications.services.preference_update``)."""

    email_mode = forms.ChoiceField(label=_("E-mail"), choices=EmailMode.choices, widget=forms.RadioSelect)
    digest_hour = forms.TypedChoiceField(
        label=_("Digest hour"),
        coerce=int,
        choices=[(hour, f"{hour:02d}:00") for hour in range(24)],
        initial=17,
        help_text=_("With a daily digest: when it is sent, on working days."),
    )
