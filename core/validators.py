"""Validators shared by forms and serializers of every app."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# What ``str.splitlines`` breaks on: a title with any of these would break an e-mail's subject
# header (and every one-line place a title is shown).
LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")


def single_line(value: str) -> None:
    """Refuse line breaks in text that becomes a title (a matter's, a plan's, an item's)."""
    if any(ch in LINE_BREAKS for ch in str(value)):
        raise ValidationError(_("Keep this to one line: remove the line breaks."), code="line_break")
