"""Helpers shared by the API tests: a client of one person, and the error format's checks."""

from rest_framework.test import APIClient

from accounts.models import User


def as_(person):
    """An API client of ``person``, as loaded fresh from the database (no per-request caches carried over)."""
    client = APIClient()
    client.force_authenticate(User.objects.get(pk=person.pk))
    return client


def assert_error(response, status, code=None):
    """The response is an error in the API's format (``detail``, ``code``), with that status."""
    assert response.status_code == status, response.content
    body = response.json()
    assert isinstance(body["detail"], str)
    assert body["detail"]
    assert isinstance(body["code"], str)
    if code:
        assert body["code"] == code
    return body
