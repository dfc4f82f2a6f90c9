"""The application's URLs plus the baseline: a minimal login-required Django view."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def minimal(request: HttpRequest) -> HttpResponse:
    # Login-required like every page (the middleware's default): session and user, nothing else.
    return HttpResponse(f"ok {request.user.pk}", content_type="text/plain")


urlpatterns = [
    path("bench/minimal/", minimal, name="bench-minimal"),
    path("", include("config.urls")),
]
