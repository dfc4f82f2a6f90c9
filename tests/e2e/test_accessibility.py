"""Accessibility of the main pages (issue 12): the desk, a document page, the meeting form and the
workload dashboard, in the default language (zh-hans), checked with axe-core (vendored under
static/vendor/axe-core) against WCAG 2 A and AA, and walked with the keyboard alone: every visible
control gets the focus, in the page's order, and a document is submitted for approval without a mouse.

The pages' Content Security Policy refuses the inline script that injects axe, so these browser
contexts bypass it (tests/e2e/test_csp.py checks the policy in the browser)."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from documents.demo import REVISING
from documents.models import Approval, Document, DocumentStatus, StepKind
from tests.e2e.support import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AXE = Path(settings.BASE_DIR) / "static" / "vendor" / "axe-core" / "axe.min.js"
BLOCKING = {"serious", "critical"}

RUN_AXE = """async () => {
  const results = await axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa"]}});
  return results.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.map((n) => n.target.join(" ")),
  }));
}"""

# The controls a keyboard user must reach: in the page's (document) order, shown, not disabled,
# not taken out of the tab order. Each is numbered (data-kb) so that the focus can be followed.
MARK_CONTROLS = """() => {
  const selector = "a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]";
  const shown = (el) => {
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true});
  };
  const controls = [];
  const radioGroups = new Map();  // a radio group is one stop: Tab lands on one of its radios
  document.querySelectorAll(selector).forEach((el) => {
    if (el.disabled || el.getAttribute("tabindex") === "-1" || el.closest("[inert]") || !shown(el)) return;
    if (el.matches("input[type=radio]")) {
      const group = (el.form ? el.form.id : "") + "/" + el.name;
      if (radioGroups.has(group)) {
        el.dataset.kb = radioGroups.get(group);
        return;
      }
      radioGroups.set(group, controls.length);
    }
    el.dataset.kb = controls.length;
    const name = (el.innerText || el.value || el.name || "").trim().slice(0, 30);
    controls.push((el.id ? "#" + el.id : el.tagName.toLowerCase()) + " " + name);
  });
  return controls;
}"""

FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  return el.dataset.kb === undefined ? "unmarked " + el.outerHTML.slice(0, 120) : Number(el.dataset.kb);
}"""


def axe_violations(page):
    """The serious and critical WCAG 2 A/AA violations axe finds on the page, one readable line each."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    found = page.evaluate(RUN_AXE)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {', '.join(v['targets'][:5])}"
        for v in found
        if v["impact"] in BLOCKING
    ]


def check(page, url):
    page.goto(url)
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "zh-hans", url
    violations = axe_violations(page)
    assert not violations, f"{url}:\n" + "\n".join(violations)


def tab_through(page, url):
    """Tab from the top of the page to its end: every shown control gets the focus, in order."""
    controls = page.evaluate(MARK_CONTROLS)
    page.evaluate("() => { document.activeElement?.blur(); window.scrollTo(0, 0); }")
    reached: list[int] = []
    for _ in range(3 * len(controls) + 10):  # a date and time field takes a Tab per part
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused is None or (reached and focused == reached[0]):  # past the last control
            break
        assert isinstance(focused, int), f"{url}: the focus went to a control not shown: {focused}"
        if not reached or reached[-1] != focused:
            reached.append(focused)
    missed = [controls[i] for i in range(len(controls)) if i not in reached]
    assert not missed, f"{url}: never reached by Tab: {missed}"
    assert reached == sorted(reached), f"{url}: the focus jumps out of order: {[controls[i] for i in reached]}"


def tab_to(page, selector, limit=200):
    """Press Tab until the element matching ``selector`` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement?.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_main_pages_pass_axe_and_work_with_the_keyboard(live_server, browser):
    call_command("seed_demo", verbosity=0)
    base = live_server.url
    document = Document.objects.get(title=REVISING)
    document_url = f"{base}/documents/{document.pk}/"

    # 赵丽娟 (综合处) drafted a document not yet submitted: her desk, the draft, a new meeting.
    context, page = sign_in(browser, base, "zhaolj", bypass_csp=True)
    for url in (f"{base}/", document_url, f"{base}/meetings/new/"):
        check(page, url)
        tab_through(page, url)

    # The document page's main action with the keyboard alone: pick the leader who signs it off
    # and a colleague of another department who countersigns, and submit it for approval.
    page.goto(document_url)
    tab_to(page, "#id_submit-signer")
    page.keyboard.press("ArrowDown")
    signer = page.locator("#id_submit-signer").input_value()
    assert signer != ""
    # The people picker by keyboard: type, the first found is highlighted, Enter chooses it.
    tab_to(page, "#id_submit-countersign-search")
    page.keyboard.type("linht")
    page.locator("#submit-form [role=option]", has_text="林海涛").first.wait_for()
    page.keyboard.press("Enter")
    tab_to(page, "#submit-for-approval")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert re.search(rf"/documents/{document.pk}/$", page.url)
    document.refresh_from_db()
    assert document.status == DocumentStatus.AWAITING_APPROVAL
    sign_off = Approval.objects.get(step__document=document, step__kind=StepKind.SIGN)
    assert sign_off.approver_id == int(signer)
    countersign = Approval.objects.get(step__document=document, step__kind=StepKind.COUNTERSIGN)
    assert countersign.approver.username == "linht"
    context.close()

    # 王建平, a leader: what he assigned (with its 催办 buttons) and the workload dashboard.
    context, page = sign_in(browser, base, "wangjp", bypass_csp=True)
    for url in (f"{base}/?tab=assigned", f"{base}/dashboard/"):
        check(page, url)
        tab_through(page, url)
    context.close()
