"""Search (workload.search): Chinese words found in titles, bodies, numbers, senders and opinions of
documents, incoming documents and matters; ranked; only what the person may see (the hit, its title
and its snippet); kept in step by the services; the navigation's box, the page and the API; bad input
refused without a 500; the same query count at two sizes. Runs on SQLite (FTS5) and PostgreSQL
(tsvector)."""

import re
from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from affairs.services import matter_create, matter_reclassify
from core.errors import ValidationError
from documents.models import Document
from documents.services.comments import comment_request_respond, comment_round_open
from documents.services.drafting import document_create, document_update
from documents.services.incoming import incoming_register
from tests.documents import comments_support
from tests.documents.comments_support import SECRET
from tests.documents.incoming_support import api
from tests.factories import LeaderFactory, UserFactory
from workload import search as index
from workload.models import SearchEntry

# The shared fixtures (tests/documents/comments_support.py): a bureau on a Monday, a draft notice
# 《关于加强值班管理的通知》 by the drafter of 综合处.
bureau, document, monday = comments_support.bureau, comments_support.document, comments_support.monday

DUTY_TITLE = "关于做好春节期间值班工作的通知"


def found(person, query):
    """The (type, id) of what ``person`` finds for ``query``, best first."""
    return [(h.type, h.id) for h in index.hits(index.search(user=person, query=query).entries, query)]


def doc_ids(person, query):
    return [pk for kind, pk in found(person, query) if kind == "document"]


def page(client, query, **params):
    return client.get(reverse("workload:search"), {"q": query, **params})


@pytest.fixture
def duty(bureau):
    return document_create(
        drafter=bureau.drafter,
        title=DUTY_TITLE,
        doc_type="notice",
        body="<p>一、各处室要安排专人值守，保持通讯畅通。</p>",
        main_recipients="各处室",
    )


# --- Finding by words -----------------------------------------------------------------------------


def test_a_word_inside_a_title_finds_the_document(bureau, duty):
    assert duty.pk in doc_ids(bureau.drafter, "值班")
    assert duty.pk in doc_ids(bureau.drafter, "春节")
    assert duty.pk in doc_ids(bureau.drafter, "春节值班")  # two words, both in the title
    assert doc_ids(bureau.drafter, "春节会议") == []  # every word must occur


def test_words_of_the_body_recipients_and_department_find_it(bureau, duty):
    assert duty.pk in doc_ids(bureau.drafter, "专人值守")
    assert duty.pk in doc_ids(bureau.drafter, "通讯")
    assert duty.pk in doc_ids(bureau.drafter, "综合处")  # the drafting department (the sender)
    assert doc_ids(bureau.drafter, "<p>") == []  # the body's markup is not text


def test_a_document_number_finds_it(bureau, duty):
    Document.objects.filter(pk=duty.pk).update(number="综发〔2026〕7号")
    index.index(Document.objects.get(pk=duty.pk))
    assert doc_ids(bureau.drafter, "综发〔2026〕7号") == [duty.pk]
    assert doc_ids(bureau.drafter, "2026") == [duty.pk]


def test_an_opinion_finds_the_document(bureau, document):
    round_ = comment_round_open(document=document, actor=bureau.drafter, reviewers=[bureau.reviewer])
    request = round_.requests.get()
    assert doc_ids(bureau.drafter, "节假日") == []
    comment_request_respond(
        request=request, actor=bureau.reviewer, stance="agree_with_changes", opinions=[{"text": "建议补充节假日安排"}]
    )
    assert doc_ids(bureau.drafter, "节假日") == [document.pk]


