"""Meetings (会议): rooms, meetings with their attendees, and recurring series.

Designed for the whole of issue 9: later stages add rows and services (replies, agenda, minutes,
decisions, .ics, reminders), not columns to these.

The room clash rule lives in the database on PostgreSQL: an exclusion constraint over the room and
the range ``[start, room_held_until)`` of every scheduled meeting that holds its room exclusively
(``room_exclusive``). ``room_held_until`` is the end plus the room's set-up buffer, and
``room_exclusive`` is false when there is no room or the room allows overlapping bookings: both are
kept by the services (``meetings.services``), denormalized so that the constraint needs no join.
"""

from django.conf import settings
from django.contrib.postgres.fields import DateTimeRangeField, RangeBoundary, RangeOperators
from django.db import models
from django.db.models import F, Func, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.enums import Classification

from .constraints import PostgresOnlyExclusionConstraint


class TsTzRange(Func):
    """PostgreSQL's ``tstzrange(lower, upper, '[)')`` (Django documents this helper for exclusion
    constraints: docs/ref/contrib/postgres/constraints)."""

    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


class Room(models.Model):
    """A meeting room (会议室). Managed by administrators (admin, through the services)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"))
    equipment = models.CharField(
        _("equipment"), max_length=300, blank=True, help_text=_("For example: projector, video conferencing.")
    )
    active = models.BooleanField(_("active"), default=True, help_text=_("Unticked: the room cannot be booked."))
    allow_overlap = models.BooleanField(
        _("overlapping bookings allowed"),
        default=False,
        help_text=_("Ticked: several meetings may hold the room at once (a hall, a virtual room)."),
    )
    setup_buffer_minutes = models.PositiveSmallIntegerField(
        _("set-up buffer (minutes)"),
        default=0,
        help_text=_("Kept free after each meeting for clearing and setting up the room."),
    )
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "name", "id"]
        verbose_name = _("meeting room")
        verbose_name_plural = _("meeting rooms")

    def __str__(self) -> str:
        return self.name


class MeetingKind(models.TextChoices):
    REGULAR = "regular", _("Meeting")
    OFFICE = "office", _("Office meeting (办公会)")
    COORDINATION = "coordination", _("Coordination meeting (协调会)")
    TOPIC = "topic", _("Topical meeting (专题会)")


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    CANCELLED = "cancelled", pgettext_lazy("meeting status", "Cancelled")


class SeriesFrequency(models.TextChoices):
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")


class MeetingSeries(models.Model):
    """A recurring meeting: its occurrences are ``Meeting`` rows (``Meeting.series``), so that each
    is checked for clashes, changed or cancelled on its own."""

    freq = models.CharField(_("frequency"), max_length=8, choices=SeriesFrequency.choices)
    count = models.PositiveSmallIntegerField(_("occurrences"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("meeting series")
        verbose_name_plural = _("meeting series")

    def __str__(self) -> str:
        return f"{self.get_freq_display()} × {self.count}"


class Meeting(models.Model):
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=MeetingKind.choices, default=MeetingKind.REGULAR)
    organizer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("organizer"),
        on_delete=models.PROTECT,
        related_name="organized_meetings",
    )
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("organizing department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    room = models.ForeignKey(
        Room, verbose_name=_("room"), null=True, blank=True, on_delete=models.PROTECT, related_name="meetings"
    )
    location = models.CharField(
        _("location"), max_length=200, blank=True, help_text=_("Where, when the meeting is not in a room.")
    )
    start = models.DateTimeField(_("starts"))
    end = models.DateTimeField(_("ends"))
    status = models.CharField(
        _("status"), max_length=16, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED
    )
    private = models.BooleanField(
        _("private"), default=False, help_text=_("Ticked: only the organizer and the invited see the title.")
    )
    classification = models.CharField(
        _("classification"), max_length=16, choices=Classification.choices, default=Classification.INTERNAL
    )
    description = models.TextField(_("description"), blank=True)
    # Why attendee or leader clashes were accepted when the meeting was last scheduled (audited too).
    override_reason = models.TextField(_("reason for overriding clashes"), blank=True)
    # Bumped on every change (the .ics SEQUENCE of a later stage).
    sequence = models.PositiveIntegerField(_("revision"), default=0)
    series = models.ForeignKey(
        MeetingSeries,
        verbose_name=_("series"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="occurrences",
    )
    # Denormalized for the room clash constraint (see the module's docstring); kept by the services.
    room_held_until = models.DateTimeField(_("room held until"))
    room_exclusive = models.BooleanField(_("holds the room exclusively"), default=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        ordering = ["start", "id"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        indexes = [
            # The room clash check and the room calendar: one room's scheduled meetings by time.
            models.Index(
                fields=["room", "room_held_until", "start"],
                condition=Q(status="scheduled"),
                name="meeting_room_time",
            ),
            models.Index(fields=["organizer", "start"], name="meeting_organizer_start"),
            models.Index(fields=["start", "end"], name="meeting_time"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="meeting_ends_after_start"),
            models.CheckConstraint(condition=Q(room_held_until__gte=F("end")), name="meeting_room_held_after_end"),
            PostgresOnlyExclusionConstraint(
                name="meeting_room_no_overlap",
                expressions=[
                    (TsTzRange("start", "room_held_until", RangeBoundary()), RangeOperators.OVERLAPS),
                    ("room", RangeOperators.EQUAL),
                ],
                condition=Q(status="scheduled", room_exclusive=True),
            ),
        ]

    def __str__(self) -> str:
        # Never the title: lists that name a meeting (admin, audit) may be read by people who may not see it.
        return f"{self._meta.verbose_name} #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("meetings:meeting_detail", args=[self.pk])

    @property
    def place(self) -> str:
        return self.room.name if self.room_id is not None and self.room is not None else self.location


class AttendeeRole(models.TextChoices):
    REQUIRED = "required", _("Required")
    OPTIONAL = "optional", _("Optional")


class AttendeeResponse(models.TextChoices):
    PENDING = "pending", _("No reply yet")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    DELEGATED = "delegated", _("Sent a delegate")


class Attendee(models.Model):
    """One person invited to a meeting, with their reply (a later stage: accept/decline/delegate).

    ``start``, ``end`` and ``busy`` copy the meeting's time and whether the person is held by it
    (scheduled, not declined), so that "is this person busy then" is one index range scan.
    """

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendees")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(_("role"), max_length=16, choices=AttendeeRole.choices, default=AttendeeRole.REQUIRED)
    response = models.CharField(
        _("reply"), max_length=16, choices=AttendeeResponse.choices, default=AttendeeResponse.PENDING
    )
    delegate = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("delegate"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    responded_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    start = models.DateTimeField(_("starts"))
    end = models.DateTimeField(_("ends"))
    busy = models.BooleanField(_("held by the meeting"), default=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("attendee")
        verbose_name_plural = _("attendees")
        constraints = [models.UniqueConstraint(fields=["meeting", "user"], name="attendee_unique")]
        indexes = [
            # A person's busy intervals in a window: end > window start, then start < window end.
            models.Index(fields=["user", "end", "start"], condition=Q(busy=True), name="attendee_busy"),
            models.Index(fields=["delegate", "end"], condition=Q(delegate__isnull=False), name="attendee_delegate"),
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id}:{self.user_id}"


class CalendarFeed(models.Model):
    """A person's private calendar subscription (meetings/feeds.py): the feed's address carries a
    token that only a digest of is stored here.

    The token is ``salted_hmac(SECRET_KEY, user id + nonce)``: the profile page can show the address
    again at any time, yet the database alone (a backup, a dump) does not hold it. A new nonce
    (regenerate) makes a new token, and the old address stops working at once.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE, related_name="+"
    )
    nonce = models.CharField(max_length=64)
    # SHA-256 of the token, looked up through its unique index.
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} #{self.pk}"


