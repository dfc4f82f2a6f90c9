"""The demo issued document (``documents.demo_outgoing``): a 通知 numbered, with its signed PDF,
distributed to two departments of which one has signed for it; seeding twice adds nothing."""

import pytest
from django.core.management import call_command

from accounts.models import Department, User
from documents import demo_outgoing
from documents.layout import sha256_hex, validate_pdf_signature
from documents.models import DistributionStatus, Document, DocumentStatus
from documents.services import rendering
from tests.documents import issuing_support

pytestmark = pytest.mark.django_db

_issuing_settings, signing_pair = issuing_support._issuing_settings, issuing_support.signing_pair


def test_demo_issued_notice():
    call_command("seed_demo", verbosity=0)
    document = Document.objects.get(title=demo_outgoing.ISSUED)
    assert document.status == DocumentStatus.ISSUED
    assert document.number.startswith("综发〔") and document.number.endswith("〕1号")
    assert document.signer.username == "wangjp" and document.issued_by.username == "liuf"
    pdf = rendering.render(document, "pdf")
    assert sha256_hex(pdf) == document.pdf_sha256
    assert validate_pdf_signature(pdf).intact
    statuses = {d.department.code: d.status for d in document.distributions.select_related("department")}
    assert statuses == {"finance": DistributionStatus.RECEIVED, "legal": DistributionStatus.PENDING}

    people = {u.username: u for u in User.objects.all()}
    departments = {d.code: d for d in Department.objects.all()}
    assert demo_outgoing.seed(people, departments) == 0