def test_an_incoming_document_by_sender_number_and_remark(bureau):
    leader = LeaderFactory(department=bureau.office_member.department, clearance=SECRET)
    incoming = incoming_register(
        actor=bureau.office_member,
        title="关于开展安全生产检查的函",
        sender_org="市应急管理局",
        sender_number="应急函〔2026〕12号",
        received_on=date(2026, 3, 2),
        body="请于三月底前完成自查。",
    )
    clerk = bureau.office_member
    assert found(clerk, "安全生产") == [("incoming_document", incoming.pk)]
    assert found(clerk, "应急管理局") == [("incoming_document", incoming.pk)]
    assert found(clerk, "管理局") == [("incoming_document", incoming.pk)]  # a word inside the sender's name
    assert found(clerk, "应急函") == [("incoming_document", incoming.pk)]
    assert found(clerk, "自查") == [("incoming_document", incoming.pk)]
    # A leader's remark in circulation is searchable too (the services index it).
    from documents.services.incoming import incoming_propose, incoming_review

    incoming_review(incoming=incoming, actor=clerk, passed=True)
    incoming_propose(incoming=incoming, actor=clerk, proposal="建议请综合处研办", leader=leader)
    assert found(clerk, "研办") == [("incoming_document", incoming.pk)]
    assert found(bureau.drafter, "安全生产") == []  # not routed to the drafter


def test_a_matter_is_found_by_title_and_description(bureau):
    leader = LeaderFactory(department=bureau.office_member.department, clearance=SECRET)
    matter = matter_create(
        actor=leader,
        title="完善应急值班制度",
        description="修订值班表并报局领导",
        lead=bureau.drafter,
        due_on=date(2026, 3, 6),
    )
    assert ("matter", matter.pk) in found(bureau.drafter, "值班制度")
    assert found(bureau.drafter, "值班表") == [("matter", matter.pk)]
    assert found(bureau.outsider, "值班表") == []


def test_the_title_ranks_above_the_text(bureau):
    in_text = document_create(
        drafter=bureau.drafter, title="关于报送材料的通知", doc_type="notice", body="<p>附带说明值班安排。</p>"
    )
    in_title = document_create(drafter=bureau.drafter, title="值班安排的通知", doc_type="notice", body="<p>无。</p>")
    assert doc_ids(bureau.drafter, "值班安排") == [in_title.pk, in_text.pk]


def test_renaming_reindexes(bureau, duty):
    document_update(document=duty, actor=bureau.drafter, title="关于做好清明节期间安全工作的通知")
    assert doc_ids(bureau.drafter, "值班") == []
    assert doc_ids(bureau.drafter, "清明节") == [duty.pk]
    assert SearchEntry.objects.get(object_id=duty.pk, content_type__model="document").title.startswith("关于做好清明")


def test_reclassifying_a_matter_hides_it_from_the_uncleared(bureau):
    leader = LeaderFactory(department=bureau.office_member.department, clearance=SECRET)
    lead = UserFactory(department=bureau.general, clearance=SECRET)
    matter = matter_create(actor=leader, title="值班经费安排", lead=lead, due_on=date(2026, 3, 6))
    assert found(lead, "经费") == [("matter", matter.pk)]
    matter_reclassify(actor=leader, matter=matter, classification=SECRET, reason="涉及经费")
    assert SearchEntry.objects.get(object_id=matter.pk, content_type__model="matter").classification == SECRET
    assert found(lead, "经费") == [("matter", matter.pk)]  # cleared: still found


def test_rebuild_search_index_restores_the_entries(bureau, duty, document):
    SearchEntry.objects.all().delete()
    assert doc_ids(bureau.drafter, "值班") == []
    call_command("rebuild_search_index", verbosity=0)
    assert set(doc_ids(bureau.drafter, "值班")) == {duty.pk, document.pk}


# --- Visibility: the document's rule, per clearance and need to know --------------------------------


@pytest.fixture
def secret_doc(bureau):
    return document_create(
        drafter=bureau.drafter,
        title="关于绝密项目值班的通知",
        doc_type="notice",
        body="<p>机要内容</p>",
        classification=SECRET,
    )


def test_a_secret_document_is_found_only_by_those_who_may_see_it(bureau, secret_doc):
    assert doc_ids(bureau.drafter, "绝密项目") == [secret_doc.pk]  # the drafter
    assert doc_ids(bureau.head, "绝密项目") == [secret_doc.pk]  # the head of the drafting department
    assert doc_ids(bureau.office_member, "绝密项目") == [secret_doc.pk]  # the office, cleared
    assert doc_ids(bureau.colleague, "绝密项目") == []  # other department, no need to know
    assert doc_ids(bureau.outsider, "绝密项目") == []
    # A reviewer gains sight when named; an uncleared person never does.
    comment_round_open(document=secret_doc, actor=bureau.drafter, reviewers=[bureau.reviewer])
    assert doc_ids(bureau.reviewer, "绝密项目") == [secret_doc.pk]
    assert doc_ids(bureau.uncleared, "绝密项目") == []


