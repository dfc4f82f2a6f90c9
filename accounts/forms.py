"""Forms of the organization pages. They validate input; the services do the writing."""

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

PHONE_VALIDATOR = RegexValidator(
    r"^[0-9+()\- ]*$",
    _("Enter a phone number with digits, spaces and + - ( ) only, e.g. 010-6512 3456."),
)


class ProfileForm(forms.Form):
    """What people may change about themselves (see ``accounts.services.profile_update``)."""

    email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        help_text=_("Reminders and notices are sent here."),
    )
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False, validators=[PHONE_VALIDATOR])
