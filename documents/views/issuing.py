"""Pages of documents: issuing."""

from django.urls import URLPattern

urls: list[URLPattern] = []
