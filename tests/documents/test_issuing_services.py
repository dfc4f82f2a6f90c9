"""Issuing (services): numbers per prefix and year, the refusals, distribution and 签收 with their
work items and notifications, revocation, and the audit trail."""

from datetime import datetime

import pytest
import time_machine
from django.utils import translation

from core.errors import Conflict, PermissionDenied, ValidationError
from core.models import AuditEvent
from documents.models import Distribution, DistributionStatus, DocumentAccess, DocumentStatus, NumberCounter
from documents.selectors import distributions_visible, documents_visible
from documents.services.issuing import distribution_receive, document_issue, document_revoke
from notifications.models import Notification
from tests.documents import issuing_support
from tests.documents.comments_support import SH
from tests.documents.issuing_support import approved, issue, items_on
from tests.factories import DepartmentFactory, UserFactory
from workload.models import WorkItemKind, WorkItemStatus

pytestmark = pytest.mark.django_db

bureau, monday, document = issuing_support.bureau, issuing_support.monday, issuing_support.document
_issuing_settings, signing_pair = issuing_support._issuing_settings, issuing_support.signing_pair


def test_issue_numbers_signs_and_distributes(document, bureau):
    issued = issue(document, bureau, cc=[bureau.general])
    assert issued.status == DocumentStatus.ISSUED
    assert issued.number == "综发〔2026〕1号"
    assert (issued.number_prefix, issued.number_year, issued.number_seq) == ("综发", 2026, 1)
    assert issued.issued_by == bureau.office_member and issued.issuing_department == bureau.general
    assert issued.verification_code and len(issued.pdf_sha256) == 64
    assert issued.issued_pdf.name.endswith(".pdf")
    rows = {d.department_id: d for d in Distribution.objects.filter(document=issued)}
    assert rows[bureau.legal.pk].kind == "main" and rows[bureau.legal.pk].recipient == bureau.legal_head
    assert rows[bureau.general.pk].kind == "cc" and rows[bureau.general.pk].recipient == bureau.head
    item = items_on(rows[bureau.legal.pk]).get()
    assert item.kind == WorkItemKind.DISTRIBUTION and item.assignee == bureau.legal_head
    assert item.status == WorkItemStatus.OPEN and "综发〔2026〕1号" in item.title
    assert Notification.objects.filter(recipient=bureau.legal_head).exists()
    assert DocumentAccess.objects.filter(document=issued, user=bureau.legal_head, reason="recipient").exists()
    assert AuditEvent.objects.filter(verb="document.issue", target_id=issued.pk).get().data["number"] == issued.number


def test_numbers_count_per_prefix_and_restart_each_year(bureau):
    numbers = [issue(approved(bureau.drafter, title=f"通知{i}"), bureau).number for i in range(3)]
    assert numbers == ["综发〔2026〕1号", "综发〔2026〕2号", "综发〔2026〕3号"]
    # A department without a prefix of its own numbers with the office's.
    plain = DepartmentFactory(name="信息中心", code="info", doc_prefix="")
    plain_drafter = UserFactory(username="plain", department=plain)
    assert issue(approved(plain_drafter, title="信息通知"), bureau).number == "办发〔2026〕1号"
    with time_machine.travel(datetime(2027, 1, 4, 9, tzinfo=SH), tick=False):
        assert issue(approved(bureau.drafter, title="新年通知"), bureau).number == "综发〔2027〕1号"
    assert dict(NumberCounter.objects.values_list("year", "last").filter(prefix="综发")) == {2026: 3, 2027: 1}


def test_a_refused_issue_takes_no_number(document, bureau):
    with pytest.raises(ValidationError):
        issue(document, bureau, main=[])
    assert issue(document, bureau).number == "综发〔2026〕1号"


def test_only_the_office_issues(document, bureau):
    with pytest.raises(PermissionDenied):
        document_issue(document=document, by=bureau.drafter, main_departments=[bureau.legal])
    document.refresh_from_db()
    assert document.status == DocumentStatus.APPROVED and not document.number


