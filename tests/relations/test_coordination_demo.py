"""The demo seeds a declined coordination matter waiting for the office, idempotently."""

import pytest
from django.core.management import call_command

from relations.models import CoordinationMatter, CoordinationStatus

pytestmark = pytest.mark.django_db


def test_seed_demo_leaves_one_declined_matter_with_the_office():
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)
    statuses = sorted(CoordinationMatter.objects.values_list("status", flat=True))
    assert statuses == sorted([CoordinationStatus.ESCALATED, CoordinationStatus.SETTLED])
