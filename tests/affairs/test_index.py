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


@pytest.mark.parametrize("matters", [0, 5])
def test_the_affairs_root_costs_the_same_queries_whatever_the_data(
    client_of, user, leader, matters, django_assert_num_queries
):
    from datetime import date

    from affairs.services import matter_create

    for n in range(matters):
        matter_create(actor=leader, title=f"事项{n}", priority="routine", lead=user, due_on=date(2026, 3, 6))
    client = client_of(user)
    # The session and the signed-in person; the redirect itself reads nothing.
    with django_assert_num_queries(2):
        assert client.get("/affairs/").status_code == 302
