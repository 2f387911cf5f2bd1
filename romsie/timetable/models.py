"""The timetable: the school calendar, weekly lessons and the dated sessions that follow from them.

A :class:`Lesson` is one weekly slot of a teaching (Tuesday 8:30–9:25, room B12, week A);
sessions are generated from lessons over the school year, skipping days off and the weeks of
the other alternation. A :class:`Session` is what actually happens on a date: staff record a
cancellation, a move, a room change or a substitute teacher on it, never on the lesson.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from romsie.core.concurrency import VersionField
from romsie.establishments.models import Establishment
from romsie.schooling.models import Room, SchoolYear, Teaching


class WeekLabel(models.TextChoices):
    A = "A", _("Week A")
    B = "B", _("Week B")


class SchoolWeek(models.Model):
    """A week of the school year (by its Monday) and its alternation label, A or B."""

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    school_year = models.ForeignKey(SchoolYear, on_delete=models.CASCADE, related_name="weeks")
    monday = models.DateField(_("week of"))
    label = models.CharField(_("alternation"), max_length=1, choices=WeekLabel.choices)

    class Meta:
        ordering = ["monday"]
        verbose_name = _("school week")
        verbose_name_plural = _("school weeks")
        constraints = [models.UniqueConstraint(fields=["establishment", "monday"], name="unique_school_week")]

    def __str__(self) -> str:
        return f"{self.monday:%Y-%m-%d} {self.label}"


class DayOff(models.Model):
    """Holidays, bank holidays and other days without lessons (inclusive bounds)."""

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    school_year = models.ForeignKey(SchoolYear, on_delete=models.CASCADE, related_name="days_off")
    name = models.CharField(_("name"), max_length=80)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to (included)"))

    class Meta:
        ordering = ["starts_on"]
        verbose_name = _("day off")
        verbose_name_plural = _("days off")
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="day_off_ends_after_start"),
        ]

    def __str__(self) -> str:
        return self.name


class Lesson(models.Model):
    """One weekly slot of a teaching: a weekday, a time, a room, every week or week A or B.

    ``version`` grows at each edit through the form: a stale save is refused (``romsie.core.concurrency``).
    """

    class Weeks(models.TextChoices):
        EVERY = "", _("Every week")
        A = "A", _("Week A")
        B = "B", _("Week B")

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    school_year = models.ForeignKey(SchoolYear, on_delete=models.CASCADE, related_name="lessons")
    teaching = models.ForeignKey(Teaching, on_delete=models.CASCADE, related_name="lessons", verbose_name=_("teaching"))
    room = models.ForeignKey(
        Room, null=True, blank=True, on_delete=models.SET_NULL, related_name="lessons", verbose_name=_("room")
    )
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    starts_at = models.TimeField(_("starts at"))
    ends_at = models.TimeField(_("ends at"))
    weeks = models.CharField(_("weeks"), max_length=1, choices=Weeks.choices, default=Weeks.EVERY, blank=True)
    # A lesson removed during the year keeps its past sessions: it just stops after this date.
    until = models.DateField(_("last day"), null=True, blank=True)
    version = VersionField()

    class Meta:
        ordering = ["weekday", "starts_at"]
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="lesson_ends_after_start"),
            models.UniqueConstraint(
                fields=["teaching", "weekday", "starts_at", "weeks"],
                condition=Q(until__isnull=True),
                name="unique_lesson_slot",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.starts_at:%H:%M} {self.teaching}"


class Session(models.Model):
    """One dated occurrence of a lesson, with the changes staff recorded on it.

    ``planned_*`` keep what the lesson said, so a moved session shows where it came from and
    regenerating the timetable never duplicates it (unique on lesson and planned date).
    ``version`` grows at each change staff record (0: untouched, so :func:`~.services.timetable_sync`
    may still follow the lesson): a form posts the version it showed, and a change made in between
    is refused instead of being overwritten (``romsie.core.concurrency``).
    """

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        CANCELLED = "cancelled", _("Cancelled")

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="sessions")
    teaching = models.ForeignKey(Teaching, on_delete=models.CASCADE, related_name="sessions")
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="taught_sessions", verbose_name=_("teacher")
    )
    room = models.ForeignKey(
        Room, null=True, blank=True, on_delete=models.SET_NULL, related_name="sessions", verbose_name=_("room")
    )
    date = models.DateField(_("date"))
    starts_at = models.TimeField(_("starts at"))
    ends_at = models.TimeField(_("ends at"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    planned_date = models.DateField()
    planned_starts_at = models.TimeField()
    planned_room = models.ForeignKey(Room, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    planned_teacher = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    change_note = models.CharField(_("note"), max_length=200, blank=True)
    changed_at = models.DateTimeField(null=True, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = VersionField()

    class Meta:
        ordering = ["date", "starts_at"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        constraints = [
            models.UniqueConstraint(fields=["lesson", "planned_date"], name="unique_session_per_lesson_date"),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="session_ends_after_start"),
        ]
        indexes = [
            models.Index(fields=["establishment", "date"], name="session_by_date"),
            models.Index(fields=["teaching", "date"], name="session_by_teaching"),
            models.Index(fields=["teacher", "date"], name="session_by_teacher"),
            models.Index(fields=["room", "date"], name="session_by_room"),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.starts_at:%H:%M} {self.teaching_id}"

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def is_moved(self) -> bool:
        return (self.date, self.starts_at) != (self.planned_date, self.planned_starts_at)

    @property
    def has_new_room(self) -> bool:
        return self.room_id != self.planned_room_id

    @property
    def has_substitute(self) -> bool:
        return self.teacher_id != self.planned_teacher_id

    @property
    def is_changed(self) -> bool:
        return self.is_cancelled or self.is_moved or self.has_new_room or self.has_substitute


class CalendarFeed(models.Model):
    """A person's secret iCalendar address; only a digest of its token is stored."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    token_digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return f"calendar feed of {self.user_id}"
