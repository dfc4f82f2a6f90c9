"""Pages of the organization: sign-in, password change, profile, the people directory and its search."""

from typing import Any

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers

from core.errors import DomainError
from notifications.forms import PreferenceForm
from notifications.models import EmailMode
from notifications.services import preference_update

from .filters import PeopleFilter
from .forms import ProfileForm
from .models import User
from .selectors import department_tree, people_search, person_get
from .services import password_change, profile_update

PEOPLE_PAGE_SIZE = 50
SEARCH_LIMIT = 20
# The department tree indents by depth; deeper levels share the last indent (see app.css).
MAX_TREE_INDENT = 6


class LoginView(auth_views.LoginView):
    """Django's sign-in (already @login_not_required); django-axes locks repeated failures."""

    template_name = "registration/login.html"
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("accounts:password_change_done")

    def form_valid(self, form: Any) -> HttpResponse:
        # Through the service, so that the change is in the audit log; the session stays valid.
        password_change(user=form.user, new_password=form.cleaned_data["new_password1"])
        update_session_auth_hash(self.request, form.user)
        return HttpResponseRedirect(self.get_success_url())


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "registration/password_change_done.html"


@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    """The signed-in person's own card; contact details and notification preferences are editable,
    the rest is the org chart's. Each of the two forms posts here on its own."""
    # The person with department and notification preference in one query.
    user = User.objects.select_related("department", "notification_preference").get(pk=request.user.pk)
    sent = request.POST if request.method == "POST" else None
    preferences_sent = sent is not None and sent.get("form") == PreferenceForm.FORM_NAME
    form = ProfileForm(None if preferences_sent else sent, initial={"email": user.email, "phone": user.phone})
    preference_form = PreferenceForm(sent if preferences_sent else None, initial=_preference_initial(user))
    if preferences_sent:
        if preference_form.is_valid():
            try:
                preference_update(user=user, **preference_form.cleaned_data)
            except DomainError as error:
                # The page is shown again with the service's reasons on the fields (as the contact form is).
                for field, problems in error.fields.items():
                    for problem in problems:
                        preference_form.add_error(field if field in preference_form.fields else None, problem)
                preference_form.add_error(None, error.message)
            else:
                messages.success(request, _("Your notification preferences are saved."))
                return redirect("accounts:profile")
    elif sent is not None and form.is_valid():
        changes = {k: v for k, v in form.cleaned_data.items() if v != getattr(user, k)}
        if changes:
            profile_update(user=user, **changes)
        messages.success(request, _("Your contact details are saved."))
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"person": user, "form": form, "preference_form": preference_form})


def _preference_initial(user: User) -> dict[str, Any]:
    try:
        preference = user.notification_preference
    except ObjectDoesNotExist:
        # What delivery does without a saved choice: e-mail at once, if there is an address.
        return {"email_mode": EmailMode.IMMEDIATE if user.email else EmailMode.NONE, "digest_hour": 17}
    return {"email_mode": preference.email_mode, "digest_hour": preference.digest_hour}


def _filtered_people(request: HttpRequest) -> tuple[Any, QuerySet[User]]:
    """The people matching the request's ``q`` and ``department`` (PeopleFilter; a bad value is
    the form's error and is not applied)."""
    filters = PeopleFilter(request.GET, queryset=people_search(user=request.user), request=request)
    filters.form.is_valid()
    return filters.form, filters.qs


@require_GET
def people(request: HttpRequest) -> HttpResponse:
    """The staff directory: live search by name, username or pinyin initials, and the department tree."""
    form, matches = _filtered_people(request)
    page = Paginator(matches, PEOPLE_PAGE_SIZE).get_page(request.GET.get("page"))
    tree = [(dept, min(depth, MAX_TREE_INDENT)) for dept, depth in department_tree(user=request.user)]
    chosen = form.cleaned_data.get("department") if form.is_valid() else None
    selected = next((dept for dept, _depth in tree if chosen is not None and dept.pk == chosen.pk), None)
    return render(
        request,
        "accounts/people.html",
        {"form": form, "page": page, "people": page.object_list, "tree": tree, "selected_department": selected},
    )


@require_GET
@vary_on_headers("HX-Request")
def people_search_view(request: HttpRequest) -> HttpResponse:
    """Search for the people picker (JSON) and the directory's live results (HTML when htmx asks)."""
    form, matches = _filtered_people(request)
    results = list(matches[:SEARCH_LIMIT])
    if getattr(request, "htmx", False):
        return render(
            request,
            "accounts/partials/people_results.html",
            {"people": results, "limited": len(results) == SEARCH_LIMIT, "form": form},
        )
    return JsonResponse({"results": [_person_json(p) for p in results]})


def _person_json(person: User) -> dict[str, Any]:
    return {
        "id": person.pk,
        "name": person.display_name,
        "department": person.department.name if person.department else "",
        "title": person.title,
    }


@require_GET
def person(request: HttpRequest, pk: int) -> HttpResponse:
    """One person's card (404 for an unknown or inactive person)."""
    return render(request, "accounts/person.html", {"person": person_get(user=request.user, pk=pk)})
