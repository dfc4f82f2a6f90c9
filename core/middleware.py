"""Request-scoped context (the client address for the audit log) and domain-error pages."""

import contextvars
import ipaddress
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware as _DjangoLoginRequired
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .errors import DomainError

_address: contextvars.ContextVar[str | None] = contextvars.ContextVar("xietong_address", default=None)


def client_address(request: HttpRequest) -> str | None:
    """The caller's address: REMOTE_ADDR, or the n-th from the right of X-Forwarded-For behind proxies.

    The one place the address is read: the audit log uses it, and so does django-axes
    (``AXES_CLIENT_IP_CALLABLE``). Each of ``PROXY_COUNT`` proxies appends the address it received
    the request from, so the client's own address is the ``PROXY_COUNT``-th entry from the right;
    anything further left was written by the client and is ignored.
    """
    proxies = getattr(settings, "PROXY_COUNT", 0) or 0
    candidate = request.META.get("REMOTE_ADDR")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if proxies and forwarded:
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        if len(hops) >= proxies:
            candidate = hops[-proxies]
    try:
        return str(ipaddress.ip_address(candidate)) if candidate else None
    except ValueError:
        return None


def current_address() -> str | None:
    return _address.get()


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _address.set(client_address(request))
        try:
            return self.get_response(request)
        finally:
            _address.reset(token)


class DomainErrorMiddleware:
    """Turns a service's refusal into a page with the right status and the service's message."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DomainError):
            return None
        template = "partials/error.html" if getattr(request, "htmx", False) else "error.html"
        return render(
            request,
            template,
            {"error": exception, "status": exception.status_code},
            status=exception.status_code,
        )


def wants_page(request: HttpRequest) -> bool:
    """A browser (asks for HTML, sends no ``Authorization``) rather than an API client: an anonymous
    browser is sent to the login page, an anonymous API client gets a JSON 401."""
    accept = request.META.get("HTTP_ACCEPT", "")
    if "HTTP_AUTHORIZATION" in request.META or "application/json" in accept:
        return False
    return "text/html" in accept


class LoginRequiredMiddleware(_DjangoLoginRequired):
    """Django's login-required default for pages; the REST API answers 401 itself (DRF auth)."""

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> Any:
        if request.path_info.startswith("/api/v1/"):
            return None
        if request.path_info == "/api/schema/":
            # The schema answers API clients like the API does (token or session; a JSON 401 without);
            # an anonymous browser is sent to the login page.
            if wants_page(request) and not request.user.is_authenticated:
                return self.handle_no_permission(request, view_func)
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)
