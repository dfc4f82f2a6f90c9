"""Sign-in lock-out: django-axes per username and address, plus a cap per address against spraying.

django-axes applies one failure limit to every lock-out parameter, so "5 failures for one username
from one address" and "failures for many usernames from one address" cannot both be said in its
settings. This handler (``AXES_HANDLER``, the documented extension point) keeps axes' database
handler and adds the second rule: an address that has failed for ``AXES_ADDRESS_USERNAME_LIMIT``
different usernames within the cool-off is locked out for every username. Counting usernames rather
than failures means one person retrying a locked account cannot lock out an office that shares an
address; a successful sign-in clears that person's failures, so colleagues' typos do not add up.
"""

from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.http import HttpRequest


def address_username_limit() -> int:
    return int(getattr(settings, "AXES_ADDRESS_USERNAME_LIMIT", 10))


class LockoutHandler(AxesDatabaseHandler):
    def usernames_failed_from(self, request: HttpRequest) -> int:
        """How many different usernames failed from the request's address within the cool-off."""
        address = getattr(request, "axes_ip_address", None)
        if not address:
            return 0
        attempts = AccessAttempt.objects.filter(ip_address=address)
        if settings.AXES_COOLOFF_TIME is not None:
            attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
        return attempts.values("username").distinct().count()

    def address_locked(self, request: HttpRequest) -> bool:
        limit = address_username_limit()
        return limit > 0 and self.usernames_failed_from(request) >= limit

    def is_locked(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> bool:
        return bool(super().is_locked(request, credentials)) or self.address_locked(request)

    def user_login_failed(
        self, sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
    ) -> None:
        super().user_login_failed(sender, credentials, request=request, **kwargs)
        if request is None or getattr(request, "axes_locked_out", False):
            return
        if self.address_locked(request) and not self.is_whitelisted(request, credentials):
            # The failure that reaches the cap already answers with the lock-out page.
            request.axes_locked_out = True  # type: ignore[attr-defined]
            request.axes_credentials = credentials  # type: ignore[attr-defined]
            user_locked_out.send(
                "axes",
                request=request,
                username=get_client_username(request, credentials),
                ip_address=getattr(request, "axes_ip_address", None),
            )
