"""Notifications: the timeline's rows, each person's choice of delivery per kind, quiet hours."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """One event shown in a person's timeline, and maybe e-mailed (see ``romsie.notifications.services``).

    The text is rendered when shown, in the reader's language, from the kind's registered
    template and ``params``; ``email_state`` follows delivery (``none`` in-app only, ``due`` to
    send at ``email_due_at``, ``digest`` waiting for the daily digest, ``sent``).
    """

    class EmailState(models.TextChoices):
        NONE = "none", _("In-app only")
        DUE = "due", _("To send")
        DIGEST = "digest", _("In the daily digest")
        SENT = "sent", _("Sent")

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    establishment_id = models.BigIntegerField(null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=64)
    params = models.JSONField(default=dict, blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    email_state = models.CharField(max_length=8, choices=EmailState.choices, default=EmailState.NONE)
    email_due_at = models.DateTimeField(null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_timeline"),
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            models.Index(fields=["email_state", "email_due_at"], name="notification_email_due"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id}"


class NotificationPreference(models.Model):
    """One person's choice of delivery for one kind of notification.

    A person without a row for a kind gets the kind's default (``NotificationKind.default_delivery``).
    """

    class Delivery(models.TextChoices):
        APP = "app", _("In the app only")
        EMAIL = "email", _("By e-mail at once")
        DIGEST = "digest", _("In the daily e-mail digest")
        OFF = "off", _("Off")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=64)
    delivery = models.CharField(_("delivery"), max_length=8, choices=Delivery.choices)
    # Whether an e-mail of this kind waits for the end of the quiet hours; None: the kind's
    # default (held back, except for urgent kinds such as absence alerts).
    holds_in_quiet_hours = models.BooleanField(_("held back in quiet hours"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}: {self.delivery}"


class QuietHours(models.Model):
    """A person's quiet hours: no notification e-mail leaves between ``starts_at`` and ``ends_at``.

    Times are wall-clock times of the site's time zone; ``starts_at`` after ``ends_at`` spans
    midnight (22:00 to 07:00). E-mails that fall due inside are sent when the quiet hours end.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+")
    starts_at = models.TimeField(_("from"))
    ends_at = models.TimeField(_("until"))

    class Meta:
        verbose_name = _("quiet hours")
        verbose_name_plural = _("quiet hours")
        constraints = [
            models.CheckConstraint(condition=~models.Q(starts_at=models.F("ends_at")), name="quiet_hours_not_empty")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.starts_at:%H:%M}–{self.ends_at:%H:%M}"
