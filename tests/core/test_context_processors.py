"""The navigation every page shows: its links, files and languages, worked out once and kept."""

import re

import pytest
from django.templatetags.static import static
from django.urls import reverse

from core import context_processors

pytestmark = pytest.mark.django_db

EN = {"accept-language": "en"}


def nav_link(html, element_id):
    return re.search(rf'<a class="(nav-link[^"]*)"[^>]*href="([^"]+)" id="{element_id}"', html)


def test_navigation_links_are_the_reversed_urls(client_of, user):
    html = client_of(user).get(reverse("accounts:profile"), headers=EN).content.decode()
    for key, url_name in context_processors.NAVIGATION.items():
        # administrators' links; the login page's; the office's (the issuing queue); the dashboards' (heads and above)
        if key not in ("admin", "holidays", "login", "issuing_queue", "dashboard"):
            assert f'"{reverse(url_name)}"' in html, key
    for path in context_processors.ASSETS.values():
        assert f'"{static(path)}"' in html, path


def test_navigation_marks_the_current_section_on_each_page(client_of, user):
    client = client_of(user)
    desk = client.get(reverse("workload:desk"), headers=EN).content.decode()
    people = client.get(reverse("accounts:people"), headers=EN).content.decode()
    profile = client.get(reverse("accounts:profile"), headers=EN).content.decode()
    assert "active" in nav_link(desk, "nav-desk")[1]
    assert "active" not in nav_link(desk, "nav-people")[1]
    assert "active" in nav_link(people, "nav-people")[1]
    assert "active" not in nav_link(people, "nav-desk")[1]
    # The profile is in the accounts section too, but it is not the directory.
    assert "active" not in nav_link(profile, "nav-people")[1]


def test_administration_link_only_for_staff(client_of, user, admin_user):
    assert 'id="nav-admin"' not in client_of(user).get(reverse("workload:desk")).content.decode()
    html = client_of(admin_user).get(reverse("workload:desk")).content.decode()
    assert nav_link(html, "nav-admin")[2] == reverse("admin:index")


def test_navigation_and_language_switch_follow_the_language(client_of, user):
    client = client_of(user)
    for _round in range(2):  # each language's navigation is kept apart from the other's
        english = client.get(reverse("workload:desk"), headers=EN).content.decode()
        chinese = client.get(reverse("workload:desk"), headers={"accept-language": "zh-hans"}).content.decode()
        assert ">My Desk</a>" in english
        assert ">我的工作台</a>" in chinese
        assert 'id="lang-zh-hans"' in english and 'id="lang-en"' not in english
        assert 'id="lang-en"' in chinese and 'id="lang-zh-hans"' not in chinese
