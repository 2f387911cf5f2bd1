"""Polls and surveys: their questions and options, who answered, and the answers themselves.

Answering once is held by the database: a :class:`Participation` (poll, person) is unique. For
an anonymous poll the answers are stored in a :class:`Response` without the person, and nothing
joins the two: responses and answers have random ids (UUIDs) and no timestamps, so neither an
id order nor a date links a participation to its response.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from romsie.core.concurrency import VersionField
from romsie.establishments.models import Establishment
from romsie.schooling.audiences import Audience


class Poll(Audience):
    """A quick poll (one question) or a survey (several questions) for an audience of the establishment."""

    class Kind(models.TextChoices):
        QUICK = "quick", _("Quick poll")
        SURVEY = "survey", _("Survey")

    class Results(models.TextChoices):
        AFTER_ANSWER = "after_answer", _("To those who answered, once they have answered")
        AFTER_DEADLINE = "after_deadline", _("To those who answered, after the deadline")
        AUTHOR = "author", _("Only to me")

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.QUICK)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    is_anonymous = models.BooleanField(_("anonymous"), default=True)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("deadline"))
    results_visibility = models.CharField(
        _("results shown"), max_length=20, choices=Results.choices, default=Results.AFTER_ANSWER
    )
    is_published = models.BooleanField(_("published"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    version = VersionField()

    class Meta:
        ordering = ["closes_at", "pk"]
        verbose_name = _("poll")
        verbose_name_plural = _("polls")
        indexes = [
            models.Index(fields=["establishment", "closes_at"], name="polls_poll_closes"),
            models.Index(fields=["created_by", "created_at"], name="polls_poll_author"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(closes_at__gt=F("opens_at")), name="poll_closes_after_opening"),
        ]

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    """A question of a poll: single or multiple choice, a scale from 1 to 5, a short or long text."""

    class Kind(models.TextChoices):
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")
        SCALE = "scale", _("Scale from 1 to 5")
        SHORT_TEXT = "short_text", _("Short text")
        LONG_TEXT = "long_text", _("Long text")

    CHOICE_KINDS = (Kind.SINGLE, Kind.MULTIPLE)
    TEXT_KINDS = (Kind.SHORT_TEXT, Kind.LONG_TEXT)

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="questions")
    label = models.CharField(_("question"), max_length=300)
    kind = models.CharField(_("kind of answer"), max_length=12, choices=Kind.choices, default=Kind.SINGLE)
    is_required = models.BooleanField(_("answer required"), default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [models.UniqueConstraint(fields=["poll", "position"], name="poll_question_position_once")]

    def __str__(self) -> str:
        return self.label

    @property
    def has_options(self) -> bool:
        return self.kind in self.CHOICE_KINDS

    @property
    def is_text(self) -> bool:
        return self.kind in self.TEXT_KINDS


class Option(models.Model):
    """One answer offered to a choice question."""

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    label = models.CharField(_("choice"), max_length=200)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        constraints = [models.UniqueConstraint(fields=["question", "position"], name="poll_option_position_once")]

    def __str__(self) -> str:
        return self.label


class Participation(models.Model):
    """A person answered a poll: unique per poll and person, it says "already answered" and nothing else."""

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="participations")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [models.UniqueConstraint(fields=["poll", "person"], name="poll_answered_once")]

    def __str__(self) -> str:
        return f"{self.poll_id}: {self.person_id}"


class Response(models.Model):
    """One person's answers to a poll; ``person`` is empty on an anonymous poll. Random id, no date."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="responses")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        constraints = [
            models.UniqueConstraint(
                fields=["poll", "person"], condition=Q(person__isnull=False), name="poll_named_response_once"
            )
        ]

    def __str__(self) -> str:
        return str(self.pk)


class Answer(models.Model):
    """The answer to one question: an option chosen (one row per option ticked), a scale value or a text."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    option = models.ForeignKey(Option, on_delete=models.CASCADE, null=True, blank=True, related_name="answers")
    scale = models.PositiveSmallIntegerField(_("value"), null=True, blank=True)
    text = models.TextField(_("text"), blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        indexes = [models.Index(fields=["question", "option"], name="polls_answer_counts")]
        constraints = [
            models.CheckConstraint(
                condition=Q(scale__isnull=True) | Q(scale__gte=1, scale__lte=5), name="poll_answer_scale_range"
            ),
            models.UniqueConstraint(
                fields=["response", "question", "option"],
                condition=Q(option__isnull=False),
                name="poll_option_ticked_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.option_id or self.scale or self.text[:20]}"
