"""Pages of the organization: sign-in, password change, profile, the people directory and its search."""

from typing import Any

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers

from .filters import PeopleFilter
from .forms import ProfileForm
from .models import User
from .profile import panels
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
    """The signed-in person's own card; contact details are editable, the rest is the org chart's.
    How notifications reach the person is chosen on the notification preferences page it links to."""
    user = User.objects.select_related("department").get(pk=request.user.pk)
    sent = request.POST if request.method == "POST" else None
    form = ProfileForm(sent, initial={"email": user.email, "phone": user.phone})
    if sent is not None and form.is_valid():
        changes = {k: v for k, v in form.cleaned_data.items() if v != getattr(user, k)}
        if changes:
            profile_update(user=user, **changes)
        messages.success(request, _("Your contact details are saved."))
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"person": user, "form": form, "panels": panels(request)})


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
