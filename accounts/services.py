"""Writes to the organization: departments and people. Administrators only."""

import unicodedata
from collections.abc import Iterable
from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.enums import Classification
from core.errors import PermissionDenied, ValidationError

from .access import is_admin
from .models import Department, User

ROLES = ("leader", "admin")


def _require_admin(actor: Any) -> None:
    if not is_admin(actor):
        raise PermissionDenied(_("Only administrators may change the organization."))


def _check_office_unique(*, is_office: bool, exclude_pk: int | None = None) -> None:
    others = Department.objects.filter(is_office=True)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    if is_office and others.exists():
        raise ValidationError(
            _("There is already a general office department."),
            fields={"is_office": [_("Only one department can be the general office.")]},
        )


@transaction.atomic
def department_create(
    *,
    actor: Any,
    name: str,
    code: str,
    parent: Department | None = None,
    doc_prefix: str = "",
    is_office: bool = False,
    order: int = 0,
    head: User | None = None,
) -> Department:
    _require_admin(actor)
    if Department.objects.filter(code=code).exists():
        raise ValidationError(
            _("The code %(code)s is already used.") % {"code": code},
            fields={"code": [_("Choose another code.")]},
        )
    _check_office_unique(is_office=is_office)
    dept = Department.objects.create(
        name=name, code=code, parent=parent, doc_prefix=doc_prefix, is_office=is_office, order=order, head=head
    )
    audit_record(actor=actor, verb="department.create", target=dept, data={"name": name, "code": code})
    return dept


DEPARTMENT_FIELDS = {"name", "code", "parent", "doc_prefix", "is_office", "order", "head", "is_active"}


@transaction.atomic
def department_update(*, actor: Any, department: Department, **changes: Any) -> Department:
    """Change any of DEPARTMENT_FIELDS; the head must be an active person."""
    _require_admin(actor)
    unknown = set(changes) - DEPARTMENT_FIELDS
    if unknown:
        raise ValidationError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    dept = Department.objects.select_for_update().get(pk=department.pk)
    if "is_office" in changes:
        _check_office_unique(is_office=changes["is_office"], exclude_pk=dept.pk)
    if "code" in changes and Department.objects.filter(code=changes["code"]).exclude(pk=dept.pk).exists():
        raise ValidationError(_("The code is already used."), fields={"code": [_("Choose another code.")]})
    head = changes.get("head")
    if head is not None and not head.is_active:
        raise ValidationError(_("The head must be an active person."), fields={"head": [_("Choose an active person.")]})
    parent = changes.get("parent")
    if parent is not None:
        cursor: Department | None = parent
        while cursor is not None:
            if cursor.pk == dept.pk:
                raise ValidationError(
                    _("A department cannot be placed under itself."),
                    fields={"parent": [_("Choose a department outside this branch.")]},
                )
            cursor = cursor.parent
    for field, value in changes.items():
        setattr(dept, field, value)
    dept.save()
    audit_record(
        actor=actor,
        verb="department.update",
        target=dept,
        data={k: getattr(v, "pk", v) for k, v in changes.items()},
    )
    return dept


def _validate_roles(roles: Iterable[str]) -> list[str]:
    roles = list(roles)
    bad = [r for r in roles if r not in ROLES]
    if bad:
        raise ValidationError(
            _("Unknown role: %(r)s") % {"r": ", ".join(bad)},
            fields={"roles": [_("Roles are leader and admin.")]},
        )
    return roles


