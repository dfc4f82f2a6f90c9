"""``manage.py rebuild_search_index``: write the search index again from every searchable object
(after loading data outside the services, or restoring a backup)."""

from typing import Any

from django.core.management.base import BaseCommand

from workload import search


class Command(BaseCommand):
    help = "Rebuild the full-text search index of documents, incoming documents and matters."

    def handle(self, *args: Any, **options: Any) -> None:
        written = search.rebuild()
        if options["verbosity"]:
            self.stdout.write(f"Indexed {written} objects.")
