"""Assessments and marks, competencies, report-card comments, class councils and report cards.

Marks belong to an assessment of a teaching (a teacher, a subject, a class or a group) in a
grading period (``schooling.Period``). Averages are never stored: they are worked out from the
marks by ``averages.py`` (rules and worked examples in ``docs/assessment.md``). A class council
per class and period gathers the averages, absences, teachers' comments and the council's
decisions; once published, report cards are visible to families and the period is locked for
that class (changes need ``assessment.manage``).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from romsie.core.concurrency import VersionField
from romsie.core.models import StoredFile
from romsie.establishments.models import Establishment
from romsie.schooling.models import Level, Period, SchoolClass, Subject, Teaching

MAX_COMMENT_LENGTH = 2000
MARK_MAX_DIGITS = 6  # up to 9999.99: a mark out of 100 with two decimals fits


class AssessmentSettings(models.Model):
    """An establishment's choices for marks and report cards."""

    establishment = models.OneToOneField(Establishment, on_delete=models.CASCADE, related_name="+")
    # Marks are shown to families this many days after the assessment's date, unless the
    # teacher sets another date.
    publication_delay_days = models.PositiveSmallIntegerField(
        _("days before marks are shown to families"), default=0, validators=[MaxValueValidator(60)]
    )
    # The report cards' style: a heading line and an accent colour (a CSS hex colour).
    report_heading = models.CharField(_("report cards' heading"), max_length=200, blank=True)
    report_colour = models.CharField(_("report cards' colour"), max_length=7, default="#1d4e89")
    version = VersionField()

    class Meta:
        verbose_name = _("assessment settings")
        verbose_name_plural = _("assessment settings")

    def __str__(self) -> str:
        return str(self.establishment)


