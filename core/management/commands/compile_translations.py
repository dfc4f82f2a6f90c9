"""Compile ``locale/*/LC_MESSAGES/*.po`` to ``.mo`` with polib, so no gettext tools are needed.

Django's own ``compilemessages`` calls GNU ``msgfmt``, which a fresh machine may not have. Only
catalogues whose ``.po`` is newer than their ``.mo`` are compiled, so a second run is instant. The
``.mo`` is written beside and then renamed into place, so a process reading it (a parallel test
worker, a running server) never sees half a file.
"""

import os
import tempfile
from pathlib import Path
from typing import Any

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Compile the translation catalogues under LOCALE_PATHS (polib; no msgfmt needed)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="Compile even up-to-date catalogues.")

    def handle(self, *args: Any, force: bool = False, **options: Any) -> None:
        compiled = 0
        for locale_dir in map(Path, settings.LOCALE_PATHS):
            for po_path in sorted(locale_dir.glob("*/LC_MESSAGES/*.po")):
                mo_path = po_path.with_suffix(".mo")
                if not force and mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                    continue
                catalogue = polib.pofile(str(po_path))
                # Like msgfmt without --use-fuzzy: fuzzy entries stay untranslated.
                fd, tmp_name = tempfile.mkstemp(dir=mo_path.parent, prefix=".", suffix=".mo.tmp")
                os.close(fd)
                try:
                    catalogue.save_as_mofile(tmp_name)
                    os.chmod(tmp_name, 0o644)  # mkstemp makes it private; a catalogue is for every reader
                    os.replace(tmp_name, mo_path)
                finally:
                    if os.path.exists(tmp_name):
                        os.unlink(tmp_name)
                compiled += 1
                if options["verbosity"] >= 2:
                    self.stdout.write(f"compiled {po_path}")
        if options["verbosity"] >= 1:
            self.stdout.write(f"Translations: {compiled} catalogue(s) compiled.")
