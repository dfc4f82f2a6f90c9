"""The whole outgoing path in the browser (issue 8, item 11): a staff member drafts a 通知 and asks two
colleagues for comments; each answers with a stance and a point (one quoting the draft); the drafter
records 采纳 / 不采纳 with reasons (the round closed itself once both had answered) and submits it;
the department head (核稿), the office head (审核) and a leader (签发, on a phone) approve from
"Awaiting my approval"; the office issues it to two departments; one department head signs for it;
the signed PDF, downloaded from the document page, is confirmed by the public verify page, and a
copy with one changed byte is refused."""

import re

import pytest
from django.core.management import call_command
from django.utils import timezone

from documents.models import (
    Approval,
    CommentRequest,
    CommentRound,
    Distribution,
    DistributionStatus,
    Document,
    DocumentStatus,
    Handling,
    RequestStatus,
    RoundStatus,
    Stance,
    StepKind,
    StepStatus,
)
from tests.e2e.support import PHONE, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TITLE = "关于开展2027年度人事档案专项审核工作的通知"
QUOTE = "各处室确定一名档案联络员"
BODY = f"""一、审核范围
在职人员的人事档案，{QUOTE}，负责材料收集。
二、有关要求
（一）审核材料应真实完整。
（二）发现问题及时报告人事处。"""


def open_from_documents_menu(page, item_id):
    """Open an entry of the navigation's Documents menu, as a person clicks it (the collapsed
    navigation first on a narrow screen)."""
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():
        toggler.click()
    page.click("#nav-documents")
    page.click(f"#{item_id}")


def pick_person(page, form_id, field, query, name):
    page.fill(f"#id_{field}-search", query)
    page.locator(f"#{form_id} [role=option]", has_text=name).first.click()


def select_in_draft(page, passage):
    """Select ``passage`` in the draft shown on the comment request page (what a mouse drag does)."""
    found = page.evaluate(
        """(passage) => {
            const root = document.querySelector("#draft-body");
            const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                const at = node.data.indexOf(passage);
                if (at >= 0) {
                    const range = document.createRange();
                    range.setStart(node, at);
                    range.setEnd(node, at + passage.length);
                    const selection = window.getSelection();
                    selection.removeAllRanges();
                    selection.addRange(range);
                    return true;
                }
            }
            return false;
        }""",
        passage,
    )
    assert found, f"{passage!r} is not in the draft shown"


def approve_from_queue(page, base, title, opinion):
    """From "Awaiting my approval": open the task, approve with an opinion, land back on the queue."""
    open_from_documents_menu(page, "nav-approvals")
    page.wait_for_url(f"{base}/documents/approvals/")
    page.locator("#approval-queue a", has_text=title).first.click()
    page.wait_for_url(re.compile(r"/documents/approvals/\d+/$"))
    page.check("#decide-form input[name=decide-decision][value=approve]")
    page.fill("#decide-form textarea[name=decide-opinion]", opinion)
    page.click("#decide")
    page.wait_for_url(f"{base}/documents/approvals/")