class SubjectWeight(models.Model):
    """The weight of a subject in the overall average, for a level or every level (``level`` empty)."""

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="+", verbose_name=_("subject"))
    level = models.ForeignKey(
        Level, null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("level")
    )
    weight = models.DecimalField(
        _("weight"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100"))],
    )
    version = VersionField()

    class Meta:
        verbose_name = _("subject weight")
        verbose_name_plural = _("subject weights")
        constraints = [
            models.UniqueConstraint(fields=["establishment", "subject", "level"], name="unique_subject_weight"),
            models.UniqueConstraint(
                fields=["establishment", "subject"], condition=Q(level__isnull=True), name="unique_subject_weight_all"
            ),
            models.CheckConstraint(condition=Q(weight__gt=0), name="subject_weight_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.subject}: {self.weight}"


class Competency(models.Model):
    """A competency: a national component of the common base (``establishment`` empty), or an
    establishment's own item under one (``component``).

    The national components are the eight of the *socle commun* (cycles 2, 3 and 4), loaded by a
    data migration; an establishment adds items (e.g. "Read a text aloud") under them, for a
    cycle and optionally a subject.
    """

    establishment = models.ForeignKey(Establishment, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    component = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="items",
        verbose_name=_("component of the common base"),
    )
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=200)
    # The school cycle (2: CP-CE2, 3: CM1-6e, 4: 5e-3e); empty for the national components,
    # which span cycles 2 to 4.
    cycle = models.PositiveSmallIntegerField(
        _("cycle"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    subject = models.ForeignKey(
        Subject, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("subject")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    version = VersionField()

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("competency")
        verbose_name_plural = _("competencies")
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=Q(establishment__isnull=True), name="unique_national_competency"
            ),
            models.UniqueConstraint(fields=["establishment", "code"], name="unique_competency_code"),
            models.CheckConstraint(
                condition=Q(establishment__isnull=True) | Q(component__isnull=False),
                name="competency_item_has_component",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class CompetencyLevel(models.IntegerChoices):
    """The national four-level scale of mastery."""

    INSUFFICIENT = 1, _("Insufficient mastery")
    FRAGILE = 2, _("Fragile mastery")
    SATISFACTORY = 3, _("Satisfactory mastery")
    VERY_GOOD = 4, _("Very good mastery")


class Assessment(models.Model):
    """A test, a piece of homework or an oral of a teaching, in a grading period.

    ``out_of`` is the scale (marks are brought back to 20 for averages), ``weight`` the
    coefficient inside the subject. An assessment ``graded`` False evaluates competencies only
    (primary schools). Families see its marks from ``publish_on`` (included).
    """

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    teaching = models.ForeignKey(
        Teaching, on_delete=models.CASCADE, related_name="assessments", verbose_name=_("teaching")
    )
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("period"))
    title = models.CharField(_("title"), max_length=150)
    date = models.DateField(_("date"))
    out_of = models.DecimalField(
        _("out of"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(20),
        validators=[MinValueValidator(Decimal(1)), MaxValueValidator(Decimal(100))],
    )
    weight = models.DecimalField(
        _("weight"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(1),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal(100))],
    )
    graded = models.BooleanField(_("marked"), default=True)
    publish_on = models.DateField(_("shown to families from"))
    description = models.CharField(_("description"), max_length=500, blank=True)
    competencies = models.ManyToManyField(
        Competency, blank=True, related_name="assessments", verbose_name=_("competencies assessed")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # When the families were told that marks are out (the notification goes once, on or after
    # ``publish_on``).
    notified_at = models.DateTimeField(null=True, blank=True)
    version = VersionField()

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        indexes = [
            models.Index(fields=["teaching", "period", "date"], name="assessment_teaching_period"),
            models.Index(fields=["establishment", "publish_on"], name="assessment_publish_on"),
            # The assessments whose families are still to be told (``notify_published_marks``, every
            # ten minutes, across establishments): only those rows are indexed.
            models.Index(fields=["publish_on"], condition=Q(notified_at__isnull=True), name="assessment_to_notify"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(out_of__gt=0), name="assessment_out_of_positive"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="assessment_weight_positive"),
        ]

    def __str__(self) -> str:
        return self.title


class MarkStatus(models.TextChoices):
    """What a cell of the grid holds besides a mark."""

    MARKED = "", _("Marked")
    ABSENT = "absent", _("Absent")
    EXEMPT = "exempt", _("Exempt")
    NOT_MARKED = "not_marked", _("Not marked")
    NOT_HANDED_IN = "not_handed_in", _("Not handed in")


class Mark(models.Model):
    """A student's mark in an assessment (``value`` on the assessment's scale), or a status.

    ``version`` grows at each save of the cell: a save from a grid showing an older version is
    refused, so two teachers (or two tabs) never silently overwrite each other's mark.
    """

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="marks")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    value = models.DecimalField(_("mark"), max_digits=MARK_MAX_DIGITS, decimal_places=2, null=True, blank=True)
    status = models.CharField(_("status"), max_length=15, choices=MarkStatus.choices, default="", blank=True)
    comment = models.CharField(_("comment"), max_length=MAX_COMMENT_LENGTH, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    version = VersionField()

    class Meta:
        verbose_name = _("mark")
        verbose_name_plural = _("marks")
        indexes = [models.Index(fields=["student", "assessment"], name="mark_student")]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "student"], name="unique_mark"),
            models.CheckConstraint(
                condition=Q(status="", value__isnull=False) | (~Q(status="") & Q(value__isnull=True)),
                name="mark_value_xor_status",
            ),
            models.CheckConstraint(condition=Q(value__isnull=True) | Q(value__gte=0), name="mark_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.student_id}: {self.value if self.value is not None else self.status}"


class CompetencyEvaluation(models.Model):
    """A student's level on a competency, given by a teacher on a day (in an assessment or not).

    The record across the cycle is every evaluation of the student; the latest per competency is
    the current level. One per competency, student, teacher and day (a new level the same day
    replaces the earlier one).
    """

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    competency = models.ForeignKey(Competency, on_delete=models.CASCADE, related_name="evaluations")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    level = models.PositiveSmallIntegerField(_("level"), choices=CompetencyLevel.choices)
    date = models.DateField(_("date"))
    teaching = models.ForeignKey(Teaching, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    assessment = models.ForeignKey(
        Assessment, null=True, blank=True, on_delete=models.CASCADE, related_name="competency_evaluations"
    )
    evaluated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    version = VersionField()

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("competency evaluation")
        verbose_name_plural = _("competency evaluations")
        indexes = [models.Index(fields=["student", "competency", "date"], name="competency_eval_student")]
        constraints = [
            models.UniqueConstraint(
                fields=["competency", "student", "evaluated_by", "date"], name="unique_competency_evaluation"
            ),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=4), name="competency_level_range"),
        ]

    def __str__(self) -> str:
        return f"{self.student_id} {self.competency_id}: {self.level}"


class ReportComment(models.Model):
    """A teacher's comment on a student for a teaching and a period (the report card's line)."""

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="+")
    teaching = models.ForeignKey(Teaching, on_delete=models.CASCADE, related_name="+")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.CharField(_("comment"), max_length=MAX_COMMENT_LENGTH, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    version = VersionField()

    class Meta:
        verbose_name = _("report-card comment")
        verbose_name_plural = _("report-card comments")
        constraints = [
            models.UniqueConstraint(fields=["period", "teaching", "student"], name="unique_report_comment"),
        ]

    def __str__(self) -> str:
        return self.text[:40]


class Council(models.Model):
    """The class council of a class for a period, and the state of its report cards.

    Open → prepared (the homeroom teacher) → validated (the head) → published (report cards
    visible to families; the period is locked for the class).
    """

    class Status(models.TextChoices):
        OPEN = "open", _("Being prepared")
        PREPARED = "prepared", _("Prepared")
        VALIDATED = "validated", _("Validated")
        PUBLISHED = "published", _("Published")

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="councils")
    school_class = models.ForeignKey(SchoolClass, on_delete=models.CASCADE, related_name="councils")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    held_on = models.DateField(_("held on"), null=True, blank=True)
    class_comment = models.CharField(_("comment on the class"), max_length=MAX_COMMENT_LENGTH, blank=True)
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    validated_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    version = VersionField()

    class Meta:
        verbose_name = _("class council")
        verbose_name_plural = _("class councils")
        constraints = [models.UniqueConstraint(fields=["period", "school_class"], name="unique_council")]

    def __str__(self) -> str:
        return f"{self.school_class} — {self.period}"


class Mention(models.TextChoices):
    """The council's mention on a report card."""

    NONE = "", _("No mention")
    ENCOURAGEMENT = "encouragement", _("Encouragement")
    COMPLIMENTS = "compliments", _("Compliments")
    CONGRATULATIONS = "congratulations", _("Congratulations")
    WARNING_WORK = "warning_work", _("Warning on work")
    WARNING_CONDUCT = "warning_conduct", _("Warning on conduct")


class CouncilDecision(models.Model):
    """What the council says of one student: the general comment, the mention, the decision."""

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="decisions")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    general_comment = models.CharField(_("general comment"), max_length=MAX_COMMENT_LENGTH, blank=True)
    mention = models.CharField(_("mention"), max_length=20, choices=Mention.choices, default="", blank=True)
    decision = models.CharField(_("decision"), max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = VersionField()

    class Meta:
        verbose_name = _("council decision")
        verbose_name_plural = _("council decisions")
        constraints = [models.UniqueConstraint(fields=["council", "student"], name="unique_council_decision")]

    def __str__(self) -> str:
        return f"{self.council_id} {self.student_id}"


def report_card_path(instance: ReportCard, filename: str) -> str:
    import uuid

    return f"report-cards/{instance.establishment_id}/{uuid.uuid4().hex}.pdf"


class ReportCard(StoredFile):
    """A student's report card for a period, as a PDF (``student`` empty: the whole class's file)."""

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="report_cards")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    file = models.FileField(upload_to=report_card_path)
    generated_at = models.DateTimeField(auto_now_add=True)

    class Meta(StoredFile.Meta):
        verbose_name = _("report card")
        verbose_name_plural = _("report cards")
        constraints = [
            models.UniqueConstraint(fields=["council", "student"], name="unique_report_card"),
            models.UniqueConstraint(
                fields=["council"], condition=Q(student__isnull=True), name="unique_class_report_card"
            ),
        ]


class ReportCardRun(models.Model):
    """A background generation of a class's report cards, with its progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Being generated")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="runs")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("report-card generation")
        verbose_name_plural = _("report-card generations")

    def __str__(self) -> str:
        return f"{self.council} {self.status} {self.done}/{self.total}"
