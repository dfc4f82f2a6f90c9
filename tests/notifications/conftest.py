"""Fixtures of notification tests."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils.translation.reloader import translation_file_changed

from notifications import visibility


@pytest.fixture(scope="session")
def catalogue():
    """The compiled Chinese catalogue (.mo files are built, not committed), loaded afresh."""
    call_command("compile_translations", verbosity=0)
    for mo_path in Path(settings.BASE_DIR, "locale").glob("*/LC_MESSAGES/*.mo"):
        translation_file_changed(sender=None, file_path=mo_path)


@pytest.fixture(autouse=True)
def _every_target_visible(monkeypatch):
    """Notification tests point at stand-in targets (departments): here every target is visible
    unless a test hides some (``hidden_targets``), whatever rule the ledger registered."""
    monkeypatch.setattr(visibility, "_checker", lambda user, refs: set(refs))