def test_draft_comment_approve_issue_sign_for_verify(live_server, browser, settings):
    call_command("seed_demo", verbosity=0)
    base = live_server.url
    # The verification link printed on the document (and in its QR code) leads to this server.
    settings.SITE_URL = base
    contexts = []

    # --- A staff member of 人事处 drafts a 通知 -------------------------------------------------------
    drafter_context, drafter = sign_in(browser, base, "guot")
    contexts.append(drafter_context)
    open_from_documents_menu(drafter, "nav-document-new")
    drafter.wait_for_url(f"{base}/documents/new/")
    drafter.fill("#id_title", TITLE)
    drafter.select_option("#id_doc_type", "notice")
    drafter.select_option("#id_classification", "public")
    drafter.fill("#id_main_recipients", "财务处、法规处")
    drafter.fill("#id_body", BODY)
    drafter.click("#save-draft")
    drafter.wait_for_url(re.compile(r"/documents/\d+/$"))
    document_url = drafter.url
    document = Document.objects.get(title=TITLE)
    assert document_url == f"{base}/documents/{document.pk}/"
    assert (document.status, document.drafter.username, document.department.name) == (
        DocumentStatus.DRAFT,
        "guot",
        "人事处",
    )

    # --- ... and asks two colleagues for comments -------------------------------------------------------
    drafter.click("#start-round")
    drafter.wait_for_url(f"{base}/documents/{document.pk}/comment-rounds/new/")
    pick_person(drafter, "round-form", "reviewers", "zwt", "张文涛")
    pick_person(drafter, "round-form", "reviewers", "mxy", "马晓燕")
    drafter.fill("#id_instructions", "请于三日内反馈意见。")
    drafter.click("#round-form button[type=submit]")
    drafter.wait_for_url(document_url)
    round_ = CommentRound.objects.get(document=document)
    assert round_.status == RoundStatus.OPEN
    assert sorted(round_.requests.values_list("reviewer__username", flat=True)) == ["maxy", "zhangwt"]

    # --- The first reviewer opens the request from the desk and quotes the draft ------------------------
    first_context, first = sign_in(browser, base, "zhangwt")
    contexts.append(first_context)
    first.locator("main a", has_text=TITLE).first.click()
    first.wait_for_url(re.compile(r"/documents/comment-requests/\d+/$"))
    first.check("#respond-form input[name=respond-stance][value=agree_with_changes]")
    first.fill("#opinion-rows textarea[name=opinion_text] >> nth=0", "建议明确联络员的报送时限。")
    select_in_draft(first, QUOTE)
    first.click("#opinion-rows [data-take-quote] >> nth=0")
    assert first.input_value("#opinion-rows textarea[name=opinion_quote] >> nth=0") == QUOTE
    first.click("#respond-form button[type=submit]")
    first.wait_for_selector("#answer-card")
    first_request = CommentRequest.objects.get(round=round_, reviewer__username="zhangwt")
    assert (first_request.status, first_request.stance) == (RequestStatus.ANSWERED, Stance.AGREE_WITH_CHANGES)
    assert list(first_request.opinions.values_list("text", "quote")) == [("建议明确联络员的报送时限。", QUOTE)]
    assert QUOTE in first.locator("#answer-card blockquote").inner_text()

    # --- The second reviewer opens it from "Comments asked of me" -------------------------------------
    second_context, second = sign_in(browser, base, "maxy")
    contexts.append(second_context)
    open_from_documents_menu(second, "nav-comment-requests")
    second.wait_for_url(f"{base}/documents/comment-requests/")
    second.locator("#comment-requests a", has_text=TITLE).first.click()
    second.wait_for_url(re.compile(r"/documents/comment-requests/\d+/$"))
    second.check("#respond-form input[name=respond-stance][value=disagree]")
    second.fill("#opinion-rows textarea[name=opinion_text] >> nth=0", "审核范围应包括退休人员档案。")
    second.click("#respond-form button[type=submit]")
    second.wait_for_selector("#answer-card")
    second_request = CommentRequest.objects.get(round=round_, reviewer__username="maxy")
    assert (second_request.status, second_request.stance) == (RequestStatus.ANSWERED, Stance.DISAGREE)
    # Everyone asked has answered: the round closed itself (nothing is left for the drafter to close).
    round_.refresh_from_db()
    assert round_.status == RoundStatus.CLOSED

    # --- The drafter records 采纳 / 不采纳 with a reason for each point -------------------------------------
    adopted = first_request.opinions.get()
    declined = second_request.opinions.get()
    drafter.goto(document_url)
    drafter.click("#comment-rounds a[href$='/opinion-summary/']")
    drafter.wait_for_url(f"{base}/documents/{document.pk}/opinion-summary/")
    for opinion, handling, note in (
        (adopted, Handling.ADOPTED, "已在第一部分补充报送时限。"),
        (declined, Handling.NOT_ADOPTED, "退休人员档案另行安排审核，本次不纳入。"),
    ):
        form = drafter.locator(f"#handle-{opinion.pk}")
        form.locator("select[name$=-handling]").select_option(handling)
        form.locator("textarea[name$=-note]").fill(note)
        form.locator("button[type=submit]").click()
        drafter.wait_for_url(f"{base}/documents/{document.pk}/opinion-summary/#opinion-{opinion.pk}")
        opinion.refresh_from_db()
        assert (opinion.handling, opinion.note) == (handling, note)
    assert not round_.requests.filter(opinions__handling="").exists()
    assert drafter.locator("#close-round").count() == 0

    # --- ... and submits it for approval, naming a leader to sign it off -------------------------------
    drafter.goto(document_url)
    drafter.select_option("#id_submit-signer", label="杨志刚")
    drafter.click("#submit-for-approval")
    drafter.wait_for_selector("#approval-steps")
    document.refresh_from_db()
    assert document.status == DocumentStatus.AWAITING_APPROVAL
    assert Approval.objects.get(step__document=document, step__kind=StepKind.SIGN).approver.username == "yangzg"
    steps = list(document.steps.order_by("order").values_list("kind", "status"))
    assert steps == [
        (StepKind.REVIEW, StepStatus.CURRENT),
        (StepKind.OFFICE_REVIEW, StepStatus.WAITING),
        (StepKind.SIGN, StepStatus.WAITING),
    ]

    # --- 核稿 (the head of 人事处), 审核 (the office head), 签发 (the leader, on a phone) ---------------
    for username, kind, opinion, phone in (
        ("huangw", StepKind.REVIEW, "核稿无误，请办公室审核。", False),
        ("chenjg", StepKind.OFFICE_REVIEW, "格式规范，请杨局长签发。", False),
        ("yangzg", StepKind.SIGN, "同意印发。", True),
    ):
        context, approver = sign_in(browser, base, username, phone=phone)
        contexts.append(context)
        approve_from_queue(approver, base, TITLE, opinion)
        task = Approval.objects.get(step__document=document, step__kind=kind)
        assert (task.approver.username, task.decision, task.opinion) == (username, "approve", opinion)
        if phone:
            # The page fits the phone: nothing wider than the screen to scroll sideways.
            assert approver.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    document.refresh_from_db()
    assert document.status == DocumentStatus.APPROVED
    assert document.signer.username == "yangzg" and document.signed_at is not None

    # --- The office issues it from the issuing queue to two departments --------------------------------
    office_context, office = sign_in(browser, base, "liuf")
    contexts.append(office_context)
    open_from_documents_menu(office, "nav-issuing-queue")
    office.wait_for_url(f"{base}/documents/issuing/")
    office.click(f"#issue-{document.pk}")
    office.wait_for_url(f"{base}/documents/{document.pk}/issue/")
    main = office.locator("#div_id_main_departments")
    main.get_by_label("财务处", exact=True).check()
    main.get_by_label("法规处", exact=True).check()
    office.click("#issue-submit")
    office.wait_for_url(document_url)
    document.refresh_from_db()
    year = timezone.localdate().year
    assert document.status == DocumentStatus.ISSUED
    assert document.number == f"人发〔{year}〕1号"
    assert office.locator("#document-number").inner_text() == document.number
    assert document.issued_pdf and len(document.pdf_sha256) == 64 and document.verification_code
    distributions = Distribution.objects.filter(document=document)
    assert sorted(distributions.values_list("department__name", "status")) == [
        ("法规处", DistributionStatus.PENDING),
        ("财务处", DistributionStatus.PENDING),
    ]

    # --- The head of 财务处 signs for it from "Documents to sign for" -----------------------------------
    recipient_context, recipient = sign_in(browser, base, "sunzq")
    contexts.append(recipient_context)
    open_from_documents_menu(recipient, "nav-distributions")
    recipient.wait_for_url(f"{base}/documents/distributions/")
    recipient.locator("main a", has_text=TITLE).first.click()
    recipient.wait_for_url(re.compile(r"/documents/distributions/\d+/$"))
    recipient.click("#receive")
    recipient.wait_for_selector("#receive", state="detached")
    finance = distributions.get(department__name="财务处")
    assert finance.status == DistributionStatus.RECEIVED
    assert finance.received_by.username == "sunzq"
    assert distributions.get(department__name="法规处").status == DistributionStatus.PENDING

    # --- The signed PDF from the document page ----------------------------------------------------------
    drafter.goto(document_url)
    with drafter.expect_download() as download_info:
        drafter.click("#render-pdf")
    with open(download_info.value.path(), "rb") as downloaded:
        signed_pdf = downloaded.read()
    assert signed_pdf.startswith(b"%PDF")
    verification_url = drafter.locator("#verification-url").get_attribute("href")
    assert verification_url == f"{base}/verify/{document.verification_code}/"

    # --- Logged out, the verify page confirms it and refuses a changed copy ----------------------------
    public_context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    public_context.set_default_timeout(15_000)
    contexts.append(public_context)
    public = public_context.new_page()
    public.goto(verification_url)
    assert public.locator("#verify-number").inner_text() == document.number
    assert public.locator("#verify-title").inner_text() == TITLE
    public.set_input_files(
        "#verify-form input[type=file]",
        files=[{"name": "issued.pdf", "mimeType": "application/pdf", "buffer": signed_pdf}],
    )
    public.click("#verify-form button[type=submit]")
    public.wait_for_selector("#check-passed")
    assert public.locator("#check-sha256").inner_text() == document.pdf_sha256

    changed = bytearray(signed_pdf)
    # One byte inside the first page's compressed content: the file still opens.
    changed[changed.index(b"stream", changed.index(b"/Filter")) + 20] ^= 0x01
    public.set_input_files(
        "#verify-form input[type=file]",
        files=[{"name": "issued.pdf", "mimeType": "application/pdf", "buffer": bytes(changed)}],
    )
    public.click("#verify-form button[type=submit]")
    public.wait_for_selector("#check-failed")
    assert public.locator("#check-passed").count() == 0
    refusal = public.locator("#check-failed").inner_text()
    assert "SHA-256" in refusal
    assert public.locator("#check-sha256").inner_text() != document.pdf_sha256

    for context in reversed(contexts):
        context.close()
