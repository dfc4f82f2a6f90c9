"""The audit log: written by services in their transaction, append-only, with the caller's address."""

import pytest
from django.db import transaction

from accounts.services import department_create
from core.audit import audit_record
from core.middleware import RequestContextMiddleware, client_address
from core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_service_writes_one_event_with_actor_and_target(admin_user):
    dept = department_create(actor=admin_user, name="法规处", code="legal", doc_prefix="法发")
    event = AuditEvent.objects.for_target(dept).get()
    assert event.verb == "department.create"
    assert event.actor_id == admin_user.pk
    assert event.data == {"name": "法规处", "code": "legal"}


def test_event_rolls_back_with_the_change(admin_user):
    def create_then_fail():
        with transaction.atomic():
            department_create(actor=admin_user, name="临时处", code="tmp")
            raise RuntimeError("the caller fails after the service")

    with pytest.raises(RuntimeError):
        create_then_fail()
    assert not AuditEvent.objects.filter(verb="department.create").exists()


def test_events_cannot_be_changed_or_deleted(admin_user):
    event = audit_record(actor=admin_user, verb="test.verb")
    event.verb = "forged"
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    with pytest.raises(ValueError, match="append-only"):
        event.delete()
    assert AuditEvent.objects.get(pk=event.pk).verb == "test.verb"


def test_address_comes_from_the_request(rf, admin_user):
    request = rf.get("/", REMOTE_ADDR="10.1.2.3")

    def view(req):
        audit_record(actor=admin_user, verb="test.request")
        from django.http import HttpResponse

        return HttpResponse()

    RequestContextMiddleware(view)(request)
    assert AuditEvent.objects.get(verb="test.request").address == "10.1.2.3"
    # Outside a request (Celery, commands) there is no address.
    assert audit_record(actor=None, verb="test.system").address is None


def test_forwarded_address_is_used_only_behind_configured_proxies(rf, settings):
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.7, 10.0.0.1")
    settings.PROXY_COUNT = 0
    assert client_address(request) == "10.0.0.1"
    settings.PROXY_COUNT = 1
    assert client_address(request) == "10.0.0.1"
    settings.PROXY_COUNT = 2
    assert client_address(request) == "192.0.2.7"
    assert client_address(rf.get("/", REMOTE_ADDR="not-an-address")) is None
