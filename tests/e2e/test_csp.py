"""The strict Content Security Policy in a real browser: the pages, their htmx swaps, Bootstrap's
menus, the people picker and the API reference (Swagger UI) work without a single policy violation."""

import re

import pytest
from django.core.management import call_command

from accounts.models import User
from affairs.models import Matter
from tests.factories import WorkItemFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Every violation is reported to the page (the securitypolicyviolation event) and to the console.
WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(e.violatedDirective + " " + e.blockedURI + " " + (e.sample || ""));
});
"""


def sign_in(browser, base_url, username, errors):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    context.add_init_script(WATCH)
    page = context.new_page()
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "xietong-demo")
    page.click("#login-submit")
    page.wait_for_url(f"{base_url}/")
    return context, page


def violations(page):
    return page.evaluate("window.__violations")


def test_pages_run_under_the_strict_policy_without_violations(live_server, browser):
    call_command("seed_demo", verbosity=0)
    base = live_server.url
    errors: list[str] = []
    context, page = sign_in(browser, base, "wangjp", errors)

    matter = Matter.objects.order_by("-id").first()
    for path in [
        "/",
        "/?tab=done",
        "/?tab=assigned",
        "/notifications/",
        "/affairs/matters/",
        f"/affairs/matters/{matter.pk}/",
        "/affairs/matters/new/",
        "/affairs/receptions/",
        "/affairs/plans/",
        "/accounts/people/",
        "/accounts/profile/",
    ]:
        page.goto(f"{base}{path}")
        page.wait_for_load_state("networkidle")
        assert violations(page) == [], path

    # htmx: the desk's kind filter swaps the list in place (no inline script, no eval).
    page.goto(f"{base}/")
    page.select_option("#kind-filter", "matter")
    page.wait_for_url(re.compile(r"kind=matter"))
    page.wait_for_load_state("networkidle")
    # Bootstrap: the user menu opens.
    page.click("#user-menu")
    assert page.locator(".dropdown-menu.show").count() == 1
    # The people picker searches as one types.
    page.goto(f"{base}/affairs/matters/new/")
    page.fill("#id_lead-search", "zwt")
    page.locator("#matter-form [role=option]", has_text="张文涛").first.wait_for()
    assert violations(page) == []

    # The API reference: Swagger UI renders the schema.
    page.goto(f"{base}/api/docs/")
    page.locator(".swagger-ui .info").first.wait_for()
    assert violations(page) == [], violations(page)

    assert not [e for e in errors if "Content Security Policy" in e or "Refused to" in e], errors
    context.close()


def test_an_urge_refused_by_the_server_says_why_in_the_row(live_server, browser):
    """static/js/desk.js lets htmx swap a 429 into the row (it was an hx-on handler)."""
    call_command("seed_demo", verbosity=0)
    base = live_server.url
    # The newest item the leader assigned: the first row of 我交办的.
    item = WorkItemFactory(
        assignee=User.objects.get(username="zhangwt"), assigned_by=User.objects.get(username="wangjp")
    )
    errors: list[str] = []
    context, page = sign_in(browser, base, "wangjp", errors)
    page.goto(f"{base}/?tab=assigned")
    # Two tabs' worth of the same form: the second urge within the hour is refused (429).
    page.evaluate(
        """(pk) => {
            const form = document.getElementById("urge-" + pk);
            document.getElementById("desk-items").insertAdjacentHTML("beforeend",
              '<li id="twin">' + form.outerHTML.replace('id="urge-' + pk + '"', 'id="urge-twin"') + "</li>");
            htmx.process(document.getElementById("twin"));
        }""",
        item.pk,
    )
    page.locator(f"#urge-{item.pk} button").click()
    page.locator(f"#urge-{item.pk} .badge").wait_for()
    page.locator("#urge-twin button").click()
    page.locator("#twin .text-danger").wait_for()
    assert violations(page) == []
    assert not [e for e in errors if "Content Security Policy" in e or "Refused to" in e], errors
    context.close()
