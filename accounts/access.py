"""Who a person is in the organization: the office, a leader, an administrator, a head."""

from typing import Any

from django.core.cache import cache
from django.db.models import Exists, OuterRef, Q, QuerySet

from .models import Department, User


def office_department() -> Department | None:
    return Department.objects.filter(is_office=True).first()


def is_office_member(user: Any) -> bool:
    """Members of the office department act as the office (审核, 督办, arbitration)."""
    if not getattr(user, "is_authenticated", False) or user.department_id is None:
        return False
    cached = getattr(user, "_xietong_is_office", None)
    if cached is None:
        _load_roles(user)
        cached = user._xietong_is_office
    return bool(cached)


# How long the navigation remembers that someone is in the office (a changed office shows or hides
# its links within this time; the pages themselves always ask ``is_office_member``).
NAVIGATION_ROLE_SECONDS = 300


def is_office_member_for_navigation(user: Any) -> bool:
    """``is_office_member`` remembered in the cache: the navigation asks it on every page, and a
    page that does not need the person's roles should not query them for a link."""
    key = f"accounts:office:{user.pk}:{user.department_id}"
    cached = cache.get(key)
    if cached is None:
        cached = is_office_member(user)
        cache.set(key, cached, NAVIGATION_ROLE_SECONDS)
    return bool(cached)


def _load_roles(user: Any) -> None:
    """Whether ``user`` is in the office and which departments they head, in one query: most pages
    that ask one (visibility rules) ask the other; each answer is kept on the user for the request."""
    mine = Department.objects.filter(Q(head=user) | Q(pk=user.department_id, is_office=True))
    rows = list(mine.values_list("id", "head_id", "is_office"))
    user._xietong_is_office = any(pk == user.department_id and office for pk, _head, office in rows)
    user._xietong_headed = [pk for pk, head, _office in rows if head == user.pk]


def role_annotations() -> dict[str, Exists]:
    """What ``_load_roles`` finds, as two figures a query of people may select beside each person's
    row (``User.objects.filter(pk=…).values(**role_annotations())``): ``role_office`` (in the office)
    and ``role_heads`` (heads a department). A page that reads the person's row anyway (my desk's
    counts) hands them to ``remember_roles`` and saves the roles query."""
    return {
        "role_office": Exists(Department.objects.filter(pk=OuterRef("department_id"), is_office=True)),
        "role_heads": Exists(Department.objects.filter(head=OuterRef("pk"))),
    }


def remember_roles(user: Any, *, office: bool, heads: bool) -> None:
    """Keep on ``user`` for the request what ``role_annotations`` said of them, read in the same
    request (never kept longer: roles change). Which departments a head heads is still looked up,
    when a rule asks; that someone heads none is known now."""
    user._xietong_is_office = bool(office) and user.department_id is not None
    if not heads:
        user._xietong_headed = []


def is_leader(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_leader)


def is_admin(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_superuser)


def sees_everything(user: Any) -> bool:
    """Leaders, the office and administrators oversee all work (dashboards, supervision)."""
    return is_leader(user) or is_admin(user) or is_office_member(user)


def headed_department_ids(user: Any) -> list[int]:
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_xietong_headed", None)
    if cached is None:
        _load_roles(user)
        cached = user._xietong_headed
    return list(cached)


def head_of(user: User) -> User | None:
    """The head of the person's department (None when there is none, or it is the person)."""
    if user.department_id is None:
        return None
    head = User.objects.filter(headed_departments__id=user.department_id, is_active=True).first()
    return head if head is not None and head.pk != user.pk else None


def office_heads() -> QuerySet[User]:
    return User.objects.filter(headed_departments__is_office=True, is_active=True)
