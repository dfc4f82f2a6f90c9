"""API plumbing shared by every app: the error format, cursor pagination, target references."""

import contextlib
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import defaults
from rest_framework import exceptions, pagination, serializers
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import DomainError, NotFound
from .parsers import printable as _printable

# The largest id a database integer key holds; larger "ids" in a URL are simply not found.
_MAX_ID = 2**63 - 1


def _field_errors(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as ``{"field": ["message", ...]}``; nested places get dotted keys
    (``roles.0``, ``attendees.1.user``) so that every value stays a list of messages."""
    errors: dict[str, list[str]] = {}

    def add(key: str, messages: list[str]) -> None:
        errors.setdefault(key, []).extend(messages)

    if isinstance(detail, dict):
        for key, value in detail.items():
            for sub, messages in _field_errors(value, f"{prefix}.{key}" if prefix else str(key)).items():
                add(sub, messages)
    elif isinstance(detail, list):
        for index, item in enumerate(detail):
            if isinstance(item, dict | list):
                for sub, messages in _field_errors(item, f"{prefix}.{index}" if prefix else str(index)).items():
                    add(sub, messages)
            else:
                add(prefix or "non_field_errors", [str(item)])
    else:
        add(prefix or "non_field_errors", [str(detail)])
    return errors


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Every API error is ``{"detail", "code", "fields"?}`` (API.md, Conventions)."""
    if isinstance(exc, DomainError):
        body: dict[str, Any] = {"detail": exc.message, "code": exc.code, **exc.extra}
        if exc.fields:
            body["fields"] = exc.fields
        return Response(body, status=exc.status_code)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = _field_errors(exc.detail)
        # The summary names the first field at fault, so that a person can act on it alone.
        field, messages = next(iter(fields.items()), ("", [_("Some of the input is not valid.")]))
        first = str(messages[0]) if field in ("", "non_field_errors") else f"{field}: {messages[0]}"
        response.data = {
            "detail": _printable(first),
            "code": "invalid",
            "fields": {_printable(k): [_printable(str(m)) for m in v] for k, v in fields.items()},
        }
    else:
        detail = getattr(exc, "detail", str(exc))
        code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        response.data = {"detail": _printable(str(detail)), "code": code if isinstance(code, str) else "error"}
    return response


class CursorPagination(pagination.CursorPagination):
    """``{"results", "next", "previous"}``; stable under inserts, constant cost at any depth."""

    ordering = "-id"
    _position_field: Any = None
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_ordering(self, request: Any, queryset: Any, view: Any) -> tuple[str, ...]:
        # A view may declare its own ``ordering``: its first field must be a plain column of the
        # listed model (the cursor holds its value), the last one unique (``id``) for a stable order.
        ordering = getattr(view, "ordering", None)
        if ordering:
            return (ordering,) if isinstance(ordering, str) else tuple(ordering)
        return super().get_ordering(request, queryset, view)

    def paginate_queryset(self, queryset: Any, request: Any, view: Any = None) -> Any:
        # The cursor's position is checked against the column it is compared with (decode_cursor).
        self._position_field = None
        ordering = self.get_ordering(request, queryset, view)
        # The rows' model, or the view's (a list built of rows rather than a QuerySet names it there).
        model = getattr(queryset, "model", None) or getattr(getattr(view, "queryset", None), "model", None)
        with contextlib.suppress(AttributeError, FieldDoesNotExist):
            self._position_field = model._meta.get_field(ordering[0].lstrip("-"))  # type: ignore[union-attr]
        return super().paginate_queryset(queryset, request, view)

    def decode_cursor(self, request: Any) -> Any:
        """A forged cursor (base64 junk, ``p=abc`` on an id, a position past the column's range,
        a NUL character) is DRF's 404 "invalid cursor" in the error format, never a database error."""
        invalid = exceptions.NotFound(self.invalid_cursor_message)
        cursor = super().decode_cursor(request)
        if cursor is None or cursor.position is None:
            return cursor
        if "\x00" in cursor.position:
            raise invalid
        field = self._position_field
        if field is not None:
            try:
                value = field.to_python(cursor.position)
            except (DjangoValidationError, ValueError, TypeError, OverflowError) as exc:
                raise invalid from exc
            if isinstance(field, models.IntegerField | models.AutoField) and not -_MAX_ID <= value <= _MAX_ID:
                raise invalid
        return cursor

    def get_paginated_response(self, data: Any) -> Response:
        return Response({"results": data, "next": self.get_next_link(), "previous": self.get_previous_link()})

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "object",
            "required": ["results"],
            "properties": {
                "results": schema,
                "next": {"type": "string", "nullable": True, "format": "uri"},
                "previous": {"type": "string", "nullable": True, "format": "uri"},
            },
        }


