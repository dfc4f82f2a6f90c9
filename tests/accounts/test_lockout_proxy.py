"""Lock-out behind one reverse proxy (PROXY_COUNT=1), and the per-address cap against spraying."""

import pytest
from axes.helpers import get_client_ip_address
from axes.models import AccessAttempt
from django.urls import reverse

from core.middleware import client_address
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PROXY = "10.9.9.9"  # every request reaches the application from the proxy
ALICE_HOME = "198.51.100.10"
BOB_HOME = "198.51.100.20"
ATTACKER = "203.0.113.66"
RIGHT = "pass-Word-123"


@pytest.fixture(autouse=True)
def _one_proxy(settings):
    settings.PROXY_COUNT = 1
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_ADDRESS_USERNAME_LIMIT = 10


def _login(client, username, password, forwarded_for):
    """A sign-in through the proxy: it appends the address it saw to X-Forwarded-For."""
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


def test_two_people_behind_the_same_proxy_do_not_lock_each_other_out(client, user):
    UserFactory(username="bob", department=user.department)
    for _ in range(5):
        _login(client, "staff", "typo", ALICE_HOME)
    # Alice (staff) is locked from her address ...
    assert _login(client, "staff", RIGHT, ALICE_HOME).status_code == 429
    # ... Bob, at another address behind the same proxy, is not,
    assert _login(client, "bob", RIGHT, BOB_HOME).status_code == 302
    client.post(reverse("accounts:logout"), REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=BOB_HOME)
    # and neither is Alice from another address (the lock is per username and address).
    assert _login(client, "staff", RIGHT, BOB_HOME).status_code == 302
    # The recorded address is the client's, not the proxy's.
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ALICE_HOME}


def test_the_audit_log_and_the_lock_out_read_the_same_address(rf, client, user):
    request = rf.post("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"192.0.2.1, {ALICE_HOME}")
    assert client_address(request) == get_client_ip_address(request) == ALICE_HOME
    _login(client, "staff", "typo", f"192.0.2.1, {ALICE_HOME}")
    assert AccessAttempt.objects.get().ip_address == ALICE_HOME


def test_one_address_spraying_many_usernames_is_locked_out(client, user):
    for n in range(9):
        assert _login(client, f"guess{n}", "Spring2026!", ATTACKER).status_code == 200
    # The tenth username reaches the cap: that failure already answers with the lock-out page.
    response = _login(client, "guess9", "Spring2026!", ATTACKER)
    assert response.status_code == 429
    # From that address even the right password of a real account is refused ...
    assert _login(client, "staff", RIGHT, ATTACKER).status_code == 429
    assert client.session.get("_auth_user_id") is None
    # ... while the person signs in from their own address.
    assert _login(client, "staff", RIGHT, ALICE_HOME).status_code == 302


def test_a_forged_forwarded_entry_does_not_change_the_counted_address(client, user):
    """The client writes its own X-Forwarded-For; the proxy appends the real address after it."""
    for n in range(10):
        _login(client, f"guess{n}", "Spring2026!", f"192.0.2.{n}, {ATTACKER}")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}
    assert _login(client, "staff", RIGHT, f"198.51.100.77, {ATTACKER}").status_code == 429
    # Forging the victim's address does not lock the victim out either.
    for _ in range(5):
        _login(client, "staff", "typo", f"{ALICE_HOME}, {ATTACKER}")
    assert _login(client, "staff", RIGHT, ALICE_HOME).status_code == 302


def test_one_person_retrying_a_locked_account_does_not_lock_the_address(client, user):
    """The cap counts usernames, not failures: an office sharing one address is not shut out."""
    UserFactory(username="colleague", department=user.department)
    for _ in range(30):
        _login(client, "staff", "typo", ALICE_HOME)
    assert _login(client, "colleague", RIGHT, ALICE_HOME).status_code == 302


def test_the_address_lock_ends_with_the_cool_off(client, user, time_machine):
    time_machine.move_to("2026-03-02 09:00 +0800", tick=False)
    for n in range(10):
        _login(client, f"guess{n}", "x", ATTACKER)
    assert _login(client, "staff", RIGHT, ATTACKER).status_code == 429
    time_machine.move_to("2026-03-02 09:16 +0800", tick=False)
    assert _login(client, "staff", RIGHT, ATTACKER).status_code == 302


def test_the_cap_can_be_turned_off(client, user, settings):
    settings.AXES_ADDRESS_USERNAME_LIMIT = 0
    for n in range(12):
        _login(client, f"guess{n}", "x", ATTACKER)
    assert _login(client, "staff", RIGHT, ATTACKER).status_code == 302


def test_without_a_proxy_the_forwarded_header_is_ignored(client, user, settings):
    settings.PROXY_COUNT = 0
    for n in range(10):
        client.post(
            reverse("login"),
            {"username": f"guess{n}", "password": "x"},
            REMOTE_ADDR=ATTACKER,
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}",
        )
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}
