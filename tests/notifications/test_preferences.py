"""Notification preferences, on their page linked from the profile: e-mail at once, a daily digest, or none."""

import pytest
from django.urls import reverse

from core.models import AuditEvent
from notifications.models import EmailMode, NotificationPreference
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PROFILE = reverse("accounts:profile")
PAGE = reverse("notifications:preferences")
EN = {"accept-language": "en"}


def save(client, **data):
    return client.post(PAGE, data, headers=EN)


def test_the_profile_links_to_the_preferences(client_of, user):
    body = client_of(user).get(PROFILE, headers=EN).content.decode()
    assert f'href="{PAGE}"' in body


def test_the_page_shows_the_preferences_with_the_default(client_of, user):
    response = client_of(user).get(PAGE, headers=EN)
    body = response.content.decode()
    assert 'id="preference-form"' in body
    form = response.context["preference_form"]
    # Nothing chosen yet and an address on file: e-mail at once, as delivery does.
    assert form.initial == {"email_mode": EmailMode.IMMEDIATE, "digest_hour": 17, "language": "zh-hans"}
    assert "A daily digest" in body


def test_without_an_address_the_default_is_no_email_and_the_page_says_why(client_of, user):
    user.email = ""
    user.save()
    response = client_of(user).get(PAGE, headers=EN)
    assert response.context["preference_form"].initial["email_mode"] == EmailMode.NONE
    assert "You have no e-mail address yet" in response.content.decode()


def test_choose_a_daily_digest_at_an_hour(client_of, user):
    client = client_of(user)

    response = save(client, email_mode="digest", digest_hour="8")

    assert response.status_code == 302
    assert response["Location"] == PAGE
    preference = NotificationPreference.objects.get(user=user)
    assert (preference.email_mode, preference.digest_hour) == (EmailMode.DIGEST, 8)
    assert AuditEvent.objects.filter(verb="notifications.preference").exists()
    page = client.get(PAGE, headers=EN)
    assert "Your notification preferences are saved." in page.content.decode()
    assert page.context["preference_form"].initial == {"email_mode": "digest", "digest_hour": 8, "language": "zh-hans"}


def test_choose_no_email_and_change_it_again(client_of, user):
    client = client_of(user)
    save(client, email_mode="none", digest_hour="17")
    save(client, email_mode="immediate", digest_hour="17")
    assert NotificationPreference.objects.get(user=user).email_mode == EmailMode.IMMEDIATE


def test_saving_preferences_leaves_the_contact_details_alone(client_of, user):
    save(client_of(user), email_mode="none", digest_hour="17")
    user.refresh_from_db()
    assert user.email == "staff@example.org"
    assert not AuditEvent.objects.filter(verb="profile.update").exists()


def test_email_without_an_address_is_refused_on_the_field(client_of, user):
    user.email = ""
    user.save()

    response = save(client_of(user), email_mode="digest", digest_hour="8")

    assert response.status_code == 200
    form = response.context["preference_form"]
    assert "No e-mail address." in form.errors["email_mode"]
    assert "Add an e-mail address to your profile first." in form.non_field_errors()
    assert "is-invalid" in response.content.decode()
    assert not NotificationPreference.objects.exists()


@pytest.mark.parametrize(("mode", "hour"), [("sometimes", "8"), ("digest", "24"), ("digest", "x")])
def test_nonsense_is_refused(client_of, user, mode, hour):
    response = save(client_of(user), email_mode=mode, digest_hour=hour)
    assert response.status_code == 200
    assert response.context["preference_form"].errors
    assert not NotificationPreference.objects.exists()


@pytest.mark.parametrize("count", [5, 50])
def test_page_query_count_does_not_grow(client_of, user, department, count, django_assert_num_queries):
    for person in UserFactory.create_batch(count, department=department):
        NotificationPreference.objects.create(user=person, email_mode=EmailMode.DIGEST)
    NotificationPreference.objects.create(user=user, email_mode=EmailMode.NONE)
    client = client_of(user)
    # 1 session, 2 user, 3 the person's notification preference, 4 unread badge, 5 the person's roles
    # for the navigation's links (the dashboards'; then kept in the cache for minutes).
    with django_assert_num_queries(5):
        response = client.get(PAGE)
    assert response.context["preference_form"].initial["email_mode"] == EmailMode.NONE
