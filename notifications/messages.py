"""What notifications say: message keys with their title and body templates, rendered per reader.

A notification stores a message key and plain parameters (names, dates, counts, the target's
title); its title and body are rendered when shown or sent, in the reader's language
(``translation.override``). Templates are ``gettext_lazy`` strings with ``%(name)s`` parameters.
Parameters named in ``translated`` hold an English msgid (a choice label stored with ``msgid``) and
are translated at rendering too; parameters named in ``formatted`` are turned into words at
rendering by the sender's function (a working-time duration stored in seconds). A parameter
``note`` (text a person wrote: an urge's message, a cancellation's reason) is appended to the body
as written.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext, override
from django.utils.translation import gettext_lazy as _

# Rows from before messages were stored by key, and callers that pass finished text (a meeting
# reminder scheduled with its title): shown as written, in no particular language.
LEGACY = "legacy"

TITLE_MAX_LENGTH = 300


@dataclass(frozen=True)
class Message:
    title: Promise | str
    body: Promise | str = ""
    translated: tuple[str, ...] = field(default_factory=tuple)
    formatted: Mapping[str, Callable[[Any], str]] = field(default_factory=dict)


_messages: dict[str, Message] = {}


def register(
    key: str,
    title: Promise | str,
    body: Promise | str = "",
    *,
    translated: tuple[str, ...] = (),
    formatted: Mapping[str, Callable[[Any], str]] | None = None,
) -> None:
    """Name a message; called at import time by the module that sends it (or below, for the shared ones)."""
    _messages[key] = Message(title=title, body=body, translated=translated, formatted=dict(formatted or {}))


def is_registered(key: str) -> bool:
    return key in _messages


def msgid(label: Any) -> str:
    """The untranslated text of a lazy label (a choice's label), to store as a translated parameter."""
    with override(None):
        return str(label)


def _plain(value: Any) -> bool:
    if value is None or isinstance(value, str | int | float | bool):
        return True
    if isinstance(value, list | tuple):
        return all(_plain(v) for v in value)
    return False


def check(key: str, params: Mapping[str, Any]) -> None:
    """Refuse an unknown key, parameters that are not plain values, or a template they do not fill."""
    if key not in _messages:
        raise ValueError(f"unknown notification message {key!r}")
    for name, value in params.items():
        if not isinstance(name, str) or not _plain(value):
            raise ValueError(f"notification parameter {name!r} is not a plain value")
    render(key, params, language=None)


def render(key: str, params: Mapping[str, Any], *, language: str | None = "") -> tuple[str, str]:
    """(title, body) of a message in ``language`` ("": the active language; None: untranslated)."""
    if language == "":
        return _render(key, params)
    with override(language):
        return _render(key, params)


def _render(key: str, params: Mapping[str, Any]) -> tuple[str, str]:
    params = dict(params)
    message = _messages.get(key)
    if message is None or key == LEGACY:
        return str(params.get("title", ""))[:TITLE_MAX_LENGTH], str(params.get("body", ""))
    for name in message.translated:
        if isinstance(params.get(name), str) and params[name]:
            params[name] = gettext(params[name])
    for name, words in message.formatted.items():
        if name in params:
            params[name] = words(params[name])
    title = str(message.title) % params if message.title else ""
    body = str(message.body) % params if message.body else ""
    note = params.get("note")
    if note:
        body = f"{body} {note}" if body else str(note)
    return title[:TITLE_MAX_LENGTH], body


register(LEGACY, "%(title)s", "%(body)s")

# About a work item (the ledger's messages): the title is the item's own.
register("workitem.assigned", "%(title)s", _("New work for you: %(kind)s"), translated=("kind",))
register("workitem.passed_on", "%(title)s", _("Passed on to %(name)s; nothing more is needed from you."))
register("workitem.withdrawn", "%(title)s", _("Withdrawn: nothing more is needed from you."))
register("workitem.urged", "%(title)s", _("%(name)s urges you to finish this."))
register("reminder.before_due", "%(title)s", _("Due %(due)s."))
register("reminder.due", "%(title)s", _("Due now."))
register("matter.confirmed", "%(title)s", _("Confirmed as completed."))

# To administrators and newcomers.
register(
    "calendar.missing_year",
    _("Enter the holidays of %(year)s"),
    _(
        "The working-day calendar has no holiday data for %(year)s, so deadlines count "
        "Monday to Friday. Enter the statutory holidays and make-up working days under "
        "Admin › Calendar overrides."
    ),
)
register(
    "demo.welcome",
    _("Welcome to the Xietong office coordination portal"),
    _("This is demo data: your desk lists the matters given to you, overdue ones first."),
)