class TargetSerializer(serializers.Serializer):
    """A reference to the object a work item or notification is about."""

    type = serializers.CharField()
    id = serializers.IntegerField()
    url = serializers.CharField(allow_null=True)


class ErrorSerializer(serializers.Serializer):
    """The error body, for the schema."""

    detail = serializers.CharField()
    code = serializers.CharField()
    fields = serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False)


ERROR_DESCRIPTIONS = {
    400: gettext_lazy("Invalid input: `fields` names each field and what is wrong with it."),
    401: gettext_lazy("Not authenticated: send `Authorization: Token <token>` or log in."),
    403: gettext_lazy("The object is visible but this action is not yours to take."),
    404: gettext_lazy("Does not exist, or is not visible to you."),
    409: gettext_lazy("The current state forbids this action."),
    413: gettext_lazy("The upload is too large."),
    429: gettext_lazy("Too many attempts; wait and try again."),
}


def error_responses(*codes: int) -> dict[int, Any]:
    """Schema entries of the error format for ``extend_schema(responses=...)``; 401 always applies."""
    from drf_spectacular.utils import OpenApiResponse

    return {
        code: OpenApiResponse(ErrorSerializer, description=ERROR_DESCRIPTIONS.get(code, ""))
        for code in sorted({401, *codes})
    }


def object_id(value: Any) -> int:
    """A URL id as an integer; anything else (``abc``, ``-1``, 30 digits) is a 404, never a 500."""
    text = str(value)
    if not text.isascii() or not text.isdigit() or not 0 < int(text) <= _MAX_ID:
        raise NotFound()
    return int(text)


class StrictSerializer(serializers.Serializer):
    """An input serializer that refuses fields it does not know (a typo must not pass silently)."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping):
            known = {name for name, field in self.fields.items() if not field.read_only}
            unknown = sorted(str(key) for key in data if key not in known)
            if unknown:
                raise serializers.ValidationError({key: [_("Unknown field.")] for key in unknown})
        return super().to_internal_value(data)


def _is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """``handler400``: JSON under ``/api/``, Django's page elsewhere."""
    if _is_api(request):
        return JsonResponse({"detail": str(exceptions.ParseError.default_detail), "code": "bad_request"}, status=400)
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    """``handler403``: JSON under ``/api/``, Django's page elsewhere."""
    if _is_api(request):
        detail = str(exceptions.PermissionDenied.default_detail)
        return JsonResponse({"detail": detail, "code": "permission_denied"}, status=403)
    return defaults.permission_denied(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: with DEBUG off an unexpected failure under ``/api/`` is still the error format."""
    if _is_api(request):
        return JsonResponse({"detail": _("A server error occurred."), "code": "server_error"}, status=500)
    return defaults.server_error(request)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """``handler404``: an address that matches no route is JSON in the error format under ``/api/``
    (e.g. ``/api/v1/users/1.5/``), and Django's page everywhere else."""
    if _is_api(request):
        return JsonResponse({"detail": str(exceptions.NotFound.default_detail), "code": "not_found"}, status=404)
    return defaults.page_not_found(request, exception)


def schema_postprocess(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """drf-spectacular hook: every paged list declares the 400 of a bad filter and the 404 of a
    forged or stale ``cursor``."""
    descriptions = {400: ERROR_DESCRIPTIONS[400], 404: gettext_lazy("The `cursor` is not valid.")}
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            names = {p.get("name") for p in operation.get("parameters", []) if isinstance(p, dict)}
            if CursorPagination.cursor_query_param not in names:
                continue
            for code, description in descriptions.items():
                operation["responses"].setdefault(
                    str(code),
                    {
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                        "description": str(description),
                    },
                )
            operation["responses"] = dict(sorted(operation["responses"].items()))
    return result
