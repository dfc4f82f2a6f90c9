"""The work-item lists' FilterSets (issue 7, item 15): the API's list goes through DRF's
``filter_queryset`` with WorkItemFilter, whose scope chooses the rows; the desk reads its tab and
kind through DeskFilter. Bad values: a 400 naming the field in the API, ignored on the desk."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.http import QueryDict
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from accounts.models import Department
from tests.api import as_, assert_error
from tests.factories import UserFactory, WorkItemFactory
from workload import selectors
from workload.filters import DeskFilter, WorkItemFilter
from workload.models import WorkItem, WorkItemKind, WorkItemStatus

pytestmark = pytest.mark.django_db

URL = "/api/v1/work-items/"
DESK = reverse("workload:desk")
BIG = "99999999999999999999999"
SURROGATE = "%ED%A0%80"  # a lone surrogate as a query string carries it (not valid UTF-8)


def ids(response):
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def desk_ids(response):
    assert response.status_code == 200
    return [int(pk) for pk in re.findall(r'id="item-(\d+)"', response.content.decode())]


@pytest.fixture
def ledger(user, head):
    """Items of ``user`` (open task, open meeting, done task), items ``user`` assigned to ``head``
    (open task, done meeting), one ``user`` assigned to themself and one of ``head`` alone."""
    now = timezone.now()
    return {
        "task": WorkItemFactory(assignee=user, assigned_by=head),
        "meeting": WorkItemFactory(assignee=user, assigned_by=head, kind=WorkItemKind.MEETING),
        "done": WorkItemFactory(assignee=user, status=WorkItemStatus.DONE, completed_at=now),
        "given_task": WorkItemFactory(assignee=head, assigned_by=user),
        "given_done": WorkItemFactory(
            assignee=head, assigned_by=user, kind=WorkItemKind.MEETING, status=WorkItemStatus.DONE, completed_at=now
        ),
        "self": WorkItemFactory(assignee=user, assigned_by=user),
        "theirs": WorkItemFactory(assignee=head),
    }


def pks(ledger, *names):
    return sorted(ledger[n].pk for n in names)


# --- The API's list ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["task", "meeting", "done", "self"]),
        ({"scope": ""}, ["task", "meeting", "done", "self"]),
        ({"scope": "mine", "status": "open"}, ["task", "meeting", "self"]),
        ({"kind": "meeting"}, ["meeting"]),
        ({"status": "done", "kind": "task"}, ["done"]),
        ({"scope": "assigned"}, ["given_task", "given_done"]),
        ({"scope": "assigned", "status": "open"}, ["given_task"]),
        ({"scope": "assigned", "status": "done", "kind": "meeting"}, ["given_done"]),
        ({"scope": "assigned", "kind": "approval"}, []),
    ],
)
def test_api_filters_choose_the_right_rows(user, ledger, params, expected):
    assert sorted(ids(as_(user).get(URL, params))) == pks(ledger, *expected)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        (f"scope={SURROGATE}", "scope"),
        (f"kind={SURROGATE}", "kind"),
        (f"status={SURROGATE}", "status"),
        (f"status={BIG}", "status"),
        ("kind=-1", "kind"),
        ("scope=everyone&status=open", "scope"),
        ("scope=MINE", "scope"),
    ],
)
def test_api_bad_values_are_400_naming_the_field(user, ledger, query, field):
    response = as_(user).get(f"{URL}?{query}")
    assert_error(response, 400, "invalid")
    assert field in response.json()["fields"]


@pytest.mark.parametrize(
    "query", ["", "scope=", "scope=mine", "scope=assigned", "scope=assigned&scope=", "status=open&kind=task", "cursor="]
)
def test_api_list_never_holds_someone_elses_rows(user, head, ledger, query):
    """The scope always applies: whatever the filters, the person's items or assignments only."""
    listed = set(ids(as_(user).get(f"{URL}?{query}")))
    assert listed
    assert listed <= set(pks(ledger, "task", "meeting", "done", "self", "given_task", "given_done"))
    assert ids(as_(head).get(URL, {"scope": "assigned"})) == [ledger["meeting"].pk, ledger["task"].pk]


def _request(user):
    request = RequestFactory().get(URL)
    request.user = user
    return request


def test_filterset_without_a_scope_or_a_person_lists_nothing_of_anyone_elses(user, ledger):
    def listed(data=None, person=user):
        request = _request(person) if person is not None else None
        return sorted(
            WorkItemFilter(data, queryset=WorkItem.objects.all(), request=request).qs.values_list("id", flat=True)
        )

    # Unbound or without a scope: the person's own items (the default always applies).
    assert listed() == pks(ledger, "task", "meeting", "done", "self")
    assert listed(QueryDict("kind=task")) == pks(ledger, "task", "done", "self")
    # No person: no rows, not everyone's.
    assert listed({}, person=None) == []
    assert listed({}, person=AnonymousUser()) == []


