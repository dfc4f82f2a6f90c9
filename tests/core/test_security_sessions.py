"""Session lifetime: 12 hours from sign-in for everyone however active, 30 idle minutes for administrators.

Time travels with time-machine; nothing sleeps. A page then sends the person to the login page and
the API answers 401, as for anyone not signed in.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from tests.factories import AdminFactory, UserFactory

pytestmark = pytest.mark.django_db

SIGN_IN = datetime(2026, 3, 2, 8, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
PASSWORD = "pass-Word-123"
DESK = "workload:desk"


def signed_in_at(person, when=SIGN_IN) -> Client:
    """A browser that signs in through the login page at ``when``."""
    client = Client()
    with time_machine.travel(when, tick=False):
        response = client.post(reverse("login"), {"username": person.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def still_signed_in(client, when) -> bool:
    with time_machine.travel(when, tick=False):
        response = client.get(reverse(DESK))
        if response.status_code == 200:
            assert client.session.get(SESSION_KEY) is not None
            return True
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
        assert SESSION_KEY not in client.session
        return False


@pytest.fixture
def staff(department):
    return UserFactory(username="staff", name="张文涛", department=department)


@pytest.fixture
def administrator(office):
    # The project's administrator role ("admin" in accounts.User.roles) is Django's superuser and staff.
    return AdminFactory(username="admin", name="管理员", department=office)


def test_an_active_session_ends_12_hours_after_sign_in(staff):
    client = signed_in_at(staff)
    # Busy all day: a request every 20 minutes keeps the session active...
    for minutes in range(20, 12 * 60, 20):
        assert still_signed_in(client, SIGN_IN + timedelta(minutes=minutes)), minutes
    # ...but not beyond 12 hours after sign-in.
    assert not still_signed_in(client, SIGN_IN + timedelta(hours=12))


def test_the_twelve_hours_count_from_the_last_sign_in(staff):
    client = signed_in_at(staff)
    assert not still_signed_in(client, SIGN_IN + timedelta(hours=12, minutes=1))
    again = signed_in_at(staff, SIGN_IN + timedelta(hours=12, minutes=2))
    assert still_signed_in(again, SIGN_IN + timedelta(hours=20))


def test_an_administrator_idle_for_30_minutes_is_signed_out(administrator):
    client = signed_in_at(administrator)
    assert still_signed_in(client, SIGN_IN + timedelta(minutes=29))
    assert not still_signed_in(client, SIGN_IN + timedelta(minutes=29 + 30))


def test_an_active_administrator_stays_signed_in(administrator):
    client = signed_in_at(administrator)
    for minutes in range(25, 6 * 60, 25):
        assert still_signed_in(client, SIGN_IN + timedelta(minutes=minutes)), minutes


def test_a_staff_member_of_the_admin_site_has_the_idle_limit_too(department):
    clerk = UserFactory(username="clerk", name="周文书", department=department, is_staff=True)
    client = signed_in_at(clerk)
    assert not still_signed_in(client, SIGN_IN + timedelta(minutes=31))


def test_other_people_are_not_signed_out_when_idle(staff):
    client = signed_in_at(staff)
    assert still_signed_in(client, SIGN_IN + timedelta(hours=3))
    assert still_signed_in(client, SIGN_IN + timedelta(hours=9))


def test_the_api_answers_401_once_the_session_has_ended(administrator):
    client = signed_in_at(administrator)
    with time_machine.travel(SIGN_IN + timedelta(minutes=10), tick=False):
        assert client.get("/api/v1/me/").status_code == 200
    with time_machine.travel(SIGN_IN + timedelta(minutes=41), tick=False):
        assert client.get("/api/v1/me/").status_code == 401


def test_an_api_token_login_opens_no_session(staff):
    client = Client()
    response = client.post("/api/v1/auth/token/", {"username": "staff", "password": PASSWORD})
    assert response.status_code == 200
    assert SESSION_KEY not in client.session


def test_the_limits_are_the_issues(settings):
    assert settings.SESSION_ABSOLUTE_SECONDS == 12 * 60 * 60
    assert settings.SESSION_ADMIN_IDLE_SECONDS == 30 * 60
    assert "core.middleware.SessionExpiryMiddleware" in settings.MIDDLEWARE
    assert settings.MIDDLEWARE.index("core.middleware.SessionExpiryMiddleware") > settings.MIDDLEWARE.index(
        "django.contrib.auth.middleware.AuthenticationMiddleware"
    )
