"""The navigation's search box in the browser: the office's secretary (周敏) types a word on their
desk, sees the notice they drafted with the word marked, and opens it."""

import os
import re

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_search_box_finds_and_opens_a_document(live_server, page):
    call_command("seed_demo", verbosity=0)
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", "zhoum")
    page.fill("input[name=password]", "xietong-demo")
    page.click("#login-submit")
    page.wait_for_url(f"{base}/")

    page.fill("#nav-search-q", "值班")
    page.press("#nav-search-q", "Enter")
    page.wait_for_url(re.compile(r"/search/\?q="))
    hit = page.locator("#search-results li", has_text="春节期间值班工作").first
    assert hit.locator("mark").first.inner_text() == "值班"
    if shot := os.environ.get("SEARCH_SCREENSHOT"):
        page.screenshot(path=shot, full_page=True)
    hit.locator("a").first.click()
    page.wait_for_url(re.compile(r"/documents/\d+/$"))
    assert "关于做好2027年元旦春节期间值班工作的通知" in page.content()
