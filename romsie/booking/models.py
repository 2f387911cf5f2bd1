"""Bookable resources and their bookings.

A :class:`ResourceKind` (room, computer room, mobile class cart, equipment...) is a row the
establishment manages, carrying the default booking rules; a :class:`Resource` may override
each rule. A :class:`Booking` holds one resource for a time range of one day; the bookings of a
weekly series share a :class:`BookingSeries`.

No two active bookings (pending or confirmed) of a resource overlap: on PostgreSQL an exclusion
constraint says so (``btree_gist``), and the services lock the resource's row before checking,
which also covers the timetable's lessons in the resource's room (see ``services.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField, RangeBoundary, RangeOperators
from django.db import models
from django.db.models import F, Func, Q
from django.utils.translation import gettext_lazy as _

from romsie.core.concurrency import VersionField
from romsie.establishments.models import Establishment
from romsie.schooling.models import Room


class TsTzRange(Func):
    """PostgreSQL's ``tstzrange(start, end, '[)')``: a half-open range of instants."""

    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


class PostgreSQLExclusionConstraint(ExclusionConstraint):
    """An exclusion constraint on PostgreSQL, nothing elsewhere.

    SQLite has no exclusion constraints: there the services' row lock on the resource (SQLite
    writes one transaction at a time anyway) and their check are the guarantee.
    """

    @staticmethod
    def _applies(schema_editor: Any) -> bool:
        return bool(schema_editor.connection.vendor == "postgresql")

    def constraint_sql(self, model: Any, schema_editor: Any) -> Any:
        return super().constraint_sql(model, schema_editor) if self._applies(schema_editor) else None

    def create_sql(self, model: Any, schema_editor: Any) -> Any:
        return super().create_sql(model, schema_editor) if self._applies(schema_editor) else None

    def remove_sql(self, model: Any, schema_editor: Any) -> Any:
        return super().remove_sql(model, schema_editor) if self._applies(schema_editor) else None

    def validate(self, model: Any, instance: Any, exclude: Any = None, using: str = "default") -> None:
        from django.db import connections

        if connections[using].vendor == "postgresql":
            super().validate(model, instance, exclude=exclude, using=using)


class BookingProfile(models.TextChoices):
    """The profiles a booking rule may name (``romsie.core.access.profiles.Profile`` values)."""

    TEACHER = "teacher", _("Teachers")
    STAFF_HEAD = "staff.head", _("Head and deputies")
    STAFF_SCHOOL_LIFE = "staff.school_life", _("School life staff")
    STAFF_LIBRARIAN = "staff.librarian", _("Librarians")
    STAFF_OFFICE = "staff.office", _("Office staff")
    STAFF_AFTER_SCHOOL = "staff.after_school", _("After-school staff")
    STAFF_DIGITAL_LEAD = "staff.digital_lead", _("Digital leads")
    PARTNER = "partner", _("Partners")
    STUDENT = "student", _("Students")


@dataclass(frozen=True)
class Rules:
    """The rules a booking of a resource follows (the resource's own, else its kind's)."""

    profiles: frozenset[str]
    max_days_ahead: int
    max_minutes: int
    needs_validation: bool


class ResourceKind(models.Model):
    """A kind of resource (room, computer room, class cart, equipment) with its default rules."""

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=80)
    profiles = models.JSONField(_("who may book"), default=list, blank=True)
    max_days_ahead = models.PositiveSmallIntegerField(_("how far ahead (days)"), default=60)
    max_minutes = models.PositiveSmallIntegerField(_("maximum length (minutes)"), default=240)
    needs_validation = models.BooleanField(_("a manager validates each booking"), default=False)
    version = VersionField()

    class Meta:
        ordering = ["name"]
        verbose_name = _("kind of resource")
        verbose_name_plural = _("kinds of resource")
        constraints = [models.UniqueConstraint(fields=["establishment", "name"], name="unique_resource_kind_name")]

    def __str__(self) -> str:
        return self.name


class Resource(models.Model):
    """Something to book: a room (lessons in it block it), a cart, a piece of equipment.

    Empty rule fields follow the kind's rules. ``managers`` validate its bookings beside the
    holders of ``booking.manage``.
    """

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    kind = models.ForeignKey(ResourceKind, on_delete=models.PROTECT, related_name="resources", verbose_name=_("kind"))
    name = models.CharField(_("name"), max_length=80)
    room = models.ForeignKey(
        Room,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("room of the timetable"),
        help_text=_("Lessons in this room make the resource busy."),
    )
    capacity = models.PositiveSmallIntegerField(_("capacity"), null=True, blank=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    is_active = models.BooleanField(_("may be booked"), default=True)
    profiles = models.JSONField(_("who may book"), null=True, blank=True)
    max_days_ahead = models.PositiveSmallIntegerField(_("how far ahead (days)"), null=True, blank=True)
    max_minutes = models.PositiveSmallIntegerField(_("maximum length (minutes)"), null=True, blank=True)
    needs_validation = models.BooleanField(_("a manager validates each booking"), null=True, blank=True)
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("managers")
    )
    version = VersionField()

    class Meta:
        ordering = ["name"]
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        constraints = [models.UniqueConstraint(fields=["establishment", "name"], name="unique_resource_name")]

    def __str__(self) -> str:
        return self.name

    @property
    def rules(self) -> Rules:
        """The effective rules: the resource's own where set, else its kind's."""
        kind = self.kind
        return Rules(
            profiles=frozenset(kind.profiles if self.profiles is None else self.profiles),
            max_days_ahead=kind.max_days_ahead if self.max_days_ahead is None else self.max_days_ahead,
            max_minutes=kind.max_minutes if self.max_minutes is None else self.max_minutes,
            needs_validation=kind.needs_validation if self.needs_validation is None else self.needs_validation,
        )


class BookingSeries(models.Model):
    """The weekly bookings made together (every week until ``until``)."""

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="+")
    booker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    until = models.DateField(_("every week until"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("weekly booking")
        verbose_name_plural = _("weekly bookings")

    def __str__(self) -> str:
        return f"series {self.pk} of {self.resource_id}"


class Booking(models.Model):
    """A resource held from ``starts_at`` to ``ends_at`` (same day) by a person, for a purpose."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting validation")
        CONFIRMED = "confirmed", _("Confirmed")
        REFUSED = "refused", _("Refused")
        CANCELLED = "cancelled", _("Cancelled")

    #: the statuses that hold the slot
    ACTIVE = (Status.PENDING, Status.CONFIRMED)

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="bookings")
    booker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    series = models.ForeignKey(BookingSeries, null=True, blank=True, on_delete=models.CASCADE, related_name="bookings")
    purpose = models.CharField(_("purpose"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.CONFIRMED)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    refusal_reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="booking_ends_after_start"),
            PostgreSQLExclusionConstraint(
                name="booking_no_overlap",
                expressions=[
                    ("resource", RangeOperators.EQUAL),
                    (TsTzRange("starts_at", "ends_at", RangeBoundary()), RangeOperators.OVERLAPS),
                ],
                condition=Q(status__in=["pending", "confirmed"]),
            ),
        ]
        indexes = [
            models.Index(fields=["resource", "starts_at"], name="booking_by_resource"),
            models.Index(fields=["booker", "starts_at"], name="booking_by_booker"),
            models.Index(fields=["establishment", "status"], name="booking_by_status"),
        ]

    def __str__(self) -> str:
        return f"{self.resource_id} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE
