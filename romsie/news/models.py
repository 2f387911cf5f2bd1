"""News items (establishment and class news, must-read notices), confirmations, sticky notes."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from romsie.core.concurrency import VersionField
from romsie.establishments.models import Establishment
from romsie.schooling.models import SchoolClass


class NewsItem(models.Model):
    """A piece of news of an establishment, addressed to roles of the establishment or of classes.

    The audience is a set of roles (students, parents, teachers, staff) either of the whole
    establishment (``is_class_news`` false) or of the chosen classes: the classes' students,
    their guardians and their teachers. A must-read notice (``requires_confirmation``) stays on
    each recipient's dashboard until they confirm it. Visible to readers when not a draft,
    published (``published_at`` reached) and not expired. ``version`` grows at each edit: a
    save from a form showing an older one is refused (``romsie.core.concurrency``).
    """

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("author")
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))  # sanitised HTML (see services.sanitise)
    requires_confirmation = models.BooleanField(_("must-read notice (each recipient confirms)"), default=False)
    is_draft = models.BooleanField(_("draft"), default=False)
    published_at = models.DateTimeField(_("publication"))
    expires_at = models.DateTimeField(_("expiry"), null=True, blank=True)
    is_class_news = models.BooleanField(_("class news"), default=False, editable=False)
    for_students = models.BooleanField(_("students"), default=False)
    for_parents = models.BooleanField(_("parents"), default=False)
    for_teachers = models.BooleanField(_("teachers"), default=False)
    for_staff = models.BooleanField(_("staff"), default=False)
    school_classes: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        SchoolClass, through="NewsClass", related_name="+", blank=True, verbose_name=_("classes")
    )
    # Set once the recipients were notified (at publication, or by ``news_notify_due`` for a
    # scheduled item), so nobody is notified twice.
    notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Documents linked rather than copied: the readers get a read share when it is published.
    linked_documents: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        "documents.Node", blank=True, related_name="+", verbose_name=_("linked documents")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = VersionField()

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("news item")
        verbose_name_plural = _("news items")
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__isnull=True) | Q(expires_at__gt=models.F("published_at")),
                name="news_expires_after_publication",
            ),
        ]
        indexes = [
            models.Index(fields=["establishment", "-published_at"], name="news_establishment_published"),
            models.Index(fields=["is_draft", "notified_at", "published_at"], name="news_notify_due"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def state(self) -> str:
        """Return ``draft``, ``scheduled``, ``expired`` or ``published``, as of now."""
        now = timezone.now()
        if self.is_draft:
            return "draft"
        if self.published_at > now:
            return "scheduled"
        if self.expires_at is not None and self.expires_at <= now:
            return "expired"
        return "published"


class NewsClass(models.Model):
    """A class a news item is addressed to."""

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey(NewsItem, on_delete=models.CASCADE, related_name="audience_classes")
    school_class = models.ForeignKey(SchoolClass, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("class of a news item")
        verbose_name_plural = _("classes of news items")
        constraints = [models.UniqueConstraint(fields=["item", "school_class"], name="unique_news_class")]

    def __str__(self) -> str:
        return f"{self.item_id} → {self.school_class_id}"


class Confirmation(models.Model):
    """A person confirmed having read a must-read notice (once per person, guardians included)."""

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey(NewsItem, on_delete=models.CASCADE, related_name="confirmations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    confirmed_at = models.DateTimeField(_("confirmed at"), auto_now_add=True)

    class Meta:
        ordering = ["-confirmed_at"]
        verbose_name = _("read confirmation")
        verbose_name_plural = _("read confirmations")
        constraints = [models.UniqueConstraint(fields=["item", "user"], name="unique_news_confirmation")]
        indexes = [models.Index(fields=["user", "item"], name="news_confirmation_user")]

    def __str__(self) -> str:
        return f"{self.user_id} ✓ {self.item_id}"


class StickyNote(models.Model):
    """A short note pinned on the dashboard of a class or of one person.

    A note on a class shows to its students and, per child, to their guardians; a note on a
    student shows to the student and their guardians; a note on a staff member to them alone.
    """

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.CharField(_("note"), max_length=500)
    school_class = models.ForeignKey(
        SchoolClass, null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("class")
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("person"),
    )
    created_at = models.DateTimeField(_("pinned at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expiry"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("sticky note")
        verbose_name_plural = _("sticky notes")
        constraints = [
            models.CheckConstraint(
                condition=Q(school_class__isnull=False, person__isnull=True)
                | Q(school_class__isnull=True, person__isnull=False),
                name="sticky_note_class_xor_person",
            ),
        ]
        indexes = [models.Index(fields=["establishment", "person"], name="sticky_note_person")]

    def __str__(self) -> str:
        return self.text[:50]
