"""Forms of notification preferences. They validate input; the services do the writing."""

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import EmailMode, NotificationKind, RobotWebhook


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
    language = forms.TypedChoiceField(
        label=_("Language"),
        choices=settings.LANGUAGES,
        required=False,
        empty_value=None,
        help_text=_("Notifications are written in this language: on the pages, by e-mail and to chat robots."),
    )


class RobotRouteChoiceForm(forms.Form):
    """A person's own kinds of notification posted to a robot (``services.robot_route_choose``)."""

    webhook = forms.ModelChoiceField(label=_("Chat robot"), queryset=RobotWebhook.objects.none())
    kinds = forms.MultipleChoiceField(
        label=_("Kinds"),
        choices=NotificationKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose none to stop posting to this robot."),
    )

    def __init__(self, *args: Any, robots: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["webhook"].queryset = robots  # type: ignore[attr-defined]
