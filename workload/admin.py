"""Admin of the ledger: oversight of work items, within what the administrator may see.

Administrators administer people and settings, not content: an item is listed and opened only when
its target is visible to the administrator by the target type's rule (``workload.targets``); any
other is 404. The two edits offered go through the services: passing an item on (workitem_reassign)
and moving its deadline (workitem_set_due), both rescheduling reminders and audited.
"""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from core.admin import HiddenIsNotFoundMixin, ReadOnlyAdmin
from core.enums import Classification
from core.errors import DomainError

from . import targets
from .models import ReminderPolicy, ScheduledReminder, Urge, WorkItem, WorkItemKind, WorkItemStatus
from .services import workitem_reassign, workitem_set_due


class TargetVisibilityAdminMixin(HiddenIsNotFoundMixin):
    """Admin pages of a content model list and open only what the administrator may see, by the
    rule its app registered with ``workload.targets``; anything else is 404, never a redirect."""

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = super().get_queryset(request)  # type: ignore[misc]
        return qs.filter(pk__in=targets.visible_queryset(request.user, qs.model).values("pk"))


class TargetRowsAdminMixin(HiddenIsNotFoundMixin):
    """Admin pages of rows that point at a target (work items, urges, scheduled reminders) and show
    its title: only rows whose target the administrator may see, by the target type's rule."""

    target_path = ""  # the lookup path to the row's target_type / target_id ("work_item__" for urges)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        visible = targets.visible_condition(
            request.user, type_field=f"{self.target_path}target_type", id_field=f"{self.target_path}target_id"
        )
        return super().get_queryset(request).filter(visible)  # type: ignore[misc]


