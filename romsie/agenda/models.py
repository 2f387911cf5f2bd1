"""Agendas: a person's personal agenda, class agendas, community agendas and the establishment's.

An :class:`Event` belongs to one agenda. Personal events are their owner's alone; class and
establishment events carry an audience (``schooling.audiences``: roles narrowed to levels and
classes; a class event is narrowed to its class); a community's events are for its members
only. An :class:`Invitation` asks a person to an
event and records their answer; reminders are sent once (``reminded_at``).
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
from romsie.schooling.models import SchoolClass


def new_uid() -> str:
    """A new iCalendar UID (the CalDAV resource name is ``<uid>.ics``)."""
    return f"{uuid.uuid4()}@romsie"


class Event(Audience):
    """An event of an agenda: a meeting, a trip, a class council, an exam, an open day..."""

    class Agenda(models.TextChoices):
        PERSONAL = "personal", _("Personal agenda")
        CLASS = "class", _("Class agenda")
        ESTABLISHMENT = "establishment", _("Establishment agenda")
        COMMUNITY = "community", _("Community agenda")

    class Category(models.TextChoices):
        MEETING = "meeting", _("Meeting")
        TRIP = "trip", _("Trip")
        CLASS_COUNCIL = "class_council", _("Class council")
        EXAM = "exam", _("Exam")
        OPEN_DAY = "open_day", _("Open day")
        OTHER = "other", _("Other")

    class Reminder(models.IntegerChoices):
        MINUTES_15 = 15, _("15 minutes before")
        HOUR_1 = 60, _("1 hour before")
        DAY_1 = 1440, _("1 day before")

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    agenda = models.CharField(_("agenda"), max_length=16, choices=Agenda.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("organiser")
    )
    school_class = models.ForeignKey(
        SchoolClass, null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("class")
    )
    # A community event is seen by the community's members only (``communities.access``).
    community = models.ForeignKey(
        "communities.Community",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("community"),
    )
    uid = models.CharField(_("calendar identifier"), max_length=255, default=new_uid)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices, default=Category.OTHER)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    is_all_day = models.BooleanField(_("all day"), default=False)
    reminder_minutes = models.PositiveIntegerField(_("reminder"), choices=Reminder.choices, null=True, blank=True)
    reminded_at = models.DateTimeField(_("owner reminded at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = VersionField()

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gte=F("starts_at")), name="agenda_event_ends_after_start"),
            models.CheckConstraint(
                condition=Q(agenda="class", school_class__isnull=False) | ~Q(agenda="class"),
                name="agenda_class_event_has_class",
            ),
            models.CheckConstraint(
                condition=Q(agenda="community", community__isnull=False)
                | Q(~Q(agenda="community"), community__isnull=True),
                name="agenda_community_event_has_community",
            ),
            models.UniqueConstraint(fields=["owner", "uid"], name="agenda_unique_uid_per_owner"),
        ]
        indexes = [
            models.Index(fields=["establishment", "agenda", "starts_at"], name="agenda_event_agenda_idx"),
            models.Index(fields=["owner", "starts_at"], name="agenda_event_owner_idx"),
            models.Index(fields=["community", "starts_at"], name="agenda_event_community_idx"),
            models.Index(fields=["reminded_at", "starts_at"], name="agenda_event_reminder_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_personal(self) -> bool:
        return self.agenda == self.Agenda.PERSONAL


class Invitation(models.Model):
    """A person is invited to an event; they answer accept, decline or maybe."""

    class Answer(models.TextChoices):
        PENDING = "pending", _("No answer yet")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        MAYBE = "maybe", _("Maybe")

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="invitations")
    invitee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("invitee")
    )
    answer = models.CharField(_("answer"), max_length=8, choices=Answer.choices, default=Answer.PENDING)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [models.UniqueConstraint(fields=["event", "invitee"], name="agenda_unique_invitation")]
        indexes = [models.Index(fields=["invitee", "establishment"], name="agenda_invitation_invitee_idx")]

    def __str__(self) -> str:
        return f"{self.invitee} — {self.event}"
