"""Activities and online forms, registrations of children, consents signed and documents provided."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from romsie.core.concurrency import VersionField
from romsie.core.models import StoredFile
from romsie.establishments.models import Establishment
from romsie.schooling.models import Level, SchoolClass


def _stored_name(instance: Any, filename: str) -> str:
    return f"registrations/{instance.establishment_id}/{uuid4().hex}"


class Activity(models.Model):
    """A club, trip, after-school care, canteen days, holiday camp or plain online form families register to."""

    class Kind(models.TextChoices):
        CLUB = "club", _("Club")
        TRIP = "trip", _("School trip")
        AFTER_SCHOOL = "after_school", _("After-school care")
        CANTEEN = "canteen", _("Canteen days")
        HOLIDAY_CAMP = "holiday_camp", _("Holiday camp")
        FORM = "form", _("Online form")

    class Allocation(models.TextChoices):
        FIRST_COME = "first_come", _("First come, first served, with a waiting list")
        DRAW = "draw", _("A draw at the deadline")

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.CLUB)
    title = models.CharField(_("title"), max_length=150)
    description = models.TextField(_("description"), blank=True)
    place = models.CharField(_("place"), max_length=150, blank=True)
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    opens_at = models.DateTimeField(_("registration opens at"))
    closes_at = models.DateTimeField(_("registration deadline"))
    capacity = models.PositiveIntegerField(_("places"), null=True, blank=True)
    price_info = models.CharField(_("price"), max_length=300, blank=True)
    allocation = models.CharField(
        _("allocation of places"), max_length=20, choices=Allocation.choices, default=Allocation.FIRST_COME
    )
    is_published = models.BooleanField(_("published"), default=True)
    organisers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="+", blank=True, verbose_name=_("organisers")
    )
    levels = models.ManyToManyField(Level, related_name="+", blank=True, verbose_name=_("levels"))
    school_classes = models.ManyToManyField(SchoolClass, related_name="+", blank=True, verbose_name=_("classes"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    drawn_at = models.DateTimeField(_("drawn at"), null=True, blank=True)
    draw_seed = models.BigIntegerField(_("draw seed"), null=True, blank=True)
    version = VersionField()

    class Meta:
        ordering = ["closes_at", "pk"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        indexes = [models.Index(fields=["establishment", "closes_at"], name="registrations_activity_closes")]
        constraints = [
            models.CheckConstraint(condition=Q(closes_at__gt=F("opens_at")), name="activity_closes_after_opening"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(starts_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="activity_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def has_places(self) -> bool:
        """Whether the activity allocates places (a plain form does not)."""
        return self.kind != self.Kind.FORM


class Question(models.Model):
    """A question families answer when they register a child (text, choice or yes/no)."""

    class Kind(models.TextChoices):
        TEXT = "text", _("Text")
        CHOICE = "choice", _("Choice")
        YES_NO = "yes_no", _("Yes or no")

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="questions")
    label = models.CharField(_("question"), max_length=200)
    kind = models.CharField(_("kind of answer"), max_length=10, choices=Kind.choices, default=Kind.TEXT)
    choices = models.TextField(_("choices"), blank=True, help_text=_("One choice per line."))
    is_required = models.BooleanField(_("answer required"), default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self) -> str:
        return self.label

    @property
    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]


class DocumentItem(models.Model):
    """A document to provide for each child registered (an insurance certificate...)."""

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="document_items")
    name = models.CharField(_("document"), max_length=150)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("document to provide")
        verbose_name_plural = _("documents to provide")

    def __str__(self) -> str:
        return self.name


class Consent(models.Model):
    """A consent asked of the guardians (image rights, medical treatment, leaving alone); its text is versioned."""

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="consents")
    name = models.CharField(_("consent"), max_length=150)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")

    def __str__(self) -> str:
        return self.name


class ConsentVersion(models.Model):
    """One text of a consent, never changed: a new text is a new version, and signatures name theirs."""

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    consent = models.ForeignKey(Consent, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    text = models.TextField(_("text"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["consent_id", "-number"]
        verbose_name = _("consent text")
        verbose_name_plural = _("consent texts")
        constraints = [models.UniqueConstraint(fields=["consent", "number"], name="consent_version_once")]

    def __str__(self) -> str:
        return f"{self.consent_id} v{self.number}"


class Registration(models.Model):
    """A child registered (or waiting, refused, withdrawn) to an activity by a guardian."""

    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        WAITING = "waiting", _("On the waiting list")
        REFUSED = "refused", _("Refused")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="registrations")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    created_at = models.DateTimeField(_("registered at"))
    decided_at = models.DateTimeField(null=True, blank=True)
    draw_rank = models.PositiveIntegerField(_("rank in the draw"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        indexes = [models.Index(fields=["activity", "status", "created_at"], name="registrations_by_status")]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "student"],
                condition=~Q(status="withdrawn"),
                name="registration_once_per_child",
            )
        ]

    def __str__(self) -> str:
        return f"{self.activity_id}: {self.student_id} ({self.status})"


class ConsentSignature(models.Model):
    """A guardian gave or refused one consent for one child: who, when, which text. Never changed."""

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="signatures")
    consent_version = models.ForeignKey(ConsentVersion, on_delete=models.PROTECT, related_name="+")
    is_given = models.BooleanField(_("given"))
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    signed_by_name = models.CharField(_("signed by"), max_length=200)
    signed_at = models.DateTimeField(_("signed at"))

    class Meta:
        ordering = ["pk"]
        verbose_name = _("consent signature")
        verbose_name_plural = _("consent signatures")
        constraints = [models.UniqueConstraint(fields=["registration", "consent_version"], name="consent_signed_once")]

    def __str__(self) -> str:
        return f"{self.registration_id}: {self.consent_version_id} {self.is_given}"


class DocumentUpload(StoredFile):
    """A file a guardian provided for one document of a child's registration, and the office's decision."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the office")
        ACCEPTED = "accepted", _("Accepted")
        REFUSED = "refused", _("Refused")

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="uploads")
    item = models.ForeignKey(DocumentItem, on_delete=models.CASCADE, related_name="uploads")
    file = models.FileField(_("file"), upload_to=_stored_name, max_length=200)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(_("provided at"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta(StoredFile.Meta):
        verbose_name = _("document provided")
        verbose_name_plural = _("documents provided")
