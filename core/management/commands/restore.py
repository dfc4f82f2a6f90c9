"""``manage.py restore PATH [--force]``: load a backup archive into an empty database and verify it."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore a backup archive: migrate, load every table in one transaction, put back the media "
        "files, then compare row counts and checksums with the archive's manifest."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path, help="The .tar.gz written by `manage.py backup`.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Restore even though the database holds data: everything in it is deleted first.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        archive: Path = options["archive"]
        if not archive.is_file():
            raise CommandError(f"{archive} does not exist or is not a file.")
        try:
            result = restore(archive, force=options["force"])
        except (BackupError, OSError) as error:
            raise CommandError(str(error)) from error
        if not result.ok:
            raise CommandError(
                "Restored, but verification failed; what differs from the archive:\n  "
                + "\n  ".join(result.differences)
            )
        self.stdout.write(
            f"Restore OK: {result.tables} tables, {result.rows} rows and {result.files} files match the archive."
        )
