"""School life: roll calls, absences, lateness, justifications, exemptions, incidents and sanctions.

* A :class:`RollCall` says that a teacher (or a substitute) called the roll of one dated
  :class:`~romsie.timetable.models.Session`; its :class:`AttendanceMark` rows name the students
  who were not simply present (absent, late, left early). Everyone without a mark was present.
* An :class:`Absence` is a span of time a student was away: one comes from each "absent" mark of
  a roll call (its ``session`` is set), school life enters the others (a whole day or several,
  illness notified by phone). A collective absence (a school trip) is of kind ``OUT_OF_SCHOOL``:
  the student is away from lessons but not absent, and it never counts towards the thresholds.
* A :class:`Lateness` is a late arrival, at a session's roll call or recorded at the gate.
* Absences and lateness are justified by a :class:`Justification`, given by a guardian who may
  justify (``Guardianship.can_justify_absences``), a student of age, or school life, with a reason
  of the establishment's list (:class:`AbsenceReason`, which says whether it justifies); staff
  accept or refuse the ones families give.
* An :class:`Exemption` (a sport exemption with its certificate) excuses a student from a subject
  for a period: they are not marked absent from its sessions.
* An :class:`Incident` (students involved, place, description) is followed up with
  :class:`Sanction` rows of the national list.
* A :class:`Threshold` of the establishment (4 unjustified half-days in a month) raises one
  :class:`ThresholdAlert` per student and month.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from romsie.core.concurrency import VersionField
from romsie.core.models import StoredFile
from romsie.establishments.models import Establishment
from romsie.schooling.models import Subject
from romsie.timetable.models import Session

MAX_LATE_MINUTES = 240


class AbsenceReason(models.Model):
    """A reason of the establishment's list ("illness", "family reason", "transport"...)."""

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    label = models.CharField(_("reason"), max_length=80)
    justifies = models.BooleanField(
        _("counts as justified"), default=True, help_text=_("Whether an absence with this reason is justified.")
    )
    offered_to_families = models.BooleanField(_("offered to families"), default=True)
    is_active = models.BooleanField(_("in use"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "label"]
        verbose_name = _("absence reason")
        verbose_name_plural = _("absence reasons")
        constraints = [models.UniqueConstraint(fields=["establishment", "label"], name="unique_absence_reason")]

    def __str__(self) -> str:
        return self.label


class JustificationStatus(models.TextChoices):
    """Where an absence or a lateness stands: the family's side and school life's decision."""

    UNJUSTIFIED = "unjustified", _("Not justified")
    PENDING = "pending", _("Justification to review")
    JUSTIFIED = "justified", _("Justified")
    REFUSED = "refused", _("Justification refused")


class RollCall(models.Model):
    """The roll of one session was called: by whom, when, and how many times it was corrected.

    ``version`` grows at each submit: a teacher's form posts the version it showed, and a
    submit made in between by someone else is refused with their marks shown
    (``romsie.core.concurrency``).
    """

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    session = models.OneToOneField(Session, on_delete=models.CASCADE, related_name="roll_call")
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("called by")
    )
    called_at = models.DateTimeField(_("called at"))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(_("last corrected at"), null=True, blank=True)
    version = VersionField()

    class Meta:
        verbose_name = _("roll call")
        verbose_name_plural = _("roll calls")
        indexes = [models.Index(fields=["establishment", "called_at"], name="roll_call_by_time")]

    def __str__(self) -> str:
        return f"roll call of session {self.session_id}"


class AttendanceMark(models.Model):
    """A student who was not simply present at a called session."""

    class Status(models.TextChoices):
        ABSENT = "absent", _("Absent")
        LATE = "late", _("Late")
        LEFT_EARLY = "left_early", _("Left early")

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    roll_call = models.ForeignKey(RollCall, on_delete=models.CASCADE, related_name="marks")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="+")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    minutes_late = models.PositiveSmallIntegerField(_("minutes late"), null=True, blank=True)

    class Meta:
        verbose_name = _("attendance mark")
        verbose_name_plural = _("attendance marks")
        constraints = [
            models.UniqueConstraint(fields=["session", "student"], name="unique_mark_per_session_student"),
            models.CheckConstraint(
                condition=Q(minutes_late__isnull=True) | Q(minutes_late__gte=1, minutes_late__lte=MAX_LATE_MINUTES),
                name="mark_minutes_late_in_range",
            ),
        ]
        indexes = [models.Index(fields=["student", "session"], name="mark_by_student")]

    def __str__(self) -> str:
        return f"{self.student_id} {self.status} at {self.session_id}"