def test_only_an_approved_document_is_issued(bureau):
    from documents.services.drafting import document_create

    draft = document_create(drafter=bureau.drafter, title="草稿", doc_type="notice", body="正文")
    with pytest.raises(Conflict) as refused:
        issue(draft, bureau)
    assert refused.value.code == "invalid_state"
    issued = issue(approved(bureau.drafter, title="已批"), bureau)
    with pytest.raises(Conflict):
        issue(issued, bureau)
    assert NumberCounter.objects.get(prefix="综发").last == 1


def test_recipients_are_checked(document, bureau):
    headless = DepartmentFactory(name="无人处", code="headless")
    with pytest.raises(ValidationError) as refused:
        issue(document, bureau, main=[headless])
    assert "main_departments" in refused.value.fields
    with pytest.raises(ValidationError):
        issue(document, bureau, main=[bureau.legal], cc=[bureau.legal])
    secret = approved(bureau.drafter, title="秘密通知", classification="secret")
    uncleared_head = UserFactory(username="lowhead", department=DepartmentFactory(code="low"))
    uncleared_head.department.head = uncleared_head
    uncleared_head.department.save()
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        issue(secret, bureau, main=[uncleared_head.department])
    assert "not cleared" in refused.value.message


def test_receive_closes_the_item_once(document, bureau):
    issued = issue(document, bureau)
    distribution = Distribution.objects.get(document=issued)
    with pytest.raises(PermissionDenied):
        distribution_receive(distribution=distribution, by=bureau.reviewer)
    received = distribution_receive(distribution=distribution, by=bureau.legal_head)
    assert received.status == DistributionStatus.RECEIVED and received.received_by == bureau.legal_head
    assert items_on(distribution).get().status == WorkItemStatus.DONE
    with pytest.raises(Conflict) as twice:
        distribution_receive(distribution=distribution, by=bureau.legal_head)
    assert twice.value.code == "already_received"
    assert AuditEvent.objects.filter(verb="document.receive").count() == 1


def test_recipients_see_the_issued_document_and_only_their_own_distribution(bureau):
    issued = issue(approved(bureau.drafter), bureau, cc=[bureau.general])
    legal_row = Distribution.objects.get(document=issued, department=bureau.legal)
    general_row = Distribution.objects.get(document=issued, department=bureau.general)
    # A member of a recipient department now sees the internal document…
    assert documents_visible(user=bureau.reviewer).filter(pk=issued.pk).exists()
    # …and their own department's distribution, not another department's.
    assert set(distributions_visible(user=bureau.reviewer)) == {legal_row}
    assert set(distributions_visible(user=bureau.office_member)) == {legal_row, general_row}
    assert not distributions_visible(user=bureau.outsider).exists()
    assert not documents_visible(user=bureau.outsider).filter(pk=issued.pk).exists()


def test_revoke(document, bureau):
    issued = issue(document, bureau)
    with pytest.raises(PermissionDenied):
        document_revoke(document=issued, by=bureau.drafter, kind="revoked", reason="错误")
    with pytest.raises(ValidationError):
        document_revoke(document=issued, by=bureau.office_member, kind="deleted", reason="错误")
    with pytest.raises(ValidationError):
        document_revoke(document=issued, by=bureau.office_member, kind="revoked", reason="  ")
    revoked = document_revoke(document=issued, by=bureau.office_member, kind="repealed", reason="已被新文件代替")
    assert revoked.revocation == "repealed" and revoked.revoked_at is not None
    assert items_on(Distribution.objects.get(document=issued)).get().status == WorkItemStatus.CANCELLED
    with pytest.raises(Conflict):
        document_revoke(document=issued, by=bureau.office_member, kind="revoked", reason="再次")
    draft = approved(bureau.drafter, title="未发")
    with pytest.raises(Conflict):
        document_revoke(document=draft, by=bureau.office_member, kind="revoked", reason="未发")
    assert AuditEvent.objects.filter(verb="document.revoke").count() == 1


def test_without_a_certificate_the_document_is_issued_unsigned(document, bureau, settings, tmp_path, caplog):
    settings.SIGNING_CERT = tmp_path / "missing.pem"
    issued = issue(document, bureau)
    assert issued.status == DocumentStatus.ISSUED and issued.pdf_sha256
    assert "unsigned" in caplog.text
