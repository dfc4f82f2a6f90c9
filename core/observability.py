"""Logs that can be followed: a request id on every record (carried into Celery tasks), a JSON formatter.

The request id comes from an incoming ``X-Request-ID`` header when it is short and plain, otherwise
it is made here; ``core.middleware.RequestLogMiddleware`` keeps it in a context variable for the
request, and a task published during the request carries it in its message headers, so the worker's
records of that task show the same id. README "Logs and health".
"""

import json
import logging
import re
import uuid
from contextvars import ContextVar, Token
from datetime import UTC, datetime
from typing import Any

from celery.signals import before_task_publish, task_postrun, task_prerun

HEADER = "X-Request-ID"
TASK_HEADER = "request_id"
_VALID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")

_request_id: ContextVar[str | None] = ContextVar("xietong_request_id", default=None)
_user_id: ContextVar[int | None] = ContextVar("xietong_user_id", default=None)
# The context a task's run set, so that its end restores what was there before (task id -> token).
_task_tokens: dict[str, Token[str | None]] = {}

# Fields a record may carry (``extra=``) that the JSON formatter writes out when present.
EXTRA_FIELDS = ("method", "path", "status", "duration_ms")


def valid_request_id(value: str | None) -> str | None:
    """``value`` when it is a usable id (1 to 64 letters, digits and ``.-_:``), else None."""
    if value and _VALID.fullmatch(value):
        return value
    return None


def new_request_id() -> str:
    return uuid.uuid4().hex


def current_request_id() -> str | None:
    return _request_id.get()


def bind(request_id: str | None, user_id: int | None = None) -> tuple[Token[str | None], Token[int | None]]:
    return _request_id.set(request_id), _user_id.set(user_id)


def bind_user(user_id: int | None) -> None:
    _user_id.set(user_id)


def unbind(tokens: tuple[Token[str | None], Token[int | None]]) -> None:
    _request_id.reset(tokens[0])
    _user_id.reset(tokens[1])


class RequestContextFilter(logging.Filter):
    """Adds ``request_id`` and ``user_id`` to every record (``-`` and None outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = _request_id.get() or "-"
        if getattr(record, "user_id", None) is None:
            record.user_id = _user_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, request_id, user_id and the
    request's method, path, status and duration when the record carries them."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or _request_id.get(),
            "user_id": getattr(record, "user_id", None) or _user_id.get(),
        }
        for name in EXTRA_FIELDS:
            if (value := getattr(record, name, None)) is not None:
                entry[name] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


# --- Celery: the id travels in the task message --------------------------------------------


@before_task_publish.connect
def _add_request_id_header(headers: dict[str, Any] | None = None, **kwargs: Any) -> None:
    request_id = _request_id.get()
    if request_id and headers is not None:
        headers.setdefault(TASK_HEADER, request_id)


@task_prerun.connect
def _bind_task_request_id(task_id: str | None = None, task: Any = None, **kwargs: Any) -> None:
    # In a worker, custom message headers are attributes of the task's request context; a task run
    # with ``apply(headers=...)`` has them under ``headers``. A task run eagerly without them (in the
    # caller's process) keeps the caller's id.
    context = getattr(task, "request", None)
    found = getattr(context, TASK_HEADER, None) or (getattr(context, "headers", None) or {}).get(TASK_HEADER)
    request_id = valid_request_id(found if isinstance(found, str) else None)
    if request_id and task_id:
        _task_tokens[task_id] = _request_id.set(request_id)


@task_postrun.connect
def _unbind_task_request_id(task_id: str | None = None, **kwargs: Any) -> None:
    token = _task_tokens.pop(task_id, None) if task_id else None
    if token is not None:
        _request_id.reset(token)
