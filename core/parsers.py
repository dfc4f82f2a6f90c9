"""The API's JSON parser: text that is not valid Unicode is a field error, not a 500.

Kept apart from core.api: DRF reads DEFAULT_PARSER_CLASSES while ``rest_framework.views`` loads,
which core.api imports.
"""

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import exceptions, parsers


def printable(text: str) -> str:
    """``text`` with any lone surrogate (``"\\ud800"`` from a JSON body, echoed in an error message)
    replaced, so that the answer can be encoded as UTF-8."""
    return text.encode("utf-8", "replace").decode("utf-8")


def _surrogate_paths(data: Any, prefix: str = "") -> list[str]:
    """Where in parsed JSON a string (value or key) holds a lone surrogate, as dotted field names."""
    found: list[str] = []
    if isinstance(data, str):
        if printable(data) != data:
            found.append(prefix or "non_field_errors")
    elif isinstance(data, dict):
        for key, value in data.items():
            place = f"{prefix}.{printable(str(key))}" if prefix else printable(str(key))
            if isinstance(key, str) and printable(key) != key:
                found.append(place)
            else:
                found.extend(_surrogate_paths(value, place))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found.extend(_surrogate_paths(value, f"{prefix}.{index}" if prefix else str(index)))
    return found


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser; text holding a lone surrogate (``"\\ud800"``: valid JSON, not valid
    Unicode) is refused as a field error, before a serializer, the database or the renderer sees it."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        data = super().parse(stream, media_type, parser_context)
        bad = _surrogate_paths(data)
        if bad:
            message = _("Not valid text: it holds an unpaired surrogate code point.")
            raise exceptions.ValidationError({path: [message] for path in bad})
        return data
