"""API token authentication: django-rest-knox's, hardened against junk headers.

Why knox rather than DRF's own tokens extended: knox is a kept library that already stores only a
SHA-512 digest of each token, gives every sign-in its own token with an expiry, and deletes expired
ones as it meets them; DRF's ``authtoken`` keeps the token in clear, one per person, forever. The
header stays ``Authorization: Token <token>`` (settings.REST_KNOX: AUTH_HEADER_PREFIX "Token", no
token prefix).
"""

import re
from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from knox.settings import knox_settings
from rest_framework import exceptions

# What knox issues: AUTH_TOKEN_CHARACTER_LENGTH hexadecimal characters (after TOKEN_PREFIX, unused here).
_TOKEN = re.compile(rb"[0-9a-f]{%d}" % knox_settings.AUTH_TOKEN_CHARACTER_LENGTH)


class TokenAuthentication(KnoxTokenAuthentication):
    """knox's token check; a token that cannot be one of ours (old 40-character DRF tokens, bytes
    that are not UTF-8, NUL characters the database would refuse) is a 401 before any query."""

    def authenticate_credentials(self, token: bytes) -> Any:
        if not _TOKEN.fullmatch(token):
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        return super().authenticate_credentials(token)


class TokenScheme(OpenApiAuthenticationExtension):
    """How the schema describes the token: ``Authorization: Token <token>``."""

    target_class = TokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return build_bearer_security_scheme_object(
            header_name="Authorization", token_prefix=knox_settings.AUTH_HEADER_PREFIX
        )
