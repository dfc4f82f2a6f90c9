"""Drafting (起草): creating a draft, new versions on every save, diffs by character, files, the
visibility of drafts, the list and detail pages and the API, with their query budgets."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.enums import Classification
from core.errors import Conflict, PermissionDenied, ValidationError
from core.models import AuditEvent
from documents import body
from documents.models import Document, DocumentAccess, DocumentStatus, DocumentVersion
from documents.services.drafting import access_grant, document_attach, document_create, document_update
from tests.api import as_, assert_error
from tests.factories import DepartmentFactory, LeaderFactory, UserFactory

pytestmark = pytest.mark.django_db

DOCS = "/api/v1/documents/"
BODY = "一、总体要求\n认真做好年度预算编制工作。\n（一）编制原则\n1. 量入为出\n（1）保障重点\n其他事项另行通知。"


def draft(person, **fields):
    values = {"title": "关于做好2027年预算编制工作的通知", "doc_type": "notice", "body": BODY}
    values.update(fields)
    return document_create(drafter=person, **values)


# --- The body: structure, sanitizing, diffs ---------------------------------------------------------


def test_plain_text_body_keeps_the_four_heading_levels():
    stored = body.sanitize(BODY)
    assert [p.level for p in body.paragraphs(stored)] == [1, 0, 2, 3, 4, 0]
    assert body.plain_text(stored) == BODY


def test_html_body_is_sanitized_and_never_served_raw():
    stored = body.sanitize('<h2 onclick="x()">一、要求</h2><p>正文<script>alert(1)</script><img src=x onerror=y></p>')
    assert "script" not in stored and "onclick" not in stored and "<img" not in stored
    assert body.paragraphs(stored)[0].level == 1
    escaped = body.sanitize("<不是标签> & 正文")
    assert "&lt;不是标签&gt;" in escaped


def test_diff_marks_changes_by_character():
    changes = body.diff("我们要做好工作。", "我们必须做好这项工作。")
    assert [(c.op, c.text) for c in changes] == [
        ("equal", "我们"),
        ("delete", "要"),
        ("insert", "必须"),
        ("equal", "做好"),
        ("insert", "这项"),
        ("equal", "工作。"),
    ]
    html = str(body.diff_html(changes))
    assert "<del>要</del>" in html and "<ins>必须</ins>" in html


def test_diff_escapes_markup():
    assert "&lt;b&gt;" in str(body.diff_html(body.diff("a", "<b>")))


# --- Services ---------------------------------------------------------------------------------------


def test_create_starts_version_one_in_the_drafters_department(user, department):
    document = draft(user)
    assert document.status == DocumentStatus.DRAFT
    assert document.version == 1 and document.department == department
    version = DocumentVersion.objects.get(document=document)
    assert version.number == 1 and version.body == document.body
    assert AuditEvent.objects.filter(verb="document.create", target_id=document.pk).exists()


def test_every_save_is_a_new_version_and_nothing_new_keeps_it(user):
    document = draft(user)
    document = document_update(document=document, actor=user, body=BODY + "\n新增一段。", summary="补充")
    assert document.version == 2
    assert DocumentVersion.objects.filter(document=document).count() == 2
    same = document_update(document=document, actor=user, body=BODY + "\n新增一段。")
    assert same.version == 2
    assert DocumentVersion.objects.get(document=document, number=2).summary == "补充"


def test_only_the_drafter_edits_and_only_while_drafting(user, head):
    document = draft(user)
    with pytest.raises(PermissionDenied):
        document_update(document=document, actor=head, title="改")
    Document.objects.filter(pk=document.pk).update(status=DocumentStatus.AWAITING_APPROVAL)
    document.refresh_from_db()
    with pytest.raises(Conflict):
        document_update(document=document, actor=user, title="改")
    assert Document.objects.get(pk=document.pk).version == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("doc_type", "memo"),
        ("classification", "top_secret"),
        ("title", ""),
        ("title", "两行\n标题"),
        ("title", "长" * 201),
    ],
)
def test_bad_fields_are_refused_with_the_field_named(user, field, value):
    with pytest.raises(ValidationError) as refused:
        draft(user, **{field: value})
    assert field in refused.value.fields
    assert not Document.objects.exists()


def test_a_drafter_cannot_classify_above_their_clearance(user):
    user.clearance = Classification.INTERNAL
    user.save()
    with pytest.raises(ValidationError) as refused:
        draft(user, classification=Classification.SECRET)
    assert "classification" in refused.value.fields


def test_attachments_are_checked_and_only_while_drafting(user):
    document = draft(user)
    stored = document_attach(
        document=document, actor=user, files=[SimpleUploadedFile("预算表.txt", "预算".encode(), "text/plain")]
    )
    assert stored[0].original_name == "预算表.txt"
    with pytest.raises(ValidationError):
        document_attach(document=document, actor=user, files=[SimpleUploadedFile("x.exe", b"MZ\x90\x00\x03", "x")])
    Document.objects.filter(pk=document.pk).update(status=DocumentStatus.ISSUED)
    with pytest.raises(Conflict):
        document_attach(document=document, actor=user, files=[SimpleUploadedFile("a.txt", b"a", "text/plain")])


# --- Visibility ---------------------------------------------------------------------------------------


@pytest.fixture
def secret_draft(user):
    user.clearance = Classification.SECRET
    user.save()
    return draft(user, classification=Classification.SECRET, secrecy_period="1年")


def test_who_sees_a_secret_draft(secret_draft, user, head, office_member, department):
    head.clearance = Classification.SECRET
    head.save()
    colleague = UserFactory(department=department, clearance=Classification.SECRET)
    outsider = UserFactory(department=DepartmentFactory(), clearance=Classification.CONFIDENTIAL)
    leader = LeaderFactory(clearance=Classification.CONFIDENTIAL)
    uncleared_office = UserFactory(department=office_member.department, clearance=Classification.INTERNAL)
    office_member.clearance = Classification.SECRET
    office_member.save()
    seen = {p.username: as_(p).get(f"{DOCS}{secret_draft.pk}/").status_code for p in
            (user, head, colleague, outsider, leader, uncleared_office, office_member)}  # fmt: skip
    assert seen == {
        user.username: 200,
        head.username: 200,
        colleague.username: 404,
        outsider.username: 404,
        leader.username: 404,
        uncleared_office.username: 404,
        office_member.username: 200,
    }
    # A leader routed on it (need-to-know) then sees it.
    access_grant(document=secret_draft, users=[leader], reason="approver")
    assert as_(leader).get(f"{DOCS}{secret_draft.pk}/").status_code == 200


def test_issued_internal_documents_reach_recipient_departments_and_public_ones_everyone(user):
    from documents.models import Distribution

    internal = draft(user)
    public = draft(user, classification=Classification.PUBLIC, title="公开通知")
    Document.objects.filter(pk__in=[internal.pk, public.pk]).update(status=DocumentStatus.ISSUED)
    recipient_department = DepartmentFactory()
    reader = UserFactory(department=recipient_department)
    other = UserFactory(department=DepartmentFactory())
    Distribution.objects.create(document=internal, department=recipient_department, kind="main", recipient=reader)
    assert as_(reader).get(f"{DOCS}{internal.pk}/").status_code == 200
    assert as_(other).get(f"{DOCS}{internal.pk}/").status_code == 404
    assert as_(other).get(f"{DOCS}{public.pk}/").status_code == 200


# --- API ---------------------------------------------------------------------------------------------


def test_api_create_read_patch_versions_diff(user):
    client = as_(user)
    created = client.post(DOCS, {"title": "关于开展安全检查的通知", "doc_type": "notice", "body": "我们要做好工作。"})
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["status"] == "draft" and data["version"] == 1 and data["number"] == ""
    assert data["steps"] == [] and data["verification_url"] is None
    pk = data["id"]
    patched = client.patch(f"{DOCS}{pk}/", {"body": "我们必须做好这项工作。"}, format="json")
    assert patched.status_code == 200 and patched.json()["version"] == 2
    versions = client.get(f"{DOCS}{pk}/versions/").json()
    assert [v["number"] for v in versions] == [1, 2]
    diff = client.get(f"{DOCS}{pk}/diff/?from=1&to=2").json()
    assert diff["from"] == 1 and diff["to"] == 2
    assert {"op": "insert", "text": "必须"} in diff["changes"]
    listed = client.get(DOCS + "?status=draft&q=安全").json()
    assert [d["id"] for d in listed["results"]] == [pk]


@pytest.mark.parametrize(
    "query", ["from=1", "from=1&to=99", "from=abc&to=1", "from=1&to=99999999999999999999", "from=0&to=1"]
)
def test_api_diff_bad_versions_are_clear_errors(user, query):
    document = draft(user)
    response = as_(user).get(f"{DOCS}{document.pk}/diff/?{query}")
    assert response.status_code in (400, 404)
    assert_error(response, response.status_code)


def test_api_refusals(user, head):
    document = draft(user)
    assert_error(as_(head).patch(f"{DOCS}{document.pk}/", {"title": "改"}, format="json"), 403)
    outsider = UserFactory(department=DepartmentFactory())
    assert_error(as_(outsider).patch(f"{DOCS}{document.pk}/", {"title": "改"}, format="json"), 404)
    assert_error(as_(outsider).get(f"{DOCS}{document.pk}/versions/"), 404)
    assert_error(as_(user).get(f"{DOCS}99999999999999999999/"), 404)
    bad = assert_error(as_(user).post(DOCS, {"title": "x", "doc_type": "memo"}), 400)
    assert "doc_type" in bad["fields"]
    surrogate = as_(user).post(DOCS, '{"title": "\\ud800", "doc_type": "notice"}', content_type="application/json")
    assert surrogate.status_code == 400


def test_api_attachment_upload_and_download_follow_visibility(user):
    document = draft(user)
    client = as_(user)
    uploaded = client.post(
        f"{DOCS}{document.pk}/attachments/",
        {"file": SimpleUploadedFile("说明.txt", "内容".encode(), "text/plain")},
        format="multipart",
    )
    assert uploaded.status_code == 201, uploaded.content
    file_url = uploaded.json()[0]["url"]
    assert client.get(file_url).status_code == 200
    outsider = UserFactory(department=DepartmentFactory())
    assert_error(as_(outsider).get(file_url), 404)
    assert (
        as_(outsider)
        .post(f"{DOCS}{document.pk}/attachments/", {"file": SimpleUploadedFile("a.txt", b"a", "text/plain")})
        .status_code
        == 404
    )


# --- Pages -------------------------------------------------------------------------------------------


def test_pages_draft_edit_compare(client_of, user):
    client = client_of(user)
    assert client.get("/documents/new/").status_code == 200
    response = client.post(
        "/documents/new/",
        {"title": "关于召开年度工作会议的通知", "doc_type": "notice", "classification": "internal", "urgency": "normal",
         "body": "一、会议时间\n定于12月5日召开。"},
    )  # fmt: skip
    document = Document.objects.get()
    assert response.status_code == 302 and response["Location"] == document.get_absolute_url()
    page = client.get(document.get_absolute_url())
    assert page.status_code == 200 and "定于12月5日召开" in page.content.decode()
    client.post(
        f"/documents/{document.pk}/edit/",
        {"title": document.title, "doc_type": "notice", "classification": "internal", "urgency": "normal",
         "body": "一、会议时间\n定于12月8日召开。", "summary": "改期"},
    )  # fmt: skip
    document.refresh_from_db()
    assert document.version == 2
    compare = client.get(f"/documents/{document.pk}/versions/?from=1&to=2").content.decode()
    assert "<del>5</del>" in compare and "<ins>8</ins>" in compare
    assert client.get(f"/documents/{document.pk}/versions/?from=1&to=77").status_code == 400


def test_page_refusals(client_of, user, head):
    document = draft(user)
    outsider = UserFactory(department=DepartmentFactory())
    assert client_of(outsider).get(document.get_absolute_url()).status_code == 404
    assert client_of(outsider).get(f"/documents/{document.pk}/edit/").status_code == 404
    # The head sees the draft but may not edit it: the editor is refused as saving is.
    assert client_of(head).get(document.get_absolute_url()).status_code == 200
    assert client_of(head).get(f"/documents/{document.pk}/edit/").status_code == 403
    assert client_of(user).get(f"/documents/{document.pk}/edit/").status_code == 200
    response = client_of(head).post(
        f"/documents/{document.pk}/edit/",
        {"title": "改", "doc_type": "notice", "classification": "internal", "urgency": "normal", "body": "x"},
    )
    assert response.status_code == 403
    assert Document.objects.get(pk=document.pk).version == 1


def test_opening_the_page_remembers_the_version_seen(client_of, user, leader):
    document = draft(user)
    access_grant(document=document, users=[leader], reason="approver")
    client_of(leader).get(document.get_absolute_url())
    assert DocumentAccess.objects.get(document=document, user=leader).last_seen_version == 1


# --- Query budgets -------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [3, 30])
def test_document_list_queries_do_not_grow(client_of, user, size, django_assert_num_queries):
    for i in range(size):
        draft(user, title=f"通知{i}")
    client = client_of(user)
    client.get("/documents/")
    # 1 session, 2 user, 3 the viewer's roles (office? heads?), 4 the page of documents with
    # drafter and department, 5 the unread notification badge.
    with django_assert_num_queries(5):
        response = client.get("/documents/")
    assert response.content.decode().count('href="/documents/') >= min(size, 25)


@pytest.mark.parametrize("size", [3, 30])
def test_document_api_list_queries_do_not_grow(user, size, django_assert_num_queries):
    for i in range(size):
        draft(user, title=f"通知{i}")
    client = as_(user)
    client.get(DOCS)
    # 1 the page of documents with drafter and department (the test client keeps one user object,
    # which holds its roles from the first request).
    with django_assert_num_queries(1):
        response = client.get(DOCS)
    assert len(response.json()["results"]) == size  # one page (50 by default)


@pytest.mark.parametrize("size", [2, 20])
def test_document_detail_queries_do_not_grow(client_of, user, size, django_assert_max_num_queries):
    document = draft(user)
    for i in range(size):
        document = document_update(document=document, actor=user, body=f"{BODY}\n第{i}次修改。")
    client = client_of(user)
    client.get(document.get_absolute_url())
    with django_assert_max_num_queries(14):
        response = client.get(document.get_absolute_url())
    assert response.status_code == 200
    api = as_(user)
    api.get(f"{DOCS}{document.pk}/")
    with django_assert_max_num_queries(6):
        assert api.get(f"{DOCS}{document.pk}/").status_code == 200
