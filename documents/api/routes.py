"""The documents API's routes, gathered from one module per stage for ``config.api_urls``."""

from django.urls import URLPattern
from rest_framework.routers import SimpleRouter

from . import approval, comments, drafting, incoming, issuing, packets

_STAGES = (drafting, comments, approval, issuing, incoming, packets)


def register(router: SimpleRouter) -> None:
    for stage in _STAGES:
        stage.register(router)


def paths() -> list[URLPattern]:
    return [path for stage in _STAGES for path in stage.paths]
