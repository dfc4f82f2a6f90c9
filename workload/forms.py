"""Forms of urging. They validate input; the services do the writing."""

from django import forms
from django.utils.translation import gettext_lazy as _

URGE_MESSAGE_MAX_LENGTH = 500


class UrgeForm(forms.Form):
    """催办: an optional word to the assignee (``workload.urging.workitem_urge``)."""

    message = forms.CharField(
        label=_("Message"),
        required=False,
        max_length=URGE_MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Optional. The assignee receives it with the urge."),
    )
