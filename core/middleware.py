"""Request-scoped context (the request id and timing for logs, the client address for the audit log)
and domain-error pages."""

import contextvars
import ipaddress
import logging
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware as _DjangoLoginRequired
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import observability
from .errors import DomainError

request_logger = logging.getLogger("xietong.request")

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


def _loggable_path(request: HttpRequest) -> str:
    """The path without its query string, and with URL parts that are secrets (a calendar feed's
    token) replaced, so that logs never hold a credential."""
    path = request.path
    match = getattr(request, "resolver_match", None)
    if match is not None:
        for name, value in match.kwargs.items():
            if ("token" in name or "secret" in name) and isinstance(value, str) and value:
                path = path.replace(value, "[redacted]")
    return path


def _user_id(request: HttpRequest) -> int | None:
    user = getattr(request, "user", None)
    return user.pk if user is not None and user.is_authenticated else None


class RequestLogMiddleware:
    """First in the chain: a request id for every request (the ``X-Request-ID`` header in and out),
    one log line per request with its status and duration, and a warning when it took longer than
    ``SLOW_REQUEST_MS``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = observability.valid_request_id(request.headers.get(observability.HEADER))
        request_id = request_id or observability.new_request_id()
        tokens = observability.bind(request_id)
        started = time.monotonic()
        try:
            response = self.get_response(request)
            duration_ms = round((time.monotonic() - started) * 1000, 1)
            response[observability.HEADER] = request_id
            user_id = _user_id(request)
            observability.bind_user(user_id)
            fields = {
                "method": request.method,
                "path": _loggable_path(request),
                "status": response.status_code,
                "duration_ms": duration_ms,
                "user_id": user_id,
            }
            if duration_ms >= settings.SLOW_REQUEST_MS:
                request_logger.warning(
                    "Slow request: %s %s %s in %.0f ms",
                    fields["method"],
                    fields["path"],
                    fields["status"],
                    duration_ms,
                    extra=fields,
                )
            else:
                request_logger.info(
                    "%s %s %s in %.1f ms", fields["method"], fields["path"], fields["status"], duration_ms, extra=fields
                )
            return response
        finally:
            observability.unbind(tokens)


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


# Session keys: when the person signed in, and (administrators) when they were last seen.
SESSION_LOGIN_AT = "xietong_login_at"
SESSION_SEEN_AT = "xietong_seen_at"
# Administrators' "last seen" is written at most this often (seconds), not on every request.
_SEEN_RESOLUTION = 60


def is_session_administrator(user: Any) -> bool:
    """Who has the short idle limit: Django's staff and superusers (the administrator role,
    ``accounts.User.roles`` "admin", sets both)."""
    return bool(getattr(user, "is_staff", False) or getattr(user, "is_superuser", False))


def remember_login_time(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    """``user_logged_in`` receiver: the session's absolute lifetime counts from here."""
    from django.contrib.auth import SESSION_KEY

    session = getattr(request, "session", None)
    # Only a session sign-in (an API token's sign-in sends the signal too, and has no session).
    if session is not None and SESSION_KEY in session:
        now = int(time.time())
        session[SESSION_LOGIN_AT] = now
        session[SESSION_SEEN_AT] = now


class SessionExpiryMiddleware:
    """Ends a signed-in session ``SESSION_ABSOLUTE_SECONDS`` after sign-in however active it is, and
    an administrator's after ``SESSION_ADMIN_IDLE_SECONDS`` without a request. Runs after
    authentication; the person is then anonymous, so the page asks them to sign in again and the API
    answers 401. Django's own ``SESSION_COOKIE_AGE`` only measures from the last save of the session.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            self._check(request, user)
        return self.get_response(request)

    def _check(self, request: HttpRequest, user: Any) -> None:
        from django.contrib.auth import logout

        session = request.session
        now = int(time.time())
        login_at = session.get(SESSION_LOGIN_AT)
        if not isinstance(login_at, int):
            # A session from before this rule: it counts from now.
            session[SESSION_LOGIN_AT] = login_at = now
        seen_at = session.get(SESSION_SEEN_AT)
        seen_at = seen_at if isinstance(seen_at, int) else now
        absolute = settings.SESSION_ABSOLUTE_SECONDS
        idle = settings.SESSION_ADMIN_IDLE_SECONDS
        if now - login_at >= absolute or (is_session_administrator(user) and now - seen_at >= idle):
            logout(request)  # flushes the session; request.user is anonymous from here on
            return
        if now - seen_at >= _SEEN_RESOLUTION or SESSION_SEEN_AT not in session:
            session[SESSION_SEEN_AT] = now
