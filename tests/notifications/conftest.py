"""Fixtures of notification tests."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils.translation.reloader import translation_file_changed


@pytest.fixture(scope="session")
def catalogue():
    """The compiled Chinese catalogue (.mo files are built, not committed), loaded afresh."""
    call_command("compile_translations", verbosity=0)
    for mo_path in Path(settings.BASE_DIR, "locale").glob("*/LC_MESSAGES/*.mo"):
        translation_file_changed(sender=None, file_path=mo_path)
