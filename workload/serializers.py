"""API shapes of the work-item ledger (API.md, Work items)."""

from collections.abc import Callable
from datetime import datetime, tzinfo
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.serializers import PersonRefSerializer
from core.api import StrictSerializer, TargetSerializer

from .models import Urge, WorkItem, WorkItemStatus
from .selectors import PERSON_FIELDS, ROW_FIELDS, person_name
from .targets import masked_title, target_ref, visible_refs


class WorkItemListSerializer(serializers.ListSerializer):
    """A page of rows, all judged against one "now" and with each kind of target looked up once."""

    def to_representation(self, data: Any) -> list[dict[str, Any]]:
        rows = [_row_of(row) if isinstance(row, WorkItem) else row for row in data]
        shape = _Shape(masked=_masked(rows, _reader(self.context)))
        return [shape.item(row) for row in rows]


def _reader(context: dict[str, Any]) -> Any:
    request = context.get("request")
    return getattr(request, "user", None)


def _masked(rows: list[dict[str, Any]], user: Any) -> dict[int, str]:
    """Masked titles of the rows whose target ``user`` may not see, by item id (DESIGN.md, Rule of
    visibility): one query per kind of target on the page, and one more only if some are masked."""
    refs = {(row["target_type_id"], row["target_id"]) for row in rows}
    seen = visible_refs(user, refs) if user is not None else set()
    hidden = [row for row in rows if (row["target_type_id"], row["target_id"]) not in seen]
    if not hidden:
        return {}
    if all("classification" in row for row in hidden):
        levels = {row["id"]: row["classification"] for row in hidden}
    else:
        levels = dict(WorkItem.objects.filter(pk__in=[row["id"] for row in hidden]).values_list("pk", "classification"))
    titles: dict[str | None, str] = {}  # each level's sentence made once for the page
    for level in set(levels.values()):
        titles[level] = masked_title(level)
    return {row["id"]: titles.get(levels.get(row["id"])) or masked_title(None) for row in hidden}


class WorkItemSerializer(serializers.ModelSerializer):
    """One ledger row. ``target`` and ``overdue`` come from the row itself: no query per item.

    The fields below describe the shape (and the schema); ``to_representation`` builds it directly
    from a row of ``selectors.ROW_FIELDS`` (or an item), because DRF's per-field machinery costs
    several times the query on a page of 50.
    """

    target = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField(help_text=_("Open and past its due time."))
    assignee = PersonRefSerializer(read_only=True)
    assigned_by = PersonRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = WorkItem
        fields = [
            "id", "kind", "title", "target", "due_at", "overdue", "priority", "urgency", "status",
            "assignee", "assigned_by", "escalation_level", "created_at", "completed_at", "outcome",
        ]  # fmt: skip
        read_only_fields = fields
        list_serializer_class = WorkItemListSerializer

    def to_representation(self, instance: Any) -> dict[str, Any]:
        row = _row_of(instance) if isinstance(instance, WorkItem) else instance
        visible = getattr(instance, "target_visible", None)  # set by selectors.workitem_get
        if visible is None:
            masked = _masked([row], _reader(self.context))
        else:
            masked = {} if visible else {row["id"]: masked_title(instance.classification)}
        return _Shape(masked=masked).item(row)

    # The two computed fields, as the schema describes them (to_representation gives the same).
    @extend_schema_field(TargetSerializer)
    def get_target(self, item: WorkItem) -> dict[str, Any]:
        return target_ref(item.target_type_id, item.target_id)

    def get_overdue(self, item: WorkItem) -> bool:
        return item.status == WorkItemStatus.OPEN and item.due_at is not None and item.due_at < timezone.now()


