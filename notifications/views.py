"""The notification centre: the person's notifications by day; open, mark read, mark all read."""

from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.errors import DomainError

from . import selectors, services
from .filters import NotificationCentreFilter
from .forms import PreferenceForm, RobotRouteChoiceForm
from .models import EmailMode, Notification, NotificationKind, NotificationPreference
from .presentation import present

PAGE_SIZE = 25


def _shown(request: HttpRequest, notification: Notification) -> Notification:
    # Rendered in the reader's language; masked (no title, no link) if its target is not theirs to see.
    present([notification], reader=request.user)
    return notification


def _by_day(notifications: list[Notification]) -> list[dict[str, Any]]:
    """Consecutive notifications of one local day under one heading (the list is newest first)."""
    today = timezone.localdate()
    groups: list[dict[str, Any]] = []
    for notification in notifications:
        day = timezone.localdate(notification.created_at)
        if not groups or groups[-1]["day"] != day:
            groups.append({"day": day, "label": _day_label(day, today), "items": []})
        groups[-1]["items"].append(notification)
    return groups


def _day_label(day: date, today: date) -> str | None:
    if day == today:
        return _("Today")
    if day == today - timedelta(days=1):
        return _("Yesterday")
    return None  # the template shows the date


def _back(request: HttpRequest) -> str:
    """Where to return after a form: the page it came from (if ours), else the centre."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("notifications:list")


@require_GET
def notification_centre(request: HttpRequest) -> HttpResponse:
    # A tab or kind not offered is ignored; the page number is the paginator's to judge.
    queryset = selectors.notification_list(user=request.user)
    filters = NotificationCentreFilter(request.GET, queryset=queryset, request=request)
    show, kind = filters.chosen()
    page = Paginator(filters.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    filters = {"show": show, **({"kind": kind} if kind else {})}
    context = {
        "page": page,
        # One visibility question for the whole page.
        "groups": _by_day(list(present(list(page), reader=request.user))),
        "show": show,
        "kind": kind,
        "kinds": NotificationKind.choices,
        "query": urlencode(filters),
        "here": f"{request.path}?{urlencode({**filters, 'page': page.number})}",
    }
    if request.htmx and not request.htmx.history_restore_request:
        response = render(request, "notifications/_list.html", context)
    else:
        response = render(request, "notifications/list.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_POST
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark read, then go to what the notification is about (or back to the centre)."""
    notification = _shown(request, services.notification_mark_read(user=request.user, notification_id=pk))
    return redirect(notification.target_url or _back(request))


@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    notification = _shown(request, services.notification_mark_read(user=request.user, notification_id=pk))
    if request.htmx:
        # The updated row, and the navigation badge swapped out of band.
        return render(
            request,
            "notifications/_read.html",
            {"notification": notification, "unread": selectors.unread_count(user=request.user), "here": _back(request)},
        )
    return redirect(_back(request))


@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    count = services.notifications_mark_all_read(user=request.user)
    if count:
        messages.success(
            request,
            ngettext("%(count)d notification marked read.", "%(count)d notifications marked read.", count)
            % {"count": count},
        )
    return redirect(_back(request))


@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    """How the person wants to be told by e-mail (linked from the profile page)."""
    user = request.user
    preference_form = PreferenceForm(request.POST if request.method == "POST" else None, initial=_initial(user))
    if request.method == "POST" and preference_form.is_valid():
        try:
            services.preference_update(user=user, **preference_form.cleaned_data)
        except DomainError as error:
            # The page is shown again with the service's reasons on the fields.
            for field, problems in error.fields.items():
                for problem in problems:
                    preference_form.add_error(field if field in preference_form.fields else None, problem)
            preference_form.add_error(None, error.message)
        else:
            messages.success(request, _("Your notification preferences are saved."))
            return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"preference_form": preference_form})


def _initial(user: Any) -> dict[str, Any]:
    preference = NotificationPreference.objects.filter(user=user).first()
    if preference is None:
        # What delivery does without a saved choice: e-mail at once, if there is an address.
        return {
            "email_mode": EmailMode.IMMEDIATE if user.email else EmailMode.NONE,
            "digest_hour": 17,
            "language": user.language,
        }
    return {"email_mode": preference.email_mode, "digest_hour": preference.digest_hour, "language": user.language}


@require_http_methods(["GET", "POST"])
def robot_routes(request: HttpRequest) -> HttpResponse:
    """My chat robots: which kinds of my notifications go to which group robot (those offered to people)."""
    robots = selectors.robots_offered(user=request.user)
    form = RobotRouteChoiceForm(request.POST if request.method == "POST" else None, robots=robots)
    if form.is_valid():
        try:
            route = services.robot_route_choose(
                actor=request.user, webhook_id=form.cleaned_data["webhook"].pk, kinds=form.cleaned_data["kinds"]
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Saved.") if route else _("This robot no longer receives your notifications."))
            return redirect("notifications:robots")
    status = 400 if request.method == "POST" else 200
    routes = list(selectors.robot_routes_of(user=request.user))
    kinds = dict(NotificationKind.choices)
    for route in routes:
        route.kind_labels = [kinds[k] for k in route.kinds if k in kinds]
    return render(
        request,
        "notifications/robots.html",
        {"form": form, "routes": routes, "has_robots": robots.exists()},
        status=status,
    )


@require_POST
def robot_route_remove(request: HttpRequest, pk: int) -> HttpResponse:
    services.robot_route_remove(actor=request.user, route_id=pk)
    messages.success(request, _("This robot no longer receives your notifications."))
    return redirect("notifications:robots")
