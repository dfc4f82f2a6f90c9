"""The bulletin pages: the list (unread first for a leader, read counts for the office), the office's
form (403 and no button for others; field errors at 400), a bulletin with receipts and replies, the
已阅 button and the reply form; 404 for outsiders; the same number of queries at two sizes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notifications.models import Notification
from relations.bulletin_models import Bulletin, BulletinRecipient
from tests.factories import DepartmentFactory, LeaderFactory, UserFactory

from .bulletin_helpers import circulate

pytestmark = pytest.mark.django_db


def test_a_leader_sees_unread_first_and_no_new_button(client_of, office_member, leader):
    read = circulate(office_member, [leader], title="已读的通报")
    unread = circulate(office_member, [leader], title="未读的通报")
    later = circulate(office_member, [leader], title="最新的通报")
    client = client_of(leader)
    assert client.post(f"/relations/bulletins/{later.pk}/read/").status_code == 302
    assert client.post(f"/relations/bulletins/{read.pk}/read/").status_code == 302
    page = client.get("/relations/bulletins/")
    assert page.status_code == 200
    html = page.content.decode()
    assert html.index("未读的通报") < html.index("最新的通报") < html.index("已读的通报")
    assert f'data-bulletin="{unread.pk}" data-unread="1"' in html
    assert 'id="bulletin-new"' not in html
    assert 'id="nav-bulletins"' in html
    assert client.get("/relations/bulletins/new/").status_code == 403
    assert client.post("/relations/bulletins/new/", {"title": "x"}).status_code == 403


def test_the_office_circulates_through_the_form(client_of, office_member, leader, deputy, user):
    client = client_of(office_member)
    listing = client.get("/relations/bulletins/").content.decode()
    assert 'id="bulletin-new"' in listing
    assert client.get("/relations/bulletins/new/").status_code == 200
    form = {
        "title": "关于分歧的说明",
        "kind": "disagreement",
        "classification": "internal",
        "recipients": [leader.pk, deputy.pk],
        "body": "<script>alert(1)</script>第一段\n\n第二段",
    }
    refused = client.post("/relations/bulletins/new/", {**form, "recipients": [leader.pk, user.pk]})
    assert refused.status_code == 400
    refused = client.post("/relations/bulletins/new/", {**form, "title": ""})
    assert refused.status_code == 400
    assert not Bulletin.objects.exists()
    created = client.post("/relations/bulletins/new/", form)
    assert created.status_code == 302
    bulletin = Bulletin.objects.get()
    assert created["Location"] == f"/relations/bulletins/{bulletin.pk}/"
    detail = client.get(created["Location"]).content.decode()
    assert "<script>alert(1)</script>" not in detail
    assert "&lt;script&gt;" in detail
    assert 'id="read-form"' not in detail  # the office does not mark read
    assert 'id="reply-form"' in detail
    assert detail.count('data-read="0"') == 2
    assert "0 / 2" in detail


@pytest.mark.parametrize("recipient", [2**80, "99999999999999999999", "-1", "abc"])
def test_a_recipient_id_no_key_can_hold_is_a_field_error(client_of, office_member, leader, recipient):
    form = {"title": "通报", "kind": "other", "classification": "internal", "body": "x"}
    response = client_of(office_member).post(
        "/relations/bulletins/new/", {**form, "recipients": [leader.pk, recipient]}
    )
    assert response.status_code == 400
    assert "recipients" in response.context["form"].errors
    assert not Bulletin.objects.exists()


def test_a_low_clearance_recipient_is_a_field_error(client_of, office_member, leader):
    office_member.clearance = "secret"
    office_member.save()
    form = {"title": "密件", "kind": "other", "classification": "secret", "recipients": [leader.pk], "body": "x"}
    response = client_of(office_member).post("/relations/bulletins/new/", form)
    assert response.status_code == 400
    assert leader.display_name in response.content.decode()


def test_read_and_reply_on_the_page(client_of, office_member, leader, deputy):
    bulletin = circulate(office_member, [leader, deputy])
    url = f"/relations/bulletins/{bulletin.pk}/"
    client = client_of(leader)
    page = client.get(url).content.decode()
    assert 'id="read-form"' in page and 'id="reply-form"' in page
    assert client.post(url + "read/").status_code == 302
    page = client.get(url).content.decode()
    assert 'id="read-form"' not in page
    assert f'data-leader="{leader.pk}" data-read="1"' in page
    assert f'data-leader="{deputy.pk}" data-read="0"' in page
    assert client.post(url + "reply/", {"text": ""}).status_code == 400
    assert client.post(url + "reply/", {"text": "同意此意见。"}).status_code == 302
    assert "同意此意见。" in client_of(deputy).get(url).content.decode()
    assert "同意此意见。" in client_of(office_member).get(url).content.decode()
    assert set(Notification.objects.filter(message="bulletin.reply").values_list("recipient_id", flat=True)) == {
        office_member.pk,
        deputy.pk,
    }


def test_outsiders_get_404(client_of, office, office_member, leader, bureau):
    bulletin = circulate(office_member, [leader])
    url = f"/relations/bulletins/{bulletin.pk}/"
    for outsider in (
        UserFactory(username="outsider", department=DepartmentFactory()),
        LeaderFactory(username="other-leader", department=bureau),
    ):
        client = client_of(outsider)
        assert client.get(url).status_code == 404
        assert client.post(url + "read/").status_code == 404
        assert client.post(url + "reply/", {"text": "x"}).status_code == 404
        assert bulletin.title not in client.get("/relations/bulletins/").content.decode()
    assert BulletinRecipient.objects.get(bulletin=bulletin).read_at is None
    assert client_of(leader).get(f"/relations/bulletins/{2**70}/").status_code == 404


def test_pages_cost_the_same_at_two_sizes(client_of, office_member, bureau):
    counts = []
    for size in (2, 7):
        leaders = [LeaderFactory(username=f"l{size}-{n}", department=bureau) for n in range(size)]
        bulletins = [circulate(office_member, leaders, title=f"通报{size}-{n}") for n in range(size)]
        last = bulletins[-1]
        for n, leader in enumerate(leaders):
            client_of(leader).post(f"/relations/bulletins/{last.pk}/reply/", {"text": f"意见{n}"})
            if n % 2:
                client_of(leader).post(f"/relations/bulletins/{last.pk}/read/")
        sizes = []
        for person in (office_member, leaders[0]):
            client = client_of(person)
            for url in ("/relations/bulletins/", f"/relations/bulletins/{last.pk}/", "/relations/bulletins/new/"):
                if url.endswith("new/") and person != office_member:
                    continue
                with CaptureQueriesContext(connection) as queries:
                    assert client.get(url).status_code == 200
                sizes.append(len(queries))
        counts.append(sizes)
    assert counts[0] == counts[1]


def test_the_page_links_the_coordination_matter_for_those_who_may_see_it(
    client_of, office_member, leader, raise_matter
):
    coordination = raise_matter(classification="internal")
    bulletin = circulate(office_member, [leader], kind="disagreement", coordination=coordination)
    url = f"/relations/bulletins/{bulletin.pk}/"
    page = client_of(leader).get(url).content.decode()  # leaders oversee coordination matters
    assert f'href="/relations/coordination/{coordination.pk}/" id="bulletin-coordination"' in page
    assert client_of(office_member).get(url).status_code == 200
