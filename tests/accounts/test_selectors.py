"""People search (name, username, pinyin) and the department tree."""

import pytest

from accounts.selectors import department_tree, people_search
from tests.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(department):
    return {
        "zwt": UserFactory(username="zhangwt", name="张文涛", department=department),
        "zw": UserFactory(username="zhangwei", name="张伟", department=department),
        "lm": UserFactory(username="liming", name="李明", department=department),
        "gone": UserFactory(username="zhangwt2", name="张文涛", department=department, is_active=False),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("zwt", {"zwt"}),  # pinyin initials
        ("ZWT", {"zwt"}),
        ("zhangw", {"zwt", "zw"}),  # full pinyin prefix
        ("张", {"zwt", "zw"}),  # part of the name
        ("liming", {"lm"}),  # username
        ("nobody", set()),
    ],
)
def test_people_search(people, head, query, expected):
    found = {p.pk for p in people_search(user=head, q=query)}
    assert found == {people[k].pk for k in expected}


def test_people_search_excludes_inactive_and_limits(people, user):
    assert people["gone"].pk not in {p.pk for p in people_search(user=user, q="")}
    assert len(people_search(user=user, q="", limit=2)) == 2


def test_department_tree_orders_children_under_parents(user):
    root = DepartmentFactory(name="局机关", code="root", order=0)
    child_b = DepartmentFactory(name="乙处", code="b", parent=root, order=2)
    child_a = DepartmentFactory(name="甲处", code="a", parent=root, order=1)
    grandchild = DepartmentFactory(name="甲科", code="a1", parent=child_a, order=0)
    tree = [(d.code, depth) for d, depth in department_tree(user=user) if d.code in {"root", "a", "b", "a1"}]
    assert tree == [("root", 0), ("a", 1), ("a1", 2), ("b", 1)]
    assert grandchild and child_b