@transaction.atomic
def user_create(
    *,
    actor: Any,
    username: str,
    password: str | None,
    name: str,
    department: Department | None = None,
    roles: Iterable[str] = (),
    clearance: str = Classification.INTERNAL,
    title: str = "",
    email: str = "",
    phone: str = "",
) -> User:
    """A new person. ``password=None`` leaves them without one (they cannot log in until it is set)."""
    _require_admin(actor)
    roles = _validate_roles(roles)
    if clearance not in Classification.values:
        raise ValidationError(_("Unknown clearance."), fields={"clearance": [_("Choose a listed clearance.")]})
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError(
            _("The username %(u)s is taken.") % {"u": username},
            fields={"username": [_("Choose another username.")]},
        )
    user = User(
        username=username,
        name=name,
        department=department,
        clearance=clearance,
        title=title,
        email=email,
        phone=phone,
        is_leader="leader" in roles,
        is_superuser="admin" in roles,
        is_staff="admin" in roles,
    )
    _set_password(user, password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:  # a concurrent create of the same username
        raise ValidationError(
            _("The username is taken."), fields={"username": [_("Choose another username.")]}
        ) from exc
    audit_record(actor=actor, verb="user.create", target=user, data={"username": username, "roles": roles})
    return user


def _set_password(user: User, password: str | None) -> None:
    """A validated new password, or None: no password-based login (not saved here)."""
    if password is None:
        user.set_unusable_password()
        return
    try:
        password_validation.validate_password(password, user)
    except DjangoValidationError as exc:
        raise ValidationError(exc.messages[0], fields={"password": exc.messages}) from exc
    user.set_password(password)


USER_FIELDS = {"name", "department", "title", "clearance", "email", "phone", "is_active", "roles", "password"}


@transaction.atomic
def user_update(*, actor: Any, user: User, **changes: Any) -> User:
    _require_admin(actor)
    unknown = set(changes) - USER_FIELDS
    if unknown:
        raise ValidationError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    target = User.objects.select_for_update().get(pk=user.pk)
    recorded = {k: getattr(v, "pk", v) for k, v in changes.items() if k != "password"}
    if "password" in changes:
        # An administrator sets a new password (validated), or None: no password-based login.
        password = changes.pop("password")
        _set_password(target, password)
        recorded["password"] = "set" if password is not None else "disabled"  # never the password itself
    if "roles" in changes:
        roles = _validate_roles(changes.pop("roles"))
        recorded["roles"] = roles
        target.is_leader = "leader" in roles
        target.is_superuser = target.is_staff = "admin" in roles
        if target.pk == actor.pk and "admin" not in roles:
            raise ValidationError(_("You cannot remove your own administrator role."))
    for field, value in changes.items():
        setattr(target, field, value)
    target.save()
    # Deactivated (or still inactive), or a new password set: no API token of theirs may work.
    if not target.is_active or "password" in recorded:
        api_tokens_revoke_all(user=target)
    audit_record(actor=actor, verb="user.update", target=target, data=recorded)
    return target


PROFILE_FIELDS = {"email", "phone"}


@transaction.atomic
def profile_update(*, user: User, **changes: Any) -> User:
    """What people may change about themselves: contact details (the rest is the org chart's)."""
    unknown = set(changes) - PROFILE_FIELDS
    if unknown:
        raise ValidationError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    for field, value in changes.items():
        setattr(user, field, value)
    user.save(update_fields=list(changes))
    audit_record(actor=user, verb="profile.update", target=user, data=dict(changes))
    return user


@transaction.atomic
def api_token_issue(*, user: User) -> str:
    """A new API token for the person (each sign-in gets its own; it ends after API_TOKEN_HOURS).
    Only its SHA-512 digest is stored (django-rest-knox); every issue is audited."""
    from knox.models import AuthToken

    instance, token = AuthToken.objects.create(user=user)
    audit_record(actor=user, verb="auth.token", target=user, data={"expiry": instance.expiry.isoformat()})
    return token


@transaction.atomic
def api_token_revoke(*, user: User, token: Any) -> None:
    """``POST /api/v1/auth/logout/``: the token the request came with ends (the person's others stay)."""
    token.delete()
    audit_record(actor=user, verb="auth.logout", target=user)


@transaction.atomic
def api_tokens_revoke_all(*, user: User) -> int:
    """Every API token of the person ends: on a password change and on deactivation (called inside
    those services' transactions). Returns how many there were."""
    from knox.models import AuthToken

    deleted, _by_model = AuthToken.objects.filter(user=user).delete()
    return deleted


def _loggable_username(username: object) -> str:
    """A typed username as safe data: no control or surrogate characters (PostgreSQL refuses a NUL
    or a lone surrogate in JSON), at most 150 characters (a username's length)."""
    text = str(username or "")
    return "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cs"))[:150]


def login_record(*, user: User, channel: str) -> None:
    """A successful sign-in (``channel``: "session" for the login page, "token" for the API)."""
    audit_record(actor=user, verb="auth.login", target=user, data={"channel": channel})


def login_failure_record(*, username: object) -> None:
    """A failed sign-in (wrong password, unknown or locked-out username): the username as typed,
    the address from the request; no actor, since no one signed in."""
    audit_record(actor=None, verb="auth.login_failed", data={"username": _loggable_username(username)})


@transaction.atomic
def password_change(*, user: User, new_password: str) -> User:
    """A person sets a new password (the form has checked the old one and the validators).
    Their API tokens end with the old password."""
    user.set_password(new_password)
    user.save(update_fields=["password"])
    revoked = api_tokens_revoke_all(user=user)
    audit_record(actor=user, verb="auth.password_change", target=user, data={"tokens_revoked": revoked})
    return user
