"""Template context every page needs: calendar warnings for administrators, and the links, files
and languages of the navigation, worked out once per process rather than on every page."""

from collections.abc import Callable
from functools import cache, lru_cache, partial
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language, get_language_info

from . import calendar

# The navigation's links (base.html: ``{{ site_urls.desk }}``), by the URL names they reverse.
NAVIGATION = {
    "desk": "workload:desk",
    "search": "workload:search",
    "dashboard": "workload:dashboard",
    "login": "login",
    "notifications": "notifications:list",
    "documents": "documents:document_list",
    "document_new": "documents:document_create",
    "comment_requests": "documents:comment_request_list",
    "approvals": "documents:approval_queue",
    "distributions": "documents:distribution_list",
    "issuing_queue": "documents:issuing_queue",
    "incoming": "documents:incoming_list",
    "packets": "documents:packet_list",
    "matters": "affairs:matter_list",
    "receptions": "affairs:reception_list",
    "plans": "affairs:plan_list",
    "people": "accounts:people",
    "admin": "admin:index",
    "profile": "accounts:profile",
    "password_change": "accounts:password_change",
    "logout": "accounts:logout",
    "set_language": "set_language",
    "api_docs": "api-docs",
    "holidays": "admin:core_holidayoverride_changelist",
}
# Roles the navigation shows links for (``{% if "office" in roles %}``), each a test of the user,
# registered by the app that knows the roles (accounts.apps): core learns about it only here.
NAVIGATION_ROLES: dict[str, Callable[[Any], bool]] = {}
# The files every page loads (base.html: ``{{ site_static.htmx_js }}``), by their static paths.
ASSETS = {
    "bootstrap_css": "vendor/bootstrap/css/bootstrap.min.css",
    "app_css": "css/app.css",
    "bootstrap_js": "vendor/bootstrap/js/bootstrap.bundle.min.js",
    "htmx_js": "vendor/htmx/htmx.min.js",
    "people_picker_js": "js/people-picker.js",
}


class _Kept(dict[str, str]):
    """Each value worked out on first use, then kept: every page shows a dozen links and files,
    and reverse() and static() cost more than the rest of the navigation."""

    def __init__(self, find: Callable[[str], str]) -> None:
        super().__init__()
        self.find = find

    def __missing__(self, key: str) -> str:
        value = self[key] = self.find(key)
        return value


@cache
def _links(urlconf: str, override: Any, prefix: str) -> _Kept:
    return _Kept(lambda key: reverse(NAVIGATION[key]))


@cache
def _assets(static_url: str, storage: str) -> _Kept:
    return _Kept(lambda key: static(ASSETS[key]))


@cache
def _other_languages(current: str | None) -> list[dict[str, str]]:
    """The languages to switch to, each named in itself (``{"code", "name_local"}``)."""
    return [
        {"code": code, "name_local": get_language_info(code)["name_local"]}
        for code, _name in settings.LANGUAGES
        if code != current
    ]


@lru_cache(maxsize=1024)
def _navigation(
    language: str | None, area: str, url_name: str, staff: bool, roles: frozenset[str], links: tuple[Any, ...]
) -> str:
    """partials/nav_links.html: the same for every page of a section, in one language and role set."""
    context = {"area": area, "url_name": url_name, "staff": staff, "roles": roles, "site_urls": _links(*links)}
    return render_to_string("partials/nav_links.html", context)


def _navigation_of(user: Any, *where: Any) -> str:
    """The navigation for ``user``: their roles are asked only when a page shows it."""
    authenticated = user is not None and user.is_authenticated
    roles = frozenset(name for name, test in NAVIGATION_ROLES.items() if authenticated and test(user))
    return _navigation(*where[:4], roles, where[4])


def site(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    missing: list[int] = []
    if user is not None and user.is_authenticated and user.is_superuser:
        missing = calendar.years_missing_holidays()
    links = (settings.ROOT_URLCONF, get_urlconf(), get_script_prefix())
    match = getattr(request, "resolver_match", None)
    where = (match.app_name, match.url_name or "") if match else ("", "")
    staff = bool(user is not None and user.is_staff)
    return {
        "calendar_missing_years": missing,
        "site_urls": _links(*links),
        # Rendered when the page shows it (then kept for its section and language).
        "navigation": partial(_navigation_of, user, get_language(), *where, staff, links),
        "site_static": _assets(settings.STATIC_URL, settings.STORAGES["staticfiles"]["BACKEND"]),
        "other_languages": _other_languages(get_language()),
    }
