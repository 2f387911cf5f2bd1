"""The homework log (cahier de textes), homework to do, ticks, planner entries, hand-ins and visas.

A :class:`LogEntry` records what was done in one session of a teaching; it carries the teaching
and the date itself, so it survives the timetable deleting a future session (the link to the
session is then set to null). Its :class:`Homework` items say what is to do for a later date.
"""

from __future__ import annotations

import datetime
from uuid import uuid4

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from romsie.core.concurrency import VersionField
from romsie.core.models import StoredFile
from romsie.establishments.models import Establishment
from romsie.schooling.models import Subject, Teaching
from romsie.timetable.models import Session


def _stored_name(instance: models.Model, filename: str) -> str:
    # The stored name is not the uploaded one: no user input reaches the storage path.
    return f"homework/{instance.establishment_id}/{uuid4().hex}"  # type: ignore[attr-defined]


class LogEntry(models.Model):
    """What was done in one session, written by its teacher; a draft until published.

    ``publish_at`` delays publication: students and guardians see the entry (and its homework)
    only from then on. ``version`` grows at each save through the form: a form posts the version
    it showed, and a save made in between is refused instead of being overwritten
    (``romsie.core.concurrency``).
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    teaching = models.ForeignKey(Teaching, on_delete=models.CASCADE, related_name="log_entries")
    session = models.ForeignKey(Session, null=True, blank=True, on_delete=models.SET_NULL, related_name="log_entries")
    date = models.DateField(_("date"))
    starts_at = models.TimeField(_("starts at"), null=True, blank=True)
    # Kept when the author's account is deleted (leavers are purged): the log is the class's.
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    title = models.CharField(_("title"), max_length=150, blank=True)
    content_html = models.TextField(_("what was done"), blank=True)
    links = models.TextField(_("links"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    publish_at = models.DateTimeField(_("published from"), null=True, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)
    # Documents linked rather than attached: the class gets a read share when the entry is published.
    linked_documents = models.ManyToManyField(
        "documents.Node", blank=True, related_name="+", verbose_name=_("linked documents")
    )
    version = VersionField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date", "-starts_at", "-pk"]
        verbose_name = _("log entry")
        verbose_name_plural = _("log entries")
        constraints = [
            models.UniqueConstraint(
                fields=["session"], condition=Q(session__isnull=False), name="one_entry_per_session"
            ),
        ]
        indexes = [
            models.Index(fields=["teaching", "date"], name="entry_by_teaching"),
            models.Index(fields=["establishment", "status", "publish_at"], name="entry_by_publication"),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.teaching_id}"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def is_public(self) -> bool:
        """Whether students and guardians see it now."""
        return self.is_published and (self.publish_at is None or self.publish_at <= timezone.now())

    @property
    def is_scheduled(self) -> bool:
        return self.is_published and self.publish_at is not None and self.publish_at > timezone.now()

    @property
    def link_list(self) -> list[str]:
        return [line.strip() for line in self.links.splitlines() if line.strip()]


class LogAttachment(StoredFile):
    """A file joined to a log entry; served only as a download to those who see the entry."""

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    entry = models.ForeignKey(LogEntry, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=_stored_name, max_length=200)


class Homework(models.Model):
    """Something to do for a later date, given in a log entry (teaching copied for queries)."""

    class Kind(models.TextChoices):
        EXERCISE = "exercise", _("Exercise")
        LEARN = "learn", _("Lesson to learn")
        TEST = "test", _("Test to prepare")
        HAND_IN = "hand_in", _("Work to hand in")

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    entry = models.ForeignKey(LogEntry, on_delete=models.CASCADE, related_name="homework")
    teaching = models.ForeignKey(Teaching, on_delete=models.CASCADE, related_name="homework")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.EXERCISE)
    instructions = models.TextField(_("instructions"), max_length=2000)
    due_on = models.DateField(_("due on"))
    duration_minutes = models.PositiveSmallIntegerField(_("estimated duration (minutes)"), null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("homework")
        verbose_name_plural = _("homework")
        indexes = [models.Index(fields=["teaching", "due_on"], name="homework_by_teaching_due")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.due_on:%Y-%m-%d}"

    @property
    def is_hand_in(self) -> bool:
        return self.kind == self.Kind.HAND_IN

    @property
    def deadline_at(self) -> datetime.datetime:
        """Work to hand in is due by the end of the due date (local time)."""
        return timezone.make_aware(datetime.datetime.combine(self.due_on, datetime.time(23, 59, 59)))


class HomeworkTick(models.Model):
    """A student ticked a homework as done (their guardians see it)."""

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    homework = models.ForeignKey(Homework, on_delete=models.CASCADE, related_name="ticks")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    done_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("homework done")
        verbose_name_plural = _("homework done")
        constraints = [models.UniqueConstraint(fields=["homework", "student"], name="one_tick_per_student")]

    def __str__(self) -> str:
        return f"{self.homework_id} ✓ {self.student_id}"


class PlannerEntry(models.Model):
    """A student's own note in their homework planner; nobody else sees it."""

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    subject = models.ForeignKey(
        Subject, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("subject")
    )
    title = models.CharField(_("what to do"), max_length=200)
    due_on = models.DateField(_("for"))
    is_done = models.BooleanField(_("done"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("planner entry")
        verbose_name_plural = _("planner entries")
        indexes = [models.Index(fields=["student", "due_on"], name="planner_by_student")]

    def __str__(self) -> str:
        return self.title


class Submission(models.Model):
    """The file a student handed in for a homework to hand in, and the teacher's return."""

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    homework = models.ForeignKey(Homework, on_delete=models.CASCADE, related_name="submissions")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    file = models.FileField(_("file"), upload_to=_stored_name, max_length=200)
    name = models.CharField(_("name"), max_length=150)
    content_type = models.CharField(max_length=100)
    size_bytes = models.PositiveIntegerField(_("size"))
    submitted_at = models.DateTimeField(_("handed in at"))
    is_late = models.BooleanField(_("late"), default=False)
    feedback = models.TextField(_("feedback"), blank=True, max_length=5000)
    corrected_file = models.FileField(_("corrected file"), upload_to=_stored_name, max_length=200, blank=True)
    corrected_name = models.CharField(max_length=150, blank=True)
    corrected_content_type = models.CharField(max_length=100, blank=True)
    returned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["homework", "student"]
        verbose_name = _("work handed in")
        verbose_name_plural = _("work handed in")
        constraints = [models.UniqueConstraint(fields=["homework", "student"], name="one_submission_per_student")]

    def __str__(self) -> str:
        return f"{self.homework_id} ← {self.student_id}"


class Visa(models.Model):
    """The head's stamp on a teaching's log: entries up to ``signed_on`` become read-only."""

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    teaching = models.ForeignKey(Teaching, on_delete=models.CASCADE, related_name="visas")
    signed_on = models.DateField(_("signed on"))
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-signed_on", "-pk"]
        verbose_name = _("visa")
        verbose_name_plural = _("visas")
        indexes = [models.Index(fields=["teaching", "signed_on"], name="visa_by_teaching")]

    def __str__(self) -> str:
        return f"visa {self.teaching_id} {self.signed_on:%Y-%m-%d}"
