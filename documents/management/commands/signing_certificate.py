"""``manage.py signing_certificate``: where the certificate that signs issued PDFs is, and with
``--demo`` a self-signed one for "协同市协同局 (demo)" when there is none (idempotent)."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from documents.layout import make_demo_certificate, signing_available


class Command(BaseCommand):
    help = "Show the PDF signing certificate; --demo creates a self-signed one if none exists."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--demo",
            action="store_true",
            help="Create a self-signed demo certificate and key at SIGNING_CERT / SIGNING_KEY if both are missing.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        cert, key = Path(settings.SIGNING_CERT), Path(settings.SIGNING_KEY)
        if options["demo"]:
            try:
                created = make_demo_certificate(cert, key)
            except FileExistsError as error:
                raise CommandError(str(error)) from error
            if created:
                self.stdout.write(f"Signing: created a self-signed demo certificate {cert} and key {key}.")
                self.stdout.write("Signing: for development only; production supplies the organization's own pair.")
            elif options["verbosity"] > 1:
                self.stdout.write(f"Signing: certificate {cert} and key {key} already exist.")
            return
        if signing_available():
            self.stdout.write(f"Signing: issued PDFs are signed with {cert} (key {key}).")
        else:
            self.stdout.write(
                f"Signing: no readable certificate and key at {cert} and {key}; issued PDFs are not signed. "
                "Run `manage.py signing_certificate --demo` for a self-signed demo pair."
            )
