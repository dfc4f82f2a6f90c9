"""Forms of the documents pages (drafting). The services check everything again."""

from django import forms
from django.utils.translation import gettext_lazy as _

from affairs.forms import MultipleFileField
from core.enums import Classification, Urgency
from core.validators import single_line

from .models import DocType


class DocumentForm(forms.Form):
    """The drafting editor: the document's fields, the body one paragraph per line."""

    title = forms.CharField(label=_("Title"), max_length=200, validators=[single_line])
    doc_type = forms.ChoiceField(label=_("Document type"), choices=DocType.choices, initial=DocType.NOTICE)
    classification = forms.ChoiceField(
        label=_("Classification"), choices=Classification.choices, initial=Classification.INTERNAL
    )
    secrecy_period = forms.CharField(
        label=_("Secrecy period"),
        max_length=20,
        required=False,
        validators=[single_line],
        help_text=_("For secret and confidential documents, e.g. “1年”."),
    )
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial=Urgency.NORMAL)
    main_recipients = forms.CharField(
        label=_("Main recipients (主送)"), max_length=300, required=False, validators=[single_line]
    )
    body = forms.CharField(
        label=_("Body"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 18, "class": "xt-body-editor", "spellcheck": "false"}),
        help_text=_(
            "One paragraph per line. Start a heading with its ordinal: “一、” for the first level, “（一）” "
            "for the second, “1.” for the third, “（1）” for the fourth."
        ),
    )
    attachment_notes = forms.CharField(
        label=_("Attachment list (附件说明)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One attachment name per line."),
    )
    note = forms.CharField(
        label=_("Note (附注)"),
        max_length=300,
        required=False,
        validators=[single_line],
        help_text=_("E.g. the contact person and telephone of a request."),
    )
    cc_recipients = forms.CharField(
        label=_("Copied to (抄送)"), max_length=300, required=False, validators=[single_line]
    )


class DocumentCreateForm(DocumentForm):
    files = MultipleFileField(
        label=_("Attachments"), required=False, help_text=_("PDF, Office files, images, text or zip.")
    )


class DocumentEditForm(DocumentForm):
    summary = forms.CharField(
        label=_("What changed"),
        max_length=200,
        required=False,
        validators=[single_line],
        help_text=_("A short note kept with this version."),
    )


class AttachForm(forms.Form):
    files = MultipleFileField(label=_("Attachments"), help_text=_("PDF, Office files, images, text or zip."))


class CompareForm(forms.Form):
    """Two versions to compare (``?from=1&to=2``)."""

    from_version = forms.IntegerField(label=_("From version"), min_value=1, max_value=2**31 - 1)
    to_version = forms.IntegerField(label=_("To version"), min_value=1, max_value=2**31 - 1)