def test_the_page_and_api_never_leak_a_hidden_title_or_snippet(client_of, bureau, secret_doc):
    response = page(client_of(bureau.uncleared), "机要")
    assert response.status_code == 200
    body = response.content.decode()
    assert "绝密项目" not in body and "机要内容" not in body
    assert 'id="search-no-results"' in body
    data = api(bureau.uncleared).get("/api/v1/search/", {"q": "机要"}).json()
    assert data["results"] == []
    data = api(bureau.drafter).get("/api/v1/search/", {"q": "机要"}).json()
    assert [(r["type"], r["id"]) for r in data["results"]] == [("document", secret_doc.pk)]


# --- Pages and API ------------------------------------------------------------------------------------


def test_the_page_shows_type_highlighted_title_snippet_and_link(client_of, bureau, duty):
    response = page(client_of(bureau.drafter), "值班")
    body = response.content.decode()
    assert response.status_code == 200
    hit = re.search(rf'<li class="mb-3 xt-search-hit" id="hit-document-{duty.pk}">(.*?)</li>', body, re.S)
    assert hit
    assert "<mark>值班</mark>" in hit.group(1)
    assert duty.get_absolute_url() in hit.group(1)
    assert "公文" in hit.group(1) or "Document" in hit.group(1)


def test_user_text_is_escaped_in_titles_and_snippets(client_of, bureau):
    document_create(
        drafter=bureau.drafter, title="值班<script>alert(1)</script>", doc_type="notice", body="<p>a &lt;b&gt; 值班</p>"
    )
    body = page(client_of(bureau.drafter), "值班").content.decode()
    assert "<script>alert(1)" not in body
    assert "&lt;script&gt;" in body
    assert "<b>" not in body


def test_the_api_shape_and_cursor(bureau):
    for n in range(3):
        document_create(drafter=bureau.drafter, title=f"值班通知{n}", doc_type="notice")
    client = api(bureau.drafter)
    first = client.get("/api/v1/search/", {"q": "值班", "page_size": 2}).json()
    assert set(first) == {"results", "next", "previous"}
    assert set(first["results"][0]) == {"type", "id", "title", "snippet", "url"}
    assert first["results"][0]["type"] == "document"
    assert first["next"]
    second = client.get(first["next"]).json()
    ids = [r["id"] for r in first["results"] + second["results"]]
    assert len(ids) == len(set(ids)) == 3
    assert second["next"] is None


def test_the_api_needs_a_login(db):
    from rest_framework.test import APIClient

    assert APIClient().get("/api/v1/search/", {"q": "值班"}).status_code == 401


def hit_ids(body):
    return re.findall(r'class="mb-3 xt-search-hit" id="hit-document-(\d+)"', body)


def test_the_page_pages_on_from_a_position_and_back(client_of, bureau):
    made = [document_create(drafter=bureau.drafter, title=f"值班通知{n}", doc_type="notice").pk for n in range(23)]
    client = client_of(bureau.drafter)
    with translation.override("en"):
        first = page(client, "值班").content.decode()
    assert hit_ids(first) == [str(pk) for pk in reversed(made[3:])]  # equal rank: newest first
    assert "超过 20 条结果" in first and 'id="search-previous"' not in first
    next_link = re.search(r'href="\?([^"]+)" id="search-next"', first).group(1).replace("&amp;", "&")
    second = client.get(reverse("workload:search") + "?" + next_link).content.decode()
    assert hit_ids(second) == [str(pk) for pk in reversed(made[:3])]
    assert 'id="search-next"' not in second and 'id="search-count"' not in second
    back_link = re.search(r'href="\?([^"]+)" id="search-previous"', second).group(1).replace("&amp;", "&")
    back = client.get(reverse("workload:search") + "?" + back_link).content.decode()
    assert hit_ids(back) == hit_ids(first) and 'id="search-previous"' not in back
    for forged in ("99999999999999999999", "nan_1", "1.0_-5", "x"):
        assert page(client, "值班", after=forged).status_code == 200  # read as the first page


