"""REST endpoints of documents (API.md, Documents): approval."""

from django.urls import URLPattern
from rest_framework.routers import SimpleRouter

paths: list[URLPattern] = []


def register(router: SimpleRouter) -> None:
    """Add this stage's viewsets to the API router."""