class _Shape:
    """What ``WorkItemSerializer`` declares, for a page of rows: the same values DRF's fields give."""

    def __init__(self, *, masked: dict[int, str] | None = None) -> None:
        # Rows whose target the reader may not see: their masked title (no link, no outcome).
        self.masked = masked or {}
        # One "now" for the whole page, so that every row is judged against the same moment.
        self.now = timezone.now()
        self.zone: tzinfo = timezone.get_current_timezone()
        self.targets: dict[int, Callable[[int], dict[str, Any]]] = {}

    def item(self, row: Any) -> dict[str, Any]:
        if isinstance(row, WorkItem):
            row = _row_of(row)
        due, status = row["due_at"], row["status"]
        masked = self.masked.get(row["id"])
        target = self.target(row["target_type_id"], row["target_id"])
        if masked is not None:
            target = {**target, "url": None}
        return {
            "id": row["id"],
            "kind": row["kind"],
            "title": row["title"] if masked is None else masked,
            "target": target,
            "due_at": self.moment(due),
            "overdue": status == WorkItemStatus.OPEN and due is not None and due < self.now,
            "priority": row["priority"],
            "urgency": row["urgency"],
            "status": status,
            "assignee": {"id": row["assignee_id"], "name": person_name(row, "assignee")},
            "assigned_by": (
                None
                if row["assigned_by_id"] is None
                else {"id": row["assigned_by_id"], "name": person_name(row, "assigned_by")}
            ),
            "escalation_level": row["escalation_level"],
            "created_at": self.moment(row["created_at"]),
            "completed_at": self.moment(row["completed_at"]),
            "outcome": row["outcome"] if masked is None else "",
        }

    def moment(self, value: datetime | None) -> str | None:
        """DRF's DateTimeField: ISO 8601 in the current time zone, ``Z`` for UTC."""
        if value is None:
            return None
        text = value.astimezone(self.zone).isoformat()
        return f"{text[:-6]}Z" if text.endswith("+00:00") else text

    def target(self, content_type_id: int, object_id: int) -> dict[str, Any]:
        """``target_ref``, reversed once per kind of target on the page."""
        make = self.targets.get(content_type_id)
        if make is None:
            make = self.targets[content_type_id] = target_refs(content_type_id)
        return make(object_id)


_MARK = 2_147_483_629  # an id no URL holds otherwise, replaced by each row's own


def id_links(reverse_one: Callable[[int], str | None]) -> Callable[[int], str | None]:
    """A function giving ``reverse_one(pk)`` for any id, from one reverse() of a marker id."""
    url = reverse_one(_MARK)
    if url is None:
        return lambda pk: None  # no page for this kind of object
    if url.count(str(_MARK)) != 1:
        return reverse_one
    before, after = url.split(str(_MARK))
    return lambda pk: f"{before}{pk}{after}"


def target_refs(content_type_id: int) -> Callable[[int], dict[str, Any]]:
    """A function giving ``target_ref(content_type_id, pk)`` for any id, from one reverse()."""

    def url(pk: int) -> str | None:
        value = target_ref(content_type_id, pk)["url"]
        return value if isinstance(value, str) else None

    kind, link = target_ref(content_type_id, _MARK)["type"], id_links(url)
    return lambda pk: {"type": kind, "id": pk, "url": link(pk)}


def _row_of(item: WorkItem) -> dict[str, Any]:
    """An item (with ``assignee`` and ``assigned_by`` loaded) as a row of ``selectors.ROW_FIELDS``."""
    row = {field: getattr(item, field) for field in ROW_FIELDS if "__" not in field}
    for person in ("assignee", "assigned_by"):
        for field in PERSON_FIELDS:
            row[f"{person}__{field}"] = getattr(getattr(item, person), field, None)
    return row


class UrgeRequestSerializer(StrictSerializer):
    message = serializers.CharField(required=False, allow_blank=True, max_length=1000, default="")


class UrgeSerializer(serializers.ModelSerializer):
    by = PersonRefSerializer(read_only=True)

    class Meta:
        model = Urge
        fields = ["id", "work_item", "by", "message", "created_at"]
        read_only_fields = fields
