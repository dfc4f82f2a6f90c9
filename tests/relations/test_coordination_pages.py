"""The coordination pages: list, detail with the answer and ruling forms; refusals; 404 for outsiders."""

import pytest

from relations.models import CoordinationStatus
from tests.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_list_and_detail_show_to_the_parties(client_of, raise_matter, lead_dept):
    coordination = raise_matter()
    client = client_of(lead_dept.head)
    listed = client.get("/relations/coordination/")
    assert listed.status_code == 200
    assert coordination.title in listed.content.decode()
    page = client.get(f"/relations/coordination/{coordination.pk}/")
    assert page.status_code == 200
    assert 'id="respond-form"' in page.content.decode()
    assert 'id="arbitrate-form"' not in page.content.decode()


def test_an_outsider_gets_404(client_of, raise_matter):
    coordination = raise_matter()
    outsider = UserFactory(username="outsider", department=DepartmentFactory())
    client = client_of(outsider)
    assert client.get(f"/relations/coordination/{coordination.pk}/").status_code == 404
    assert client.post(f"/relations/coordination/{coordination.pk}/respond/", {}).status_code == 404


def test_a_declined_matter_ruled_by_the_office_through_the_pages(
    client_of, raise_matter, lead_dept, coop_dept, office_head
):
    coordination = raise_matter()
    url = f"/relations/coordination/{coordination.pk}/"
    head = client_of(coop_dept.head)
    missing = head.post(url + "respond/", {"respond-department": coop_dept.pk, "respond-accept": "0"})
    assert missing.status_code == 400
    declined = head.post(
        url + "respond/", {"respond-department": coop_dept.pk, "respond-accept": "0", "respond-reason": "不归本处"}
    )
    assert declined.status_code == 302
    body = {
        "arbitrate-lead_department": coop_dept.pk,
        "arbitrate-cooperating_departments": [lead_dept.pk],
        "arbitrate-ruling": "由配合处牵头",
    }
    refused = client_of(lead_dept.head).post(url + "arbitrate/", body)
    assert refused.status_code == 403
    office = client_of(office_head)
    assert 'id="arbitrate-form"' in office.get(url).content.decode()
    overflow = office.post(url + "arbitrate/", {**body, "arbitrate-cooperating_departments": [2**80]})
    assert overflow.status_code == 400  # an id no key can hold: a field error, not a 500
    assert office.post(url + "arbitrate/", body).status_code == 302
    coordination.refresh_from_db()
    assert coordination.status == CoordinationStatus.SETTLED
    assert 'id="follow-up"' in office.get(url).content.decode()


def test_pages_cost_the_same_at_two_sizes(client_of, raise_matter, office_head):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for size in (2, 8):
        departments = []
        for _ in range(size):
            department = DepartmentFactory()
            department.head = UserFactory(department=department)
            department.save()
            departments.append(department)
        matters = [raise_matter(cooperating=departments, title=f"协调{n}") for n in range(size)]
        client = client_of(office_head)
        sizes = []
        for url in ("/relations/coordination/", f"/relations/coordination/{matters[-1].pk}/"):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            sizes.append(len(queries))
        counts.append(sizes)
    assert counts[0] == counts[1]
