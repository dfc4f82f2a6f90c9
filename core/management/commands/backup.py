"""``manage.py backup [--output PATH]``: the database and media files in one consistent archive."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from core.backup import BackupError, backup


class Command(BaseCommand):
    help = "Back up the database (every table) and the media files into one .tar.gz archive."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            "-o",
            type=Path,
            help="Archive to write (default: xietong-backup-<time>.tar.gz in the current directory).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        output = options["output"] or Path(f"xietong-backup-{timezone.now():%Y%m%d-%H%M%S}.tar.gz")
        try:
            result = backup(output)
        except (BackupError, OSError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Backup written to {result.path}: {result.tables} tables, {result.rows} rows, {result.files} files."
        )
