"""Organization pages: sign-in pages, profile, the people directory, its search and the people picker."""

import pytest
from crispy_forms.utils import render_crispy_form
from django import forms
from django.urls import reverse

from accounts.models import User
from accounts.widgets import PeopleMultiplePicker, PeoplePicker
from core.models import AuditEvent
from tests.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db

PAGES = [
    ("accounts:profile", {}),
    ("accounts:people", {}),
    ("accounts:password_change", {}),
    ("accounts:password_change_done", {}),
]


def _url(name, kwargs, person):
    return reverse(name, kwargs={"pk": person.pk} if name == "accounts:person" else kwargs)


@pytest.mark.parametrize(("name", "kwargs"), [*PAGES, ("accounts:person", {})])
def test_every_page_renders_in_chinese_by_default(client_of, user, name, kwargs):
    response = client_of(user).get(_url(name, kwargs, user))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert 'id="user-menu"' in html
    assert 'id="lang-en"' in html  # the switch offers the other language


@pytest.mark.parametrize(("name", "kwargs"), [*PAGES, ("accounts:person", {})])
def test_every_page_renders_in_english_from_the_browser_language(client_of, user, name, kwargs):
    response = client_of(user).get(_url(name, kwargs, user), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert 'id="lang-zh-hans"' in html


def test_language_cookie_chooses_english(client_of, user):
    client = client_of(user)
    client.cookies["django_language"] = "en"
    response = client.get(reverse("accounts:people"))
    assert '<html lang="en">' in response.content.decode()
    assert "People" in response.content.decode()


def test_language_switch_posts_to_set_language_and_sticks(client_of, user):
    client = client_of(user)
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("accounts:profile")})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:profile")
    assert '<html lang="en">' in client.get(reverse("accounts:profile")).content.decode()


def test_pages_need_login(client, user):
    for name, kwargs in PAGES:
        response = client.get(reverse(name, kwargs=kwargs))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    assert client.get(reverse("accounts:people_search"), {"q": "zwt"}).status_code == 302


def test_navigation_shows_areas_and_admin_link_only_for_staff(client_of, user, admin_user):
    html = client_of(user).get(reverse("accounts:people")).content.decode()
    assert reverse("workload:desk") in html
    assert reverse("notifications:list") in html
    assert 'id="nav-notifications"' in html
    assert reverse("admin:index") not in html
    html = client_of(admin_user).get(reverse("accounts:people")).content.decode()
    assert reverse("admin:index") in html


def test_unread_badge_shows_the_count(client_of, user):
    from tests.factories import NotificationFactory

    NotificationFactory.create_batch(3, recipient=user)
    html = client_of(user).get(reverse("accounts:profile")).content.decode()
    assert 'id="unread-badge">3<' in html


def test_no_badge_without_unread_notifications(client_of, user):
    assert 'id="unread-badge"' not in client_of(user).get(reverse("accounts:profile")).content.decode()


def test_login_page_renders_for_anonymous_with_language_switch(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="lang-en"' in html
    assert 'name="username"' in html
    assert 'id="user-menu"' not in html
    assert reverse("accounts:login") == reverse("login")


def test_login_page_in_english(client):
    html = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in html
    assert "Sign in" in html


def test_signed_in_person_visiting_login_goes_to_the_desk(client_of, user):
    response = client_of(user).get(reverse("login"))
    assert response.status_code == 302
    assert response["Location"] == reverse("workload:desk")


def test_password_change_works_and_keeps_the_session(client_of, user):
    client = client_of(user)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": "pass-Word-123", "new_password1": "n3w-Secret-Pass", "new_password2": "n3w-Secret-Pass"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_change_done")
    user.refresh_from_db()
    assert user.check_password("n3w-Secret-Pass")
    assert client.get(reverse("accounts:profile")).status_code == 200
    # The change is in the audit log (without the password, of course).
    event = AuditEvent.objects.get(verb="auth.password_change")
    assert (event.actor_id, event.target_id, event.data) == (user.pk, user.pk, {"tokens_revoked": 0})


def test_password_change_refuses_a_wrong_old_password(client_of, user):
    response = client_of(user).post(
        reverse("accounts:password_change"),
        {"old_password": "wrong", "new_password1": "n3w-Secret-Pass", "new_password2": "n3w-Secret-Pass"},
    )
    assert response.status_code == 200
    assert "old_password" in response.context["form"].errors
    user.refresh_from_db()
    assert user.check_password("pass-Word-123")
    assert not AuditEvent.objects.filter(verb="auth.password_change").exists()


# --- Profile ------------------------------------------------------------------------------------


