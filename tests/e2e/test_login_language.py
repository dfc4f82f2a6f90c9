"""A person's first minute: sign in with a demo login, see 我的工作台, switch to English."""

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_demo_user_signs_in_sees_the_chinese_desk_and_switches_to_english(live_server, page):
    call_command("seed_demo", verbosity=0)

    page.goto(f"{live_server.url}/")
    # Not signed in: the desk sends the visitor to the sign-in page.
    assert "/accounts/login/" in page.url
    page.fill("input[name=username]", "zhangwt")
    page.fill("input[name=password]", "xietong-demo")
    page.click("#login-submit")
    page.wait_for_url(f"{live_server.url}/")

    heading = page.locator("main h1").first
    assert heading.inner_text().strip() == "我的工作台"
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert "张文涛" in page.locator("#user-menu").inner_text()

    with page.expect_navigation():
        page.click("#lang-en")

    assert page.url == f"{live_server.url}/"
    assert page.locator("main h1").first.inner_text().strip() == "My Desk"
    assert page.locator("html").get_attribute("lang") == "en"
