"""Admin of meetings: rooms are managed here (saved through the services, audited); meetings are
read-only and listed only when the administrator may see them (``workload.targets``), like every
content admin: administrators administer rooms, not other people's meetings."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.http import HttpRequest

from core.errors import DomainError
from workload.admin import TargetVisibilityAdminMixin

from . import services
from .models import Attendee, Meeting, Room


class RoomAdminForm(forms.ModelForm):
    class Meta:
        model = Room
        fields = list(services.ROOM_FIELDS)

    def clean(self) -> dict[str, Any]:
        # The services' own field rules, shown on the form before anything is saved.
        data = super().clean() or {}
        problems = services.room_field_problems(
            name=data.get("name") or "",
            capacity=data.get("capacity") or 0,
            setup_buffer_minutes=data.get("setup_buffer_minutes") or 0,
        )
        for field, messages_ in problems.items():
            self.add_error(field, messages_)
        return data


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin):
    form = RoomAdminForm
    list_display = ["name", "location", "capacity", "active", "allow_overlap", "setup_buffer_minutes", "order"]
    list_filter = ["active", "allow_overlap"]
    search_fields = ["name", "location", "equipment"]
    fields = list(services.ROOM_FIELDS)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser  # the services' rule: administrators manage rooms

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # rooms with bookings stay; untick "active" instead

    def save_model(self, request: HttpRequest, obj: Room, form: Any, change: bool) -> None:
        data = {name: form.cleaned_data[name] for name in services.ROOM_FIELDS if name in form.cleaned_data}
        try:
            with transaction.atomic():
                if change:
                    original = Room.objects.get(pk=obj.pk)
                    changed = {k: v for k, v in data.items() if k in form.changed_data}
                    saved = services.room_update(actor=request.user, room=original, **changed)
                else:
                    saved = services.room_create(actor=request.user, **data)
            obj.pk = saved.pk
        except DomainError as error:
            self.message_user(request, error.message, level=messages.ERROR)
            if change:
                obj.refresh_from_db()


class AttendeeInline(admin.TabularInline):
    model = Attendee
    fields = ["user", "role", "response", "delegate", "responded_at"]
    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).select_related("user", "delegate")


@admin.register(Meeting)
class MeetingAdmin(TargetVisibilityAdminMixin, admin.ModelAdmin):
    list_display = ["title", "start", "end", "room", "organizer", "status", "private", "classification"]
    list_filter = ["status", "kind", "room", "private", "classification"]
    list_select_related = ["room", "organizer"]
    search_fields = ["title", "organizer__name"]
    date_hierarchy = "start"
    inlines = [AttendeeInline]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
