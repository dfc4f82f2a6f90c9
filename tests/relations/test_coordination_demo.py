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


def test_the_demo_of_each_relations_feature_is_where_the_printed_notes_say(client):
    """A fresh ``seed_demo``: the notes name the pages, and the demo people find the demo data there."""
    from io import StringIO

    from accounts.models import User
    from relations import demo, demo_bulletins, demo_feedback
    from relations.models import ScheduleEntry

    out = StringIO()
    call_command("seed_demo", stdout=out)
    printed = out.getvalue()
    for path in ("/relations/coordination/", "/relations/bulletins/", "/relations/feedback/", "/leader-schedule/"):
        assert path in printed
    people = {u.username: u for u in User.objects.filter(username__in=["liuf", "wangjp", "limh"])}
    client.force_login(people["liuf"])
    assert demo.DECLINED in client.get("/relations/coordination/").content.decode()
    register = client.get("/relations/feedback/").content.decode()
    for subject in (demo_feedback.REGISTERED, demo_feedback.ROUTED, demo_feedback.ANSWERED, demo_feedback.CLOSED):
        assert subject in register
    week = client.get("/leader-schedule/").status_code
    assert week == 200 and ScheduleEntry.objects.count() == 3
    client.force_login(people["wangjp"])
    desk = client.get("/").content.decode()
    assert demo_bulletins.DISAGREEMENT in desk  # unread: on the desk
    client.force_login(people["limh"])
    assert demo_feedback.ROUTED in client.get("/").content.decode()
