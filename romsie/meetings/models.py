"""Parent–teacher meetings: an evening, the teachers' slots and the guardians' appointments.

The head opens a :class:`MeetingEvening` for some classes (or levels); each teacher of those
classes publishes :class:`MeetingSlot` rows (or breaks) in their room; a guardian books free
slots for their children, each slot holding at most one :class:`Appointment` — a unique
constraint on the slot, so two racing requests cannot both win it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from romsie.core.concurrency import VersionField
from romsie.establishments.models import Establishment
from romsie.schooling.models import Level, Room, SchoolClass


class MeetingEvening(models.Model):
    """A parent–teacher meetings evening of an establishment, for some classes or levels.

    Guardians book between ``booking_opens_at`` and ``booking_closes_at``; the slots run on
    ``date`` between ``starts_at`` and ``ends_at``. ``walking_minutes`` is the time a guardian
    needs between two appointments in different rooms.
    """

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("title"), max_length=150)
    date = models.DateField(_("date"))
    starts_at = models.TimeField(_("from"))
    ends_at = models.TimeField(_("to"))
    slot_minutes = models.PositiveSmallIntegerField(_("default slot length (minutes)"), default=10)
    walking_minutes = models.PositiveSmallIntegerField(_("walking time between rooms (minutes)"), default=5)
    school_classes = models.ManyToManyField(SchoolClass, blank=True, related_name="+", verbose_name=_("classes"))
    levels = models.ManyToManyField(Level, blank=True, related_name="+", verbose_name=_("levels"))
    booking_opens_at = models.DateTimeField(_("guardians may book from"))
    booking_closes_at = models.DateTimeField(_("guardians may book until"))
    message_html = models.TextField(_("message to families"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    version = VersionField()
    created_at = models.DateTimeField(auto_now_add=True)
    # When the guardians concerned were told that booking is open (once, by the scheduled command).
    announced_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("meetings evening")
        verbose_name_plural = _("meetings evenings")
        indexes = [models.Index(fields=["establishment", "date"], name="meetings_evening_by_date")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="meetings_evening_ends_after_start"),
            models.CheckConstraint(
                condition=Q(booking_closes_at__gt=F("booking_opens_at")), name="meetings_booking_closes_after_open"
            ),
            models.CheckConstraint(condition=Q(slot_minutes__gte=5), name="meetings_slot_at_least_5_minutes"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.date})"


class MeetingSlot(models.Model):
    """A time a teacher offers on an evening, in a room; a break is shown but cannot be booked."""

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    evening = models.ForeignKey(MeetingEvening, on_delete=models.CASCADE, related_name="slots")
    teacher = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    room = models.ForeignKey(Room, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    is_break = models.BooleanField(_("break"), default=False)

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("meeting slot")
        verbose_name_plural = _("meeting slots")
        constraints = [
            models.UniqueConstraint(fields=["evening", "teacher", "starts_at"], name="meetings_one_slot_per_start"),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="meetings_slot_ends_after_start"),
        ]
        indexes = [models.Index(fields=["teacher", "starts_at"], name="meetings_slot_by_teacher")]

    def __str__(self) -> str:
        return f"{self.teacher} {self.starts_at:%H:%M}"


class Appointment(models.Model):
    """A slot booked by a guardian for one of their children (at most one per slot: a constraint)."""

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    evening = models.ForeignKey(MeetingEvening, on_delete=models.CASCADE, related_name="appointments")
    slot = models.OneToOneField(MeetingSlot, on_delete=models.CASCADE, related_name="appointment")
    teacher = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    guardian = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["slot__starts_at", "pk"]
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        constraints = [
            models.UniqueConstraint(
                fields=["evening", "student", "teacher"], name="meetings_one_appointment_per_child_and_teacher"
            ),
        ]
        indexes = [
            models.Index(fields=["guardian", "evening"], name="meetings_appt_by_guardian"),
            models.Index(fields=["reminded_at"], name="meetings_appt_to_remind"),
        ]

    def __str__(self) -> str:
        return f"{self.slot} — {self.student}"
