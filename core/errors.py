"""Domain errors raised by services; pages and the API map each to one HTTP status."""

from collections.abc import Mapping, Sequence

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A refusal a person can act on. ``code`` is stable for API clients; ``message`` is shown."""

    status_code = 400
    default_code = "invalid"
    default_message = _("The request could not be carried out.")

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        fields: Mapping[str, Sequence[str]] | None = None,
        extra: Mapping[str, object] | None = None,
    ) -> None:
        self.message = str(message if message is not None else self.default_message)
        self.code = code or self.default_code
        self.fields = {k: [str(m) for m in v] for k, v in (fields or {}).items()}
        self.extra = dict(extra or {})
        super().__init__(self.message)


class ValidationError(DomainError):
    status_code = 400
    default_code = "invalid"
    default_message = _("Some of the input is not valid.")


class PermissionDenied(DomainError):
    """The object is visible to the user but the action is not theirs to take."""

    status_code = 403
    default_code = "permission_denied"
    default_message = _("You may not do this.")


class NotFound(DomainError):
    """Does not exist, or is not visible to this user (never 403 for what they may not see)."""

    status_code = 404
    default_code = "not_found"
    default_message = _("Not found.")


class Conflict(DomainError):
    """The current state forbids the action (already decided, not the current step, a clash)."""

    status_code = 409
    default_code = "conflict"
    default_message = _("This cannot be done in the current state.")


class RateLimited(DomainError):
    status_code = 429
    default_code = "rate_limited"
    default_message = _("Too many requests; try again later.")