def test_the_page_is_filled_past_what_the_person_may_not_see(client_of, bureau, monkeypatch):
    """Hidden candidates between visible ones: slices are read until the page is full, and the
    visible hits come in order, none skipped; no next page when no visible hit follows."""
    monkeypatch.setattr(index, "SLICE_MARGIN", 0)
    mine = []
    for n in range(6):
        mine.append(document_create(drafter=bureau.drafter, title=f"值班安排{n}", doc_type="notice").pk)
        for m in range(3):
            document_create(drafter=bureau.colleague, title=f"值班安排他人{n}{m}", doc_type="notice")
    first = index.search(user=bureau.drafter, query="值班", size=4)
    assert [entry.object_id for entry in first.entries] == list(reversed(mine))[:4]
    second = index.search(user=bureau.drafter, query="值班", size=4, after=first.next)
    assert [entry.object_id for entry in second.entries] == list(reversed(mine))[4:]
    assert second.next is None and second.previous is not None
    # Someone who may see none of them gets no page, and no sign that anything matched.
    nothing = index.search(user=bureau.outsider, query="值班", size=4)
    assert nothing.entries == [] and nothing.next is None and nothing.previous is None


def test_the_search_box_is_in_the_navigation_of_every_page(client_of, bureau, document):
    client = client_of(bureau.drafter)
    for url in [
        reverse("workload:desk"),
        reverse("documents:document_list"),
        document.get_absolute_url(),
        reverse("affairs:matter_list"),
        reverse("notifications:list"),
        reverse("accounts:profile"),
        reverse("workload:search"),
    ]:
        body = client.get(url).content.decode()
        assert f'action="{reverse("workload:search")}" id="nav-search"' in body, url
        assert 'name="q" id="nav-search-q"' in body, url
    # On the search page itself the desk is not the current section.
    assert 'aria-current="page" href="/" id="nav-desk"' not in body
    assert 'aria-current="page" href="/" id="nav-desk"' in client.get(reverse("workload:desk")).content.decode()


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("", 200),
        ("   ", 200),
        ("！？。", 200),  # no words
        ("值" * 101, 400),
        ("值班\x00", 400),
        ('"值班" OR NEAR(', 200),  # FTS5 and tsquery syntax are words here, not operators
        ("值班 & | ! :*", 200),
    ],
)
def test_bad_queries_are_answered_without_a_500(client_of, bureau, duty, query, status):
    response = page(client_of(bureau.drafter), query)
    assert response.status_code == status
    reply = api(bureau.drafter).get("/api/v1/search/", {"q": query})
    assert reply.status_code == status
    if status == 400:
        assert reply.json()["fields"]["q"]
        assert 'id="search-error"' in response.content.decode()


def test_a_lone_surrogate_is_refused_or_replaced(client_of, bureau, duty):
    with pytest.raises(ValidationError) as refused:
        index.clean_query("\ud800值班")
    assert refused.value.fields["q"]
    # Over HTTP the undecodable bytes arrive replaced (U+FFFD): nothing is found, nothing breaks.
    assert client_of(bureau.drafter).get(reverse("workload:search") + "?q=%ED%A0%80").status_code == 200
    reply = api(bureau.drafter).get("/api/v1/search/?q=%ED%A0%80")
    assert reply.status_code == 200 and reply.json()["results"] == []


def test_forged_cursors_are_404(bureau, duty):
    import base64

    client = api(bureau.drafter)
    for position in ["abc", "nan", "inf", "1e999"]:
        cursor = base64.b64encode(f"p={position}".encode()).decode()
        assert client.get("/api/v1/search/", {"q": "值班", "cursor": cursor}).status_code == 404
    assert client.get("/api/v1/search/", {"q": "值班", "cursor": "@@@"}).status_code == 200  # read as no cursor