@pytest.mark.parametrize("rows", [5, 40])
@pytest.mark.parametrize("params", [{"scope": "assigned", "status": "open", "kind": "task"}, {"kind": "task"}])
def test_api_filtered_query_count_does_not_grow(user, rows, params, django_assert_num_queries):
    others = UserFactory.create_batch(3)
    for n in range(rows):
        WorkItemFactory(assignee=user, assigned_by=others[n % 3])
        WorkItemFactory(assignee=others[n % 3], assigned_by=user)
    ContentType.objects.get_for_model(Department)  # the content-type cache is warm in a running server
    client = as_(user)
    # 1: the page of rows; 2: which of the page's targets the reader may see (one kind of target).
    with django_assert_num_queries(2):
        response = client.get(URL, params)
    assert len(response.json()["results"]) == rows


# --- The desk ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ("todo", None)),
        ({"tab": "done", "kind": "meeting"}, ("done", "meeting")),
        ({"tab": "assigned"}, ("assigned", None)),
        ({"tab": "", "kind": ""}, ("todo", None)),
        ({"tab": "nonsense", "kind": "task"}, ("todo", "task")),
        ({"tab": "done", "kind": "everything"}, ("done", None)),
        ({"tab": BIG, "kind": "-1"}, ("todo", None)),
        ({"tab": "\ud800", "kind": "\udc00"}, ("todo", None)),
    ],
)
def test_desk_filter_takes_offered_values_and_ignores_the_rest(user, params, expected):
    assert DeskFilter(params, request=_request(user)).chosen() == expected


@pytest.mark.parametrize(
    ("tab", "kind"), [("todo", None), ("todo", "meeting"), ("done", None), ("assigned", None), ("assigned", "meeting")]
)
def test_desk_filter_rows_are_the_desk_tab(user, ledger, tab, kind):
    """The FilterSet's rows are the tab's rows the desk's selector draws (in its own order)."""
    params = {"tab": tab, **({"kind": kind} if kind else {})}
    filtered = DeskFilter(params, request=_request(user)).qs.values_list("id", flat=True)
    drawn = [row["id"] for row in selectors.desk_rows(user=user, tab=tab, kind=kind, now=timezone.now())]
    assert sorted(filtered) == sorted(drawn)
    assert not DeskFilter(params).qs.exists()  # no person, no rows


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("tab=assigned&kind=meeting", ["given_done"]),
        ("tab=done", ["done"]),
        ("kind=meeting", ["meeting"]),
        (f"tab={SURROGATE}&kind={SURROGATE}&page={SURROGATE}", ["task", "meeting", "self"]),
        (f"tab={BIG}&kind={BIG}&page={BIG}", ["task", "meeting", "self"]),
        ("tab=assigned&tab=done&kind=task&page=-1", ["done"]),  # the last of repeated values, as Django reads them
        ("tab=%00&kind=%00&page=%00", ["task", "meeting", "self"]),
    ],
)
def test_desk_shows_the_right_rows_and_never_500s(client_of, user, ledger, query, expected):
    response = client_of(user).get(f"{DESK}?{query}")
    assert sorted(desk_ids(response)) == pks(ledger, *expected)


def test_the_filter_form_class_is_built_once_per_filterset_and_each_form_is_its_own(user):
    request = RequestFactory().get(URL)
    request.user = user
    first = WorkItemFilter(QueryDict("status=bogus"), queryset=WorkItem.objects.none(), request=request)
    second = WorkItemFilter(QueryDict("status=open"), queryset=WorkItem.objects.none(), request=request)
    desk = DeskFilter(QueryDict("tab=done"), request=request)

    assert type(first.form) is type(second.form)
    assert type(desk.form) is not type(first.form)
    assert set(desk.form.fields) == {"tab", "kind"}
    assert set(first.form.fields) == {"status", "kind", "scope"}
    # Each form holds its own fields and data: one request's errors never reach another's.
    assert not first.is_valid() and "status" in first.errors
    assert second.is_valid() and second.form.cleaned_data["status"] == "open"
    assert first.form.fields["status"] is not second.form.fields["status"]
    assert desk.chosen() == ("done", None)


def test_api_list_validates_its_filters_once(user_api, user, monkeypatch):
    # The view validates the filters and narrows the rows with them; DRF's backend (kept for the
    # schema) does not build and validate them a second time.
    WorkItemFactory(assignee=user, status=WorkItemStatus.OPEN, kind="task")
    WorkItemFactory(assignee=user, status=WorkItemStatus.DONE, kind="task", completed_at=timezone.now())
    built = []
    original = WorkItemFilter.__init__

    def counting(self, *args, **kwargs):
        built.append(self)
        original(self, *args, **kwargs)

    monkeypatch.setattr(WorkItemFilter, "__init__", counting)

    response = user_api.get(URL, {"status": "open", "kind": "task"})

    assert len(ids(response)) == 1
    assert len(built) == 1
