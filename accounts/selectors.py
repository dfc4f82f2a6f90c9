"""Reads of the organization: people search, departments."""

from typing import Any

from django.db.models import Q, QuerySet

from .models import Department, User


def people_search(*, user: Any, q: str = "", limit: int | None = None) -> QuerySet[User]:
    """Active people by name, username, full pinyin or pinyin initials (``zwt`` finds 张文涛).

    The organization chart is visible to every member of staff (it is the intranet phone book).
    """
    qs = people_matching(User.objects.filter(is_active=True).select_related("department"), q)
    qs = qs.order_by("department__order", "name", "id")
    return qs[:limit] if limit else qs


def people_matching(qs: QuerySet[User], q: str) -> QuerySet[User]:
    """``qs`` narrowed to people whose name, username, pinyin or pinyin initials match ``q``."""
    q = q.strip()
    if not q:
        return qs
    key = q.lower().replace(" ", "")
    return qs.filter(
        Q(name__icontains=q)
        | Q(username__icontains=q)
        | Q(name_initials__startswith=key)
        | Q(name_pinyin__startswith=key)
    )


def department_list(*, user: Any) -> QuerySet[Department]:
    return Department.objects.filter(is_active=True).select_related("head", "parent").order_by("order", "id")


def department_tree(*, user: Any) -> list[tuple[Department, int]]:
    """Departments in tree order with their depth, for indented lists."""
    departments = list(department_list(user=user))
    children: dict[int | None, list[Department]] = {}
    for dept in departments:
        children.setdefault(dept.parent_id, []).append(dept)
    ordered: list[tuple[Department, int]] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for dept in children.get(parent_id, []):
            ordered.append((dept, depth))
            walk(dept.pk, depth + 1)

    walk(None, 0)
    known = {d.pk for d, _ in ordered}
    # A department under an inactive parent still shows, at the top level.
    ordered.extend((d, 0) for d in departments if d.pk not in known)
    return ordered


def person_get(*, user: Any, pk: int) -> User:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(User.objects.select_related("department"), pk=pk, is_active=True)


def department_get(*, user: Any, pk: int) -> Department:
    """One department: active ones for everyone, retired ones too for administrators (to restore them)."""
    from django.shortcuts import get_object_or_404

    from .access import is_admin

    qs = Department.objects.select_related("head", "parent")
    if not is_admin(user):
        qs = qs.filter(is_active=True)
    return get_object_or_404(qs, pk=pk)
