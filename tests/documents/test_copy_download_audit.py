"""Downloading a numbered copy (份号), on the page or through the API, is audited: who took which
copy, in which format. A refused download (404, 400) records nothing."""

import pytest
from django.urls import reverse

from core.audit import AuditEvent
from documents.models import Distribution
from tests.api import as_, assert_error
from tests.documents import issuing_support
from tests.documents.issuing_support import approved, issue
from tests.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db

bureau, monday = issuing_support.bureau, issuing_support.monday
_issuing_settings, signing_pair = issuing_support._issuing_settings, issuing_support.signing_pair


@pytest.fixture
def finance(bureau):
    finance = DepartmentFactory(name="财务处", code="finance")
    finance.head = UserFactory(username="finance_head", name="钱财务", department=finance, clearance="secret")
    finance.save()
    return finance


@pytest.fixture
def copies(bureau, finance):
    """A 秘密 notice issued to 法规处 and 财务处: a numbered copy each."""
    document = approved(bureau.drafter, title="关于值班安排的通知", classification="secret", secrecy_period="1年")
    issue(document, bureau, main=[bureau.legal, finance])
    return list(Distribution.objects.filter(document=document).order_by("copy_number"))


def downloads():
    return AuditEvent.objects.filter(verb="document.copy_download")


def test_the_page_download_is_audited(client, copies, finance):
    finance_copy = next(row for row in copies if row.department_id == finance.pk)
    client.force_login(finance.head)
    response = client.get(reverse("documents:distribution_copy", args=[finance_copy.pk]))
    assert response.status_code == 200
    event = downloads().get()
    assert event.actor_id == finance.head.pk
    assert event.target_id == finance_copy.pk
    assert event.data == {"document": finance_copy.document_id, "copy": finance_copy.copy_label, "format": "pdf"}


def test_the_api_download_is_audited_with_its_format(copies, bureau):
    legal_copy = next(row for row in copies if row.department_id == bureau.legal.pk)
    response = as_(bureau.legal_head).get(f"/api/v1/distributions/{legal_copy.pk}/copy/?format=docx")
    assert response.status_code == 200
    event = downloads().get()
    assert (event.actor_id, event.target_id, event.data["format"]) == (bureau.legal_head.pk, legal_copy.pk, "docx")


def test_a_refused_download_records_nothing(client, copies, bureau, finance):
    finance_copy = next(row for row in copies if row.department_id == finance.pk)
    assert as_(bureau.outsider).get(f"/api/v1/distributions/{finance_copy.pk}/copy/").status_code == 404
    assert_error(as_(finance.head).get(f"/api/v1/distributions/{finance_copy.pk}/copy/?format=exe"), 400)
    client.force_login(bureau.outsider)
    assert client.get(reverse("documents:distribution_copy", args=[finance_copy.pk])).status_code == 404
    assert not downloads().exists()