def test_highlight_escapes_and_cuts():
    text = "甲" * 100 + "<值班>" + "乙" * 100
    html = str(index.highlight(text, ["值班"], length=30))
    assert html.startswith("…") and html.endswith("…")
    assert "&lt;<mark>值班</mark>&gt;" in html
    assert str(index.highlight("a<b>", [])) == "a&lt;b&gt;"


# --- Query budget ---------------------------------------------------------------------------------


def _many(bureau, size):
    for n in range(size):
        document_create(drafter=bureau.drafter, title=f"关于值班安排的通知{n}", doc_type="notice", body="<p>值班</p>")
    leader = LeaderFactory(department=bureau.office_member.department, clearance=SECRET)
    for n in range(size):
        matter_create(actor=leader, title=f"值班事项{n}", lead=bureau.drafter, due_on=date(2026, 3, 6))


@pytest.mark.parametrize("size", [2, 8])
def test_page_queries_do_not_grow(client_of, bureau, size, django_assert_num_queries):
    _many(bureau, size)
    client = client_of(bureau.drafter)
    client.get(reverse("workload:search"), {"q": "值班"})
    # 1 session, 2 user, 3 the person's roles (the visibility rules), 4-5 the hits: on PostgreSQL
    # the best candidates (a page and a margin, ranked) and those of them the person may see; on
    # SQLite one query per rank tier, here the title's hits and then the rest, each asking the
    # rules of its candidates in turn; 6 the unread notification badge.
    with django_assert_num_queries(6):
        response = client.get(reverse("workload:search"), {"q": "值班"})
    assert response.content.decode().count('class="mb-3 xt-search-hit"') == 2 * size


@pytest.mark.parametrize("size", [2, 8])
def test_api_queries_do_not_grow(bureau, size, django_assert_num_queries):
    _many(bureau, size)
    client = api(bureau.drafter)
    client.get("/api/v1/search/", {"q": "值班"})
    # 1-2 the hits, as on the page (the person's roles were read by the first request and stay
    # with the authenticated person).
    with django_assert_num_queries(2):
        response = client.get("/api/v1/search/", {"q": "值班"})
    assert len(response.json()["results"]) == 2 * size


def test_the_best_match_comes_first_however_old(bureau):
    """Every match is ranked (the title above the text), not only the newest."""
    titled = document_create(drafter=bureau.drafter, title="值班制度", doc_type="notice").pk
    for n in range(30):
        document_create(drafter=bureau.drafter, title=f"通知{n}", doc_type="notice", body="<p>值班</p>")
    assert doc_ids(bureau.drafter, "值班")[0] == titled


def test_hits_can_be_narrowed_to_one_type(client_of, bureau, duty):
    leader = LeaderFactory(department=bureau.office_member.department, clearance=SECRET)
    matter = matter_create(actor=leader, title="春节值班检查", lead=bureau.drafter, due_on=date(2026, 3, 6))
    assert set(found(bureau.drafter, "值班")) >= {("document", duty.pk), ("matter", matter.pk)}
    hits = index.hits(index.search(user=bureau.drafter, query="值班", only="matter").entries, "值班")
    assert [(h.type, h.id) for h in hits] == [("matter", matter.pk)]
    body = page(client_of(bureau.drafter), "值班", type="matter").content.decode()
    assert f'id="hit-matter-{matter.pk}"' in body and f'id="hit-document-{duty.pk}"' not in body
    assert 'id="search-type-document"' in body
    data = api(bureau.drafter).get("/api/v1/search/", {"q": "值班", "type": "document"}).json()
    assert {r["type"] for r in data["results"]} == {"document"}


@pytest.mark.parametrize("kind", ["workitem", "Document", "\x00", "9" * 30])
def test_an_unknown_type_is_a_400(client_of, bureau, kind):
    assert page(client_of(bureau.drafter), "值班", type=kind).status_code == 400
    reply = api(bureau.drafter).get("/api/v1/search/", {"q": "值班", "type": kind})
    assert reply.status_code == 400 and reply.json()["fields"]["type"]
