"""Official documents (公文): outgoing and incoming workflows. Not built yet (a later issue)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("Documents")
