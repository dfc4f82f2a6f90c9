"""Admin pages of affairs: read-only, and only what the administrator may see (404 for the rest)."""

from datetime import date

import pytest
from django.urls import reverse

from affairs.services import matter_create
from tests.factories import AdminFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def plain_admin(db):
    """An administrator outside the office, cleared for 内部: people and settings, not content."""
    return AdminFactory(username="sysadmin", department=None)


def test_an_administrator_without_need_to_know_sees_no_matters(client_of, plain_admin, matter):
    client = client_of(plain_admin)
    assert list(client.get(reverse("admin:affairs_matter_changelist")).context["cl"].result_list) == []
    assert client.get(reverse("admin:affairs_matter_change", args=[matter.pk])).status_code == 404
    assert client.get(reverse("admin:affairs_matter_history", args=[matter.pk])).status_code == 404


def test_an_office_administrator_sees_matters_within_clearance(client_of, admin_user, matter, leader, user):
    leader.clearance = user.clearance = "secret"
    leader.save()
    user.save()
    secret = matter_create(actor=leader, title="涉密", lead=user, due_on=date(2026, 3, 13), classification="secret")
    client = client_of(admin_user)  # in the office, cleared for 内部
    listed = list(client.get(reverse("admin:affairs_matter_changelist")).context["cl"].result_list)
    assert matter in listed and secret not in listed
    assert client.get(reverse("admin:affairs_matter_change", args=[matter.pk])).status_code == 200
    assert client.get(reverse("admin:affairs_matter_change", args=[secret.pk])).status_code == 404


def test_receptions_and_plans_follow_their_rules(client_of, plain_admin, reception):
    # Receptions are visible to administrators by their rule (affairs.selectors.receptions_visible).
    client = client_of(plain_admin)
    assert client.get(reverse("admin:affairs_reception_change", args=[reception.pk])).status_code == 200
    assert client.get(reverse("admin:affairs_reception_change", args=[999999])).status_code == 404


@pytest.mark.parametrize("rows", [5, 40])
def test_matter_changelist_query_count_does_not_grow(client_of, admin_user, leader, rows, django_assert_num_queries):
    people = UserFactory.create_batch(3)
    for n in range(rows):
        matter_create(actor=leader, title=f"事项{n}", lead=people[n % 3], due_on=date(2026, 3, 13))
    client = client_of(admin_user)
    client.get(reverse("admin:affairs_matter_changelist"))
    # 1 session, 2 user, 3 office membership (the matter rule), 4 departments for the filter,
    # 5-6 counts (filtered and total), 7 the page with lead, department and assigner, 8-9 the date
    # hierarchy. The rule is part of each query.
    with django_assert_num_queries(9):
        assert client.get(reverse("admin:affairs_matter_changelist")).status_code == 200
