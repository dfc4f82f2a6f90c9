"""The affairs FilterSets (issue 7, item 15): one filter per list for page and API, constant queries."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from affairs.filters import MatterFilter, WorkPlanFilter
from affairs.selectors import matter_list
from affairs.services import matter_create
from tests.api import as_

pytestmark = pytest.mark.django_db

BIG = "99999999999999999999999"


@pytest.mark.parametrize("rows", [3, 30])
def test_filtered_matter_list_query_count_does_not_grow(leader, user, assistant, rows, django_assert_num_queries):
    for i in range(rows):
        matter_create(actor=leader, title=f"事项{i}", lead=user, assisting=[assistant], due_on=date(2026, 3, 6))
    client = as_(leader)
    # the leader's visibility, the owner's row (the filter checks the id), the page of matters.
    with django_assert_num_queries(3):
        response = client.get("/api/v1/matters/", {"owner": assistant.pk, "status": "in_progress", "mine": "1"})
    assert len(response.json()["results"]) == rows


def test_filtered_matter_page_query_count_does_not_grow(client, leader, user, assistant):
    def make(n):
        for i in range(n):
            matter_create(actor=leader, title=f"事项{i}", lead=user, assisting=[assistant], due_on=date(2026, 3, 6))

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/affairs/matters/", {"owner": assistant.pk, "priority": "routine", "q": "事项"})
        assert response.status_code == 200
        return len(queries), len(response.context["matters"])

    client.force_login(leader)
    make(3)
    client.get("/affairs/matters/")  # the session and per-process caches warm
    small = count()
    make(40)
    large = count()
    assert (small[1], large[1]) == (3, 25)
    assert small[0] == large[0]


def test_bad_values_are_form_errors_and_are_not_applied(leader, user):
    matter_create(actor=leader, title="事项", lead=user, due_on=date(2026, 3, 6))
    filters = MatterFilter({"owner": BIG, "priority": "routine"}, queryset=matter_list(user=leader))
    assert not filters.is_valid()
    assert set(filters.errors) == {"owner"}
    assert len(filters.qs) == 1  # the valid filter still applies


@pytest.mark.parametrize(("year", "valid"), [("2026", True), ("1.5", False), (BIG, False), ("-1", False)])
def test_plan_year_is_a_whole_year(leader, year, valid):
    assert WorkPlanFilter({"year": year}, queryset=matter_list(user=leader).none()).is_valid() is valid


@pytest.mark.parametrize(("value", "ticked"), [("on", True), ("1", True), ("0", False), ("", False)])
def test_flag_checkbox_is_ticked_for_yes_only(client, leader, value, ticked):
    client.force_login(leader)
    html = client.get("/affairs/matters/", {"overdue": value}).content.decode()
    tag = next(t for t in html.split("<input") if 'name="overdue"' in t)
    assert ("checked" in tag.split(">")[0]) is ticked


def test_matter_filter_forms_share_a_class_not_their_fields_or_querysets(user, assistant):
    from accounts.models import Department

    first = MatterFilter({"owner": BIG, "status": "bogus"}, queryset=matter_list(user=user))
    second = MatterFilter({"owner": str(assistant.pk)}, queryset=matter_list(user=user))

    assert type(first.form) is type(second.form)
    assert not first.is_valid() and {"owner", "status"} <= set(first.errors)
    assert second.is_valid() and second.form.cleaned_data["owner"] == assistant
    # Each form its own fields and querysets: a department added since shows in the next form.
    department = first.form.fields["department"]
    assert department is not second.form.fields["department"]
    assert department.queryset is not second.form.fields["department"].queryset
    new = Department.objects.create(name="新设处室")
    third = MatterFilter({}, queryset=matter_list(user=user))
    assert new.pk in {pk for pk, _label in third.form.fields["department"].choices if pk}


def test_a_filter_set_whose_choices_follow_the_request_cannot_keep_its_form_class():
    import django_filters

    from core.filters import FixedFormFilterSet
    from workload.models import WorkItem

    class PerRequest(FixedFormFilterSet):
        who = django_filters.ModelChoiceFilter(queryset=lambda request: WorkItem.objects.none())

        class Meta:
            model = WorkItem
            fields = ["who"]

    with pytest.raises(TypeError, match="from the request"):
        PerRequest({}).form  # noqa: B018