# --- Follow-up (issue 9, items 5–7): agenda, minutes, decisions, coordination positions ------------


class AgendaItemStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", pgettext_lazy("agenda item status", "Declined")


class AgendaItem(models.Model):
    """An agenda item (议题) a department proposes for a meeting; the organizer accepts or declines it.

    Accepted items form the agenda in ``order``; ``published_at`` is when the organizer last sent
    the agenda to the attendees with this item on it (None: not yet sent). Materials are
    ``core.models.Attachment`` rows owned by the item, served only to those who see the meeting.
    """

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    department = models.ForeignKey(
        "accounts.Department", verbose_name=_("proposing department"), on_delete=models.PROTECT, related_name="+"
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("proposed by"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    presenter = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("presenter"), on_delete=models.PROTECT, related_name="+"
    )
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"))
    status = models.CharField(
        _("status"), max_length=16, choices=AgendaItemStatus.choices, default=AgendaItemStatus.PROPOSED
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decline_reason = models.CharField(_("reason for declining"), max_length=500, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(_("proposed at"), default=timezone.now)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        indexes = [models.Index(fields=["meeting", "status", "order"], name="agenda_meeting_status")]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} #{self.pk}"  # never the title (see Meeting.__str__)

    def get_absolute_url(self) -> str:
        return reverse("meetings:agenda_item", args=[self.pk])


class Minutes(models.Model):
    """The record of a meeting: its minutes (纪要) and, for a coordination meeting, the agreed
    resolution (协调结果). ``text`` is the organizer's working copy; ``published_text`` is what the
    attendees were sent (``published_at``), so editing after publishing does not change what was
    published until it is published again. ``document`` is the 纪要 draft issued from it."""

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="minutes")
    text = models.TextField(_("minutes"), blank=True)
    published_text = models.TextField(_("published minutes"), blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    resolution = models.TextField(_("agreed resolution"), blank=True)
    document = models.ForeignKey(
        "documents.Document",
        verbose_name=_("minutes document"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("updated by"), on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} #{self.pk}"

    @property
    def has_unpublished_changes(self) -> bool:
        return self.text != self.published_text


class Decision(models.Model):
    """A decision (决定事项) taken in a meeting; it is followed as an ``affairs`` matter (``matter``,
    whose ``source_object`` is this decision: linked both ways)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    text = models.TextField(_("decision"))
    matter = models.OneToOneField(
        "affairs.Matter",
        verbose_name=_("matter"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("meetings:decision", args=[self.pk])


class Position(models.Model):
    """A party department's position (立场) at a coordination meeting (协调会); one per department."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="positions")
    department = models.ForeignKey(
        "accounts.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("position"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        constraints = [models.UniqueConstraint(fields=["meeting", "department"], name="position_unique")]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} #{self.pk}"
