"""Video meetings on the territory's existing video-conference server.

The territory configures one :class:`VideoServer` (BigBlueButton's API with its shared secret,
or Jitsi with JWT tokens); the ENT never hosts a conference itself. A :class:`VideoMeeting`
belongs to an establishment and is for a class (its students and teachers, its guardians if
chosen), for the guardian and the teacher of one parent–teacher appointment, or for people
picked one by one (:class:`VideoMeetingInvitee`). Its ``room`` is a random, unguessable name,
used as BigBlueButton's ``meetingID`` and as Jitsi's room.
"""

from __future__ import annotations

import datetime
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from romsie.agenda.models import Event
from romsie.communities.models import Community
from romsie.core.concurrency import VersionField
from romsie.establishments.models import Establishment, Territory
from romsie.meetings.models import Appointment
from romsie.schooling.models import SchoolClass


def new_room() -> str:
    """A random room name: 40 lower-case hexadecimal digits (160 bits), never guessed.

    Lower case and digits only: Jitsi lower-cases room names, BigBlueButton takes any.
    """
    return secrets.token_hex(20)


class VideoServer(models.Model):
    """The video-conference server a territory configured (one per territory).

    ``secret`` is BigBlueButton's shared secret or Jitsi's application secret; it is never shown
    back in a form. ``checksum_algorithm`` is the hash BigBlueButton's checksums use (the server's
    ``supportedChecksumAlgorithms``).
    """

    class Kind(models.TextChoices):
        BIGBLUEBUTTON = "bbb", _("BigBlueButton")
        JITSI = "jitsi", _("Jitsi Meet (JWT)")

    class Checksum(models.TextChoices):
        SHA256 = "sha256", "SHA-256"
        SHA1 = "sha1", "SHA-1"

    territory = models.OneToOneField(
        Territory, on_delete=models.CASCADE, related_name="video_server", verbose_name=_("territory")
    )
    kind = models.CharField(_("kind of server"), max_length=8, choices=Kind.choices, default=Kind.BIGBLUEBUTTON)
    url = models.URLField(_("address"), max_length=300)
    secret = models.CharField(_("secret"), max_length=200)
    checksum_algorithm = models.CharField(
        _("checksum"), max_length=8, choices=Checksum.choices, default=Checksum.SHA256
    )
    app_id = models.CharField(_("application identifier"), max_length=100, blank=True)
    version = VersionField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("video-conference server")
        verbose_name_plural = _("video-conference servers")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.url}"


class VideoMeeting(models.Model):
    """A video meeting of an establishment, for a class, an appointment or people picked."""

    class For(models.TextChoices):
        CLASS = "class", _("A class")
        APPOINTMENT = "appointment", _("A parent–teacher appointment")
        PEOPLE = "people", _("People I choose")
        COMMUNITY = "community", _("A community")

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("organiser")
    )
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=60)
    kind = models.CharField(_("for"), max_length=12, choices=For.choices)
    school_class = models.ForeignKey(
        SchoolClass, null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("class")
    )
    with_guardians = models.BooleanField(_("guardians invited too"), default=False)
    appointment = models.ForeignKey(
        Appointment, null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("appointment")
    )
    community = models.ForeignKey(
        Community, null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("community")
    )
    room = models.CharField(_("room"), max_length=64, unique=True, default=new_room, editable=False)
    event = models.ForeignKey(Event, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    version = VersionField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("video meeting")
        verbose_name_plural = _("video meetings")
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="class") | Q(school_class__isnull=False), name="videomeetings_class_has_class"
            ),
            models.CheckConstraint(
                condition=~Q(kind="appointment") | Q(appointment__isnull=False),
                name="videomeetings_appointment_has_appointment",
            ),
            models.CheckConstraint(condition=Q(duration_minutes__gte=5), name="videomeetings_at_least_5_minutes"),
        ]
        indexes = [
            models.Index(fields=["establishment", "starts_at"], name="videomeetings_by_start"),
            models.Index(fields=["organiser", "starts_at"], name="videomeetings_by_organiser"),
            models.Index(fields=["school_class", "starts_at"], name="videomeetings_by_class"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def ends_at(self) -> datetime.datetime:
        return self.starts_at + datetime.timedelta(minutes=self.duration_minutes)


class VideoMeetingInvitee(models.Model):
    """A person invited to a video meeting (meetings for an appointment or for people picked)."""

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    meeting = models.ForeignKey(VideoMeeting, on_delete=models.CASCADE, related_name="invitees")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["pk"]
        verbose_name = _("invitee")
        verbose_name_plural = _("invitees")
        constraints = [models.UniqueConstraint(fields=["meeting", "person"], name="videomeetings_one_invitation")]
        indexes = [models.Index(fields=["person", "establishment"], name="videomeetings_invitee_idx")]

    def __str__(self) -> str:
        return f"{self.person} — {self.meeting}"
