"""Panels that higher apps add to the profile page (a registry they fill at start-up, so that
``accounts`` imports none of them): a template and a function giving its context."""

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest

PanelContext = Callable[[HttpRequest], dict[str, Any]]

_panels: dict[str, PanelContext] = {}


def register_panel(template_name: str, context: PanelContext) -> None:
    """Called from an ``AppConfig.ready``; registering the same template again replaces it."""
    _panels[template_name] = context


def panels(request: HttpRequest) -> list[tuple[str, dict[str, Any]]]:
    """(template name, context) of every registered panel, in the order they were registered."""
    return [(template_name, context(request)) for template_name, context in _panels.items()]
