"""The page to raise a coordination matter (anyone): the form, its refusals as 400 with the marked
fields, the matter's page once raised, and the same number of queries at two sizes."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from relations.models import CoordinationMatter, CoordinationStatus
from tests.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db
URL = "/relations/coordination/new/"


def _body(lead, cooperating, **extra):
    return {
        "title": "河道整治协调",
        "description": "需要多个处室配合",
        "lead_department": lead.pk,
        "cooperating_departments": [d.pk for d in cooperating],
        "respond_by": (timezone.localdate() + timedelta(days=3)).isoformat(),
        "classification": "internal",
        **extra,
    }


def test_anyone_raises_a_matter_on_the_page(client_of, raiser, lead_dept, coop_dept):
    client = client_of(raiser)
    assert client.get(URL).status_code == 200
    assert 'id="raise-link"' in client.get("/relations/coordination/").content.decode()
    response = client.post(URL, _body(lead_dept, [coop_dept]))
    coordination = CoordinationMatter.objects.get()
    assert response.status_code == 302
    assert response["Location"] == coordination.get_absolute_url()
    assert (coordination.raised_by, coordination.status) == (raiser, CoordinationStatus.OPEN)
    assert set(coordination.parties.values_list("department", "role")) == {
        (lead_dept.pk, "lead"),
        (coop_dept.pk, "cooperating"),
    }


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "一\n二"}, "title"),
        ({"respond_by": "2001-01-01"}, "respond_by"),
        ({"respond_by": "不是日期"}, "respond_by"),
        ({"classification": "secret"}, "classification"),  # above the raiser's clearance
        ({"classification": "forged"}, "classification"),
        ({"lead_department": 2**80}, "lead_department"),
        # An id no key can hold among the cooperating departments: a field error, not an overflow.
        ({"cooperating_departments": [2**80]}, "cooperating_departments"),
        ({"cooperating_departments": ["-1", "abc"]}, "cooperating_departments"),
    ],
)
def test_bad_input_is_400_with_the_field_marked(client_of, raiser, lead_dept, coop_dept, change, field):
    response = client_of(raiser).post(URL, _body(lead_dept, [coop_dept], **change))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not CoordinationMatter.objects.exists()


def test_the_lead_also_cooperating_is_refused(client_of, raiser, lead_dept):
    response = client_of(raiser).post(URL, _body(lead_dept, [lead_dept]))
    assert response.status_code == 400
    assert "cooperating_departments" in response.context["form"].errors


def test_the_form_costs_the_same_at_two_sizes(client_of, raiser):
    counts = []
    for size in (2, 8):
        for _ in range(size):
            department = DepartmentFactory()
            department.head = UserFactory(department=department)
            department.save()
        client = client_of(raiser)
        client.get(URL)  # the navigation remembers the person's roles a few minutes (a cold cache asks once)
        with CaptureQueriesContext(connection) as queries:
            # session, user, the departments of the two choices (lead, cooperating), the navigation
            assert client.get(URL).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