def test_profile_shows_the_organization_facts(client_of, user, head):
    user.is_leader = True
    user.save()
    html = client_of(user).get(reverse("accounts:profile"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for text in ("张文涛", "综合处", "科员", "Leader", user.get_clearance_display()):
        assert str(text) in html


def test_profile_edit_saves_contact_details_through_the_service(client_of, user):
    response = client_of(user).post(
        reverse("accounts:profile"), {"email": "zwt@bureau.example", "phone": "010-6512 3456"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:profile")
    user.refresh_from_db()
    assert (user.email, user.phone) == ("zwt@bureau.example", "010-6512 3456")
    event = AuditEvent.objects.get(verb="profile.update")
    assert event.actor_id == user.pk
    assert event.data == {"email": "zwt@bureau.example", "phone": "010-6512 3456"}


def test_profile_refuses_a_bad_email_with_a_field_error(client_of, user):
    response = client_of(user).post(reverse("accounts:profile"), {"email": "not-an-address", "phone": ""})
    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert "is-invalid" in response.content.decode()
    user.refresh_from_db()
    assert user.email == "staff@example.org"
    assert not AuditEvent.objects.filter(verb="profile.update").exists()


def test_profile_refuses_letters_in_the_phone(client_of, user):
    response = client_of(user).post(reverse("accounts:profile"), {"email": "", "phone": "call me"})
    assert "phone" in response.context["form"].errors


def test_profile_cannot_change_the_name_or_clearance(client_of, user):
    client_of(user).post(
        reverse("accounts:profile"), {"email": user.email, "phone": "", "name": "别人", "clearance": "secret"}
    )
    user.refresh_from_db()
    assert user.name == "张文涛"
    assert user.clearance == "internal"


def test_unchanged_profile_records_no_audit_event(client_of, user):
    client_of(user).post(reverse("accounts:profile"), {"email": user.email, "phone": user.phone})
    assert not AuditEvent.objects.filter(verb="profile.update").exists()


# --- People directory and search -----------------------------------------------------------------


def test_people_search_finds_zhang_wentao_by_pinyin_initials(client_of, user):
    UserFactory(username="other", name="李明")
    response = client_of(user).get(reverse("accounts:people_search"), {"q": "zwt"})
    assert response.status_code == 200
    assert response.json() == {"results": [{"id": user.pk, "name": "张文涛", "department": "综合处", "title": "科员"}]}


@pytest.mark.parametrize("q", ["张文", "staff", "zhangwen", "ZWT"])
def test_people_search_by_name_username_and_pinyin(client_of, user, q):
    results = client_of(user).get(reverse("accounts:people_search"), {"q": q}).json()["results"]
    assert [r["id"] for r in results] == [user.pk]


def test_people_search_leaves_out_inactive_people(client_of, user):
    UserFactory(username="gone", name="张无忌", is_active=False)
    results = client_of(user).get(reverse("accounts:people_search"), {"q": "张"}).json()["results"]
    assert [r["name"] for r in results] == ["张文涛"]


def test_people_search_returns_at_most_20(client_of, user):
    UserFactory.create_batch(25, department=user.department)
    assert len(client_of(user).get(reverse("accounts:people_search")).json()["results"]) == 20


def test_people_search_answers_htmx_with_an_html_fragment(client_of, user):
    response = client_of(user).get(reverse("accounts:people_search"), {"q": "zwt"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "HX-Request" in response["Vary"]
    html = response.content.decode()
    assert "<html" not in html
    assert reverse("accounts:person", args=[user.pk]) in html
    assert "张文涛" in html


def test_people_search_fragment_says_when_no_one_matches(client_of, user):
    html = client_of(user).get(reverse("accounts:people_search"), {"q": "xyzzy"}, HTTP_HX_REQUEST="true")
    assert 'id="people-empty"' in html.content.decode()


def test_people_page_lists_people_and_the_department_tree(client_of, user, head, department):
    child = DepartmentFactory(name="信息科", code="it", parent=department)
    UserFactory(username="it1", name="赵信息", department=child)
    html = client_of(user).get(reverse("accounts:people")).content.decode()
    for text in (
        "张文涛",
        "李处长",
        "赵信息",
        "综合处",
        "信息科",
        'class="list-group-item list-group-item-action xt-depth-1',
    ):
        assert text in html
    assert f'hx-get="{reverse("accounts:people_search")}"' in html


def test_people_page_searches_without_javascript(client_of, user):
    UserFactory(username="other", name="李明")
    response = client_of(user).get(reverse("accounts:people"), {"q": "zwt"})
    assert [p.pk for p in response.context["people"]] == [user.pk]


def test_people_page_filters_by_department(client_of, user, department):
    other = UserFactory(username="other", name="李明")
    response = client_of(user).get(reverse("accounts:people"), {"department": department.pk})
    people = list(response.context["people"])
    assert user in people
    assert other not in people
    assert response.context["selected_department"] == department


def test_people_page_ignores_a_malformed_department(client_of, user):
    response = client_of(user).get(reverse("accounts:people"), {"department": "abc"})
    assert response.status_code == 200
    assert user in list(response.context["people"])


def test_person_card_shows_contact_details(client_of, user):
    colleague = UserFactory(username="li", name="李明", phone="010-1234", title="副处长", department=user.department)
    html = client_of(user).get(reverse("accounts:person", args=[colleague.pk])).content.decode()
    for text in ("李明", "010-1234", "副处长", colleague.email):
        assert text in html


def test_person_card_is_404_for_unknown_or_inactive_people(client_of, user):
    gone = UserFactory(username="gone", is_active=False)
    assert client_of(user).get(reverse("accounts:person", args=[gone.pk])).status_code == 404
    assert client_of(user).get(reverse("accounts:person", args=[999999])).status_code == 404


# --- Query budgets --------------------------------------------------------------------------------


def _staff(count, department):
    UserFactory.create_batch(count, department=department)


@pytest.mark.parametrize("count", [5, 50])
def test_people_page_query_count_does_not_grow(client_of, user, department, count, django_assert_num_queries):
    _staff(count, department)
    DepartmentFactory.create_batch(count // 5)
    client = client_of(user)
    # 1 session, 2 user, 3 departments (tree, with heads and parents), 4 count of matches,
    # 5 the page of people (with departments), 6 unread notifications (navigation badge), 7 the
    # person's roles for the navigation's links (the dashboards'; then kept in the cache for minutes).
    with django_assert_num_queries(7):
        assert client.get(reverse("accounts:people")).status_code == 200


@pytest.mark.parametrize("count", [5, 50])
def test_people_search_query_count_does_not_grow(client_of, user, department, count, django_assert_num_queries):
    _staff(count, department)
    client = client_of(user)
    # 1 session, 2 user, 3 the matching people with their departments.
    with django_assert_num_queries(3):
        assert client.get(reverse("accounts:people_search"), {"q": ""}).status_code == 200
    # The htmx fragment: the same three (no navigation on a fragment).
    with django_assert_num_queries(3):
        assert client.get(reverse("accounts:people_search"), HTTP_HX_REQUEST="true").status_code == 200


@pytest.mark.parametrize("count", [5, 50])
def test_profile_and_person_query_counts_do_not_grow(client_of, user, department, count, django_assert_num_queries):
    _staff(count, department)
    client = client_of(user)
    # 1 session, 2 user, 3 the user's department, 4 the calendar feed (meetings' panel), 5 unread notifications,
    # 6 the person's roles for the navigation's links (then kept in the cache: not on the next page).
    with django_assert_num_queries(6):
        assert client.get(reverse("accounts:profile")).status_code == 200
    # 1 session, 2 user, 3 the person with the department, 4 unread notifications.
    with django_assert_num_queries(4):
        assert client.get(reverse("accounts:person", args=[user.pk])).status_code == 200


# --- People picker --------------------------------------------------------------------------------


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(User.objects.filter(is_active=True), widget=PeoplePicker)
    reviewers = forms.ModelMultipleChoiceField(
        User.objects.filter(is_active=True), widget=PeopleMultiplePicker, required=False
    )


def test_people_picker_form_validates(user, head):
    form = AssignForm(data={"assignee": user.pk, "reviewers": [user.pk, head.pk]})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["assignee"] == user
    assert set(form.cleaned_data["reviewers"]) == {user, head}


def test_people_picker_refuses_someone_outside_the_queryset(user):
    gone = UserFactory(username="gone", is_active=False)
    form = AssignForm(data={"assignee": gone.pk})
    assert not form.is_valid()
    assert "assignee" in form.errors


def test_people_picker_renders_a_plain_select_inside_the_search_wrapper(user, head):
    html = str(AssignForm(initial={"assignee": user.pk, "reviewers": [head.pk]})["assignee"])
    assert "data-people-picker" in html
    assert f'data-search-url="{reverse("accounts:people_search")}"' in html
    assert 'data-multiple="false"' in html
    assert '<select name="assignee"' in html
    assert f'<option value="{user.pk}" selected>张文涛</option>' in html
    multiple = str(AssignForm(initial={"reviewers": [head.pk]})["reviewers"])
    assert 'data-multiple="true"' in multiple
    assert "multiple" in multiple
    assert f'<option value="{head.pk}" selected>李处长</option>' in multiple


def test_people_picker_renders_only_the_chosen_people_whatever_the_headcount(user, head, django_assert_num_queries):
    UserFactory.create_batch(30)
    with django_assert_num_queries(0):  # nothing chosen: no query, one empty option
        empty = str(AssignForm()["assignee"])
    assert empty.count("<option") == 1
    with django_assert_num_queries(1):  # the chosen people's names
        chosen = str(AssignForm(initial={"reviewers": [user.pk, head.pk]})["reviewers"])
    assert chosen.count("<option") == 2
    # Someone never rendered as an option is still a valid choice: the queryset decides.
    other = UserFactory(username="picked-by-search")
    assert AssignForm(data={"assignee": other.pk}).is_valid()


def test_people_picker_with_crispy_marks_errors_and_names_its_script(user):
    form = AssignForm(data={})
    assert not form.is_valid()
    html = render_crispy_form(form)
    assert 'class="people-picker is-invalid"' in html
    assert "form-select" in html
    assert "js/people-picker.js" in str(form.media)