class WorkItemAdminForm(forms.ModelForm):
    reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        max_length=200,
        help_text=_("Recorded in the audit log with the change."),
    )

    class Meta:
        model = WorkItem
        fields = ["assignee", "due_at"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.instance.pk and self.instance.status != WorkItemStatus.OPEN and self.changed_data:
            raise forms.ValidationError(_("A closed work item cannot be changed."))
        assignee = data.get("assignee")
        if "assignee" in self.changed_data and assignee is not None:
            problem = self._assignee_problem(assignee)
            if problem:
                self.add_error("assignee", problem)
        if {"assignee", "due_at"} & set(self.changed_data) and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Say why the item is changed."))
        return data

    def _assignee_problem(self, assignee: Any) -> str | None:
        """Why ``assignee`` cannot hold this item (on the field, before the service is asked)."""
        if not assignee.is_active:
            return str(_("Choose an active person."))
        if not Classification.allows(assignee.clearance, self.instance.classification):
            return str(_("This person is not cleared for the item's classification."))
        if not targets.visible_refs(assignee, [(self.instance.target_type_id, self.instance.target_id)]):
            # They could not open what the item asks of them (a masked row they cannot act on).
            return str(_("This person may not see what the item is about."))
        return None


@admin.register(WorkItem)
class WorkItemAdmin(TargetRowsAdminMixin, admin.ModelAdmin):
    form = WorkItemAdminForm
    list_display = ["title", "assignee", "kind", "status", "urgency", "priority", "due_at", "department"]
    list_filter = ["status", "kind", "urgency", "priority", "escalation_level", "department"]
    search_fields = ["title", "assignee__name", "assignee__username", "assignee__name_initials"]
    list_select_related = ["assignee", "department"]
    date_hierarchy = "due_at"
    raw_id_fields = ["assignee"]
    fields = [
        "title",
        "kind",
        "assignee",
        "department",
        "assigned_by",
        ("target_type", "target_id"),
        ("priority", "urgency", "classification"),
        ("created_at", "due_at"),
        ("status", "completed_at", "outcome"),
        ("escalation_level", "next_reminder_at"),
        "reason",
    ]
    # What the item is, what it points at, who asked, and how it was settled follow its target and
    # its history; only who holds it and by when are edited here, through the services.
    readonly_fields = [
        "title",
        "kind",
        "department",
        "assigned_by",
        "target_type",
        "target_id",
        "priority",
        "urgency",
        "classification",
        "created_at",
        "status",
        "completed_at",
        "outcome",
        "escalation_level",
        "next_reminder_at",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Items exist because a domain object asks someone to act; an item typed in here would
        # point at nothing and bypass the notification and the audit log.
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # The ledger is the record of who was asked to do what; withdraw work through its domain.
        return False

    def save_model(self, request: HttpRequest, obj: WorkItem, form: Any, change: bool) -> None:
        """Each change through its service (which saves, reschedules reminders and audits); the
        admin's own save of the whole row would overwrite what the services just wrote."""
        original = WorkItem.objects.get(pk=obj.pk)
        reason = form.cleaned_data.get("reason", "").strip()
        try:
            with transaction.atomic():  # both changes or neither
                if "assignee" in form.changed_data:
                    workitem_reassign(item=original, to=obj.assignee, actor=request.user, reason=reason)
                if "due_at" in form.changed_data:
                    workitem_set_due(item=original, due_at=obj.due_at, actor=request.user, reason=reason)
        except DomainError as error:
            self.message_user(request, error.message, level=messages.ERROR)
        obj.refresh_from_db()


POLICY_RULE = _(
    "The most specific policy applies to a work item: the one for its kind and urgency, else the one "
    "for its kind (any urgency), else the one for its urgency (any kind), else the default (any kind, "
    "any urgency). Hours and days count working time on the holiday calendar."
)


class ReminderPolicyForm(forms.ModelForm):
    # The model keeps the kind as free text (blank: every kind); here it is chosen from the list.
    kind = forms.ChoiceField(
        label=_("work item kind"),
        choices=[("", _("Every kind")), *WorkItemKind.choices],
        required=False,
        help_text=_("Blank: every kind."),
    )

    class Meta:
        model = ReminderPolicy
        fields = [
            "kind",
            "urgency",
            "remind_before_hours",
            "remind_at_due",
            "remind_daily_overdue",
            "escalate_to_head_after_days",
            "escalate_to_office_after_days",
        ]


@admin.register(ReminderPolicy)
class ReminderPolicyAdmin(admin.ModelAdmin):
    form = ReminderPolicyForm
    list_display = [
        "kind_display",
        "urgency_display",
        "remind_before_hours",
        "remind_at_due",
        "remind_daily_overdue",
        "escalate_to_head_after_days",
        "escalate_to_office_after_days",
    ]
    list_display_links = ["kind_display", "urgency_display"]
    list_filter = ["urgency", "kind"]
    ordering = ["kind", "urgency"]
    fieldsets = [
        (_("Applies to"), {"fields": ["kind", "urgency"], "description": POLICY_RULE}),
        (_("Reminders"), {"fields": ["remind_before_hours", "remind_at_due", "remind_daily_overdue"]}),
        (_("Escalation"), {"fields": ["escalate_to_head_after_days", "escalate_to_office_after_days"]}),
    ]

    @admin.display(description=_("work item kind"), ordering="kind")
    def kind_display(self, obj: ReminderPolicy) -> str:
        if not obj.kind:
            return str(_("Every kind"))
        return str(WorkItemKind(obj.kind).label) if obj.kind in WorkItemKind.values else obj.kind

    @admin.display(description=_("urgency"), ordering="urgency")
    def urgency_display(self, obj: ReminderPolicy) -> str:
        return str(obj.get_urgency_display()) if obj.urgency else str(_("Every urgency"))

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        # The rule is stated above the list, where administrators compare the rows.
        return super().changelist_view(request, {**(extra_context or {}), "subtitle": POLICY_RULE})


@admin.register(Urge)
class UrgeAdmin(TargetRowsAdminMixin, ReadOnlyAdmin):
    target_path = "work_item__"  # an urge names its item's title
    list_display = ["created_at", "work_item", "by", "message"]
    list_filter = ["created_at"]
    search_fields = ["work_item__title", "by__name", "by__username", "message"]
    list_select_related = ["work_item", "by"]
    date_hierarchy = "created_at"
    fields = ["work_item", "by", "created_at", "message"]


@admin.register(ScheduledReminder)
class ScheduledReminderAdmin(TargetRowsAdminMixin, ReadOnlyAdmin):
    list_display = ["remind_at", "recipient", "title", "sent_at", "cancelled"]
    list_filter = [("sent_at", admin.EmptyFieldListFilter), "cancelled", "remind_at"]
    search_fields = ["title", "recipient__name", "recipient__username"]
    list_select_related = ["recipient"]
    date_hierarchy = "remind_at"
    fields = ["recipient", ("target_type", "target_id"), "remind_at", "title", "body", "key", "sent_at", "cancelled"]
