"""/affairs/ leads to the matter list."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_affairs_root_redirects_to_the_matter_list(client_of, user):
    response = client_of(user).get("/affairs/")
    assert response.status_code == 302
    assert response["Location"] == reverse("affairs:matter_list")
    assert client_of(user).get("/affairs/", follow=True).status_code == 200


def test_the_affairs_root_asks_an_anonymous_visitor_to_sign_in(client):
    response = client.get("/affairs/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