class Absence(models.Model):
    """A span of time a student was away (see the module's docstring)."""

    class Kind(models.TextChoices):
        ABSENCE = "absence", _("Absence")
        OUT_OF_SCHOOL = "out", _("Out of school (trip, outing)")

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("student")
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.ABSENCE)
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("to"))
    # Set when the absence comes from a roll call: the mark's session.
    session = models.ForeignKey(Session, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    reason = models.ForeignKey(
        AbsenceReason, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("reason")
    )
    status = models.CharField(
        _("justification"), max_length=12, choices=JustificationStatus.choices, default=JustificationStatus.UNJUSTIFIED
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    is_closed = models.BooleanField(_("closed"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    version = VersionField()

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="absence_ends_after_start"),
            models.UniqueConstraint(fields=["session", "student"], name="unique_absence_per_session_student"),
        ]
        indexes = [
            models.Index(fields=["student", "starts_at"], name="absence_by_student"),
            models.Index(fields=["establishment", "starts_at"], name="absence_by_time"),
        ]

    def __str__(self) -> str:
        return f"absence of {self.student_id} from {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def is_justified(self) -> bool:
        return self.status == JustificationStatus.JUSTIFIED


class Lateness(models.Model):
    """A late arrival, at a session's roll call or recorded at the gate."""

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("student")
    )
    session = models.ForeignKey(Session, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    arrived_at = models.DateTimeField(_("arrived at"))
    minutes = models.PositiveSmallIntegerField(_("minutes late"))
    reason = models.ForeignKey(
        AbsenceReason, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("reason")
    )
    status = models.CharField(
        _("justification"), max_length=12, choices=JustificationStatus.choices, default=JustificationStatus.UNJUSTIFIED
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    version = VersionField()

    class Meta:
        ordering = ["-arrived_at"]
        verbose_name = _("lateness")
        verbose_name_plural = _("lateness")
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes__gte=1, minutes__lte=MAX_LATE_MINUTES), name="lateness_minutes_in_range"
            ),
            models.UniqueConstraint(fields=["session", "student"], name="unique_lateness_per_session_student"),
        ]
        indexes = [models.Index(fields=["student", "arrived_at"], name="lateness_by_student")]

    def __str__(self) -> str:
        return f"lateness of {self.student_id} at {self.arrived_at:%Y-%m-%d %H:%M}"


