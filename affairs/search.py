"""Matters in the search index (``workload.search``): their titles and descriptions."""

from django.utils.translation import gettext_lazy as _

from workload import search

from .models import Matter


def matter_content(matter: Matter) -> search.Content:
    return search.Content(title=matter.title, text=matter.description, classification=matter.classification)


def register() -> None:
    """Called from ``AffairsConfig.ready``."""
    search.register(Matter, label=_("Assigned matter"), content=matter_content)


def index_matter(matter: Matter) -> None:
    """Refresh ``matter``'s entry in the search index (the matter services call it)."""
    search.index(matter)