class Justification(StoredFile):
    """A reason given for an absence or a lateness, with an optional document, and its review.

    ``name``/``content_type``/``size_bytes`` describe the document when there is one (empty
    name: none).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("To review")
        ACCEPTED = "accepted", _("Accepted")
        REFUSED = "refused", _("Refused")

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    absence = models.ForeignKey(Absence, null=True, blank=True, on_delete=models.CASCADE, related_name="justifications")
    lateness = models.ForeignKey(
        Lateness, null=True, blank=True, on_delete=models.CASCADE, related_name="justifications"
    )
    reason = models.ForeignKey(AbsenceReason, on_delete=models.PROTECT, related_name="+", verbose_name=_("reason"))
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    file = models.FileField(upload_to="attendance/%Y/%m/", blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_comment = models.CharField(_("reviewer's comment"), max_length=500, blank=True)

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("justification")
        verbose_name_plural = _("justifications")
        constraints = [
            models.CheckConstraint(
                condition=Q(absence__isnull=False, lateness__isnull=True)
                | Q(absence__isnull=True, lateness__isnull=False),
                name="justification_of_one_thing",
            ),
        ]
        indexes = [models.Index(fields=["establishment", "status"], name="justification_by_status")]

    def __str__(self) -> str:
        return f"justification {self.pk} ({self.status})"


class Exemption(StoredFile):
    """A student excused from a subject (or everything) for a period, with an optional certificate."""

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("student")
    )
    subject = models.ForeignKey(
        Subject, null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("subject")
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to (included)"))
    must_attend = models.BooleanField(_("must still attend the lessons"), default=False)
    note = models.CharField(_("note"), max_length=300, blank=True)
    file = models.FileField(upload_to="attendance/%Y/%m/", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("exemption")
        verbose_name_plural = _("exemptions")
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="exemption_ends_after_start"),
        ]
        indexes = [models.Index(fields=["student", "starts_on"], name="exemption_by_student")]

    def __str__(self) -> str:
        return f"exemption of {self.student_id} from {self.starts_on}"


class Incident(models.Model):
    """An incident reported by staff or a teacher, followed up by school life and the head."""

    class Status(models.TextChoices):
        OPEN = "open", _("Being followed up")
        CLOSED = "closed", _("Closed")

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    occurred_at = models.DateTimeField(_("date and time"))
    place = models.CharField(_("place"), max_length=120)
    description = models.TextField(_("what happened"), max_length=5000)
    witnesses = models.CharField(_("witnesses"), max_length=300, blank=True)
    students: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="+", verbose_name=_("students involved"), through="IncidentStudent"
    )
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    reported_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.OPEN)
    follow_up = models.TextField(_("follow-up"), max_length=5000, blank=True)
    version = VersionField()

    class Meta:
        ordering = ["-occurred_at"]
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        indexes = [models.Index(fields=["establishment", "occurred_at"], name="incident_by_time")]

    def __str__(self) -> str:
        return f"incident {self.pk} at {self.place}"


class IncidentStudent(models.Model):
    """A student involved in an incident."""

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="involvements")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("student involved")
        verbose_name_plural = _("students involved")
        constraints = [models.UniqueConstraint(fields=["incident", "student"], name="unique_incident_student")]
        indexes = [models.Index(fields=["student"], name="incident_student_by_student")]

    def __str__(self) -> str:
        return f"{self.student_id} in incident {self.incident_id}"


class Sanction(models.Model):
    """A punishment or sanction of the national list given to one student, with its dates."""

    class Kind(models.TextChoices):
        # Punishments (punitions scolaires), given by teachers and school life.
        EXTRA_WORK = "extra_work", _("Extra work")
        DETENTION = "detention", _("Detention")
        EXCLUSION_FROM_CLASS = "class_exclusion", _("Exclusion from a lesson")
        # Sanctions (sanctions disciplinaires), given by the head or the disciplinary board.
        WARNING = "warning", _("Warning")
        REPRIMAND = "reprimand", _("Reprimand")
        RESPONSIBILITY = "responsibility", _("Responsibility measure")
        TEMPORARY_EXCLUSION_CLASS = "temp_class", _("Temporary exclusion from class")
        TEMPORARY_EXCLUSION = "temp_school", _("Temporary exclusion from the establishment")
        PERMANENT_EXCLUSION = "permanent", _("Permanent exclusion")

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    incident = models.ForeignKey(Incident, null=True, blank=True, on_delete=models.SET_NULL, related_name="sanctions")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("student")
    )
    kind = models.CharField(_("measure"), max_length=16, choices=Kind.choices)
    starts_at = models.DateTimeField(_("date"))
    ends_at = models.DateTimeField(_("until"), null=True, blank=True)
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("supervised by"),
    )
    reason = models.CharField(_("reason"), max_length=500)
    given_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    given_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("sanction")
        verbose_name_plural = _("sanctions")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=F("starts_at")), name="sanction_ends_after_start"
            ),
        ]
        indexes = [models.Index(fields=["student", "starts_at"], name="sanction_by_student")]

    def __str__(self) -> str:
        return f"{self.kind} for {self.student_id}"


class Threshold(models.Model):
    """An early-warning rule: so many unjustified half-days within a calendar month."""

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    half_days = models.PositiveSmallIntegerField(_("unjustified half-days in a month"), default=4)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("alert threshold")
        verbose_name_plural = _("alert thresholds")
        constraints = [
            models.UniqueConstraint(fields=["establishment", "half_days"], name="unique_threshold"),
            models.CheckConstraint(condition=Q(half_days__gte=1), name="threshold_at_least_one"),
        ]

    def __str__(self) -> str:
        return f"{self.half_days} half-days"


class ThresholdAlert(models.Model):
    """A student crossed a threshold in a month: raised once (unique per student, threshold, month)."""

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    threshold = models.ForeignKey(Threshold, on_delete=models.CASCADE, related_name="alerts")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("month"))
    half_days = models.PositiveSmallIntegerField(_("unjustified half-days"))
    raised_at = models.DateTimeField(auto_now_add=True)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-raised_at"]
        verbose_name = _("threshold alert")
        verbose_name_plural = _("threshold alerts")
        constraints = [
            models.UniqueConstraint(fields=["threshold", "student", "month"], name="unique_threshold_alert"),
        ]

    def __str__(self) -> str:
        return f"alert {self.threshold_id} for {self.student_id} in {self.month:%Y-%m}"
