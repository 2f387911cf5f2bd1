"""The services a territory registers with its CAS server, and the tickets the server issues."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from romsie.core.concurrency import VersionField
from romsie.establishments.models import Establishment, Territory


class CasService(models.Model):
    """A third-party application that signs people in through the ENT (a library catalogue...).

    Registered by the territory's admins; ``pattern`` says which ``service`` addresses belong to
    it: a prefix (``https://cdi.example.test/``) or an anchored regular expression, both checked
    on save (``protocol.check_pattern``) so that no pattern matches another host.
    ``attributes`` lists the keys of ``protocol.ATTRIBUTES`` it receives at validation.
    """

    class Match(models.TextChoices):
        PREFIX = "prefix", _("Address prefix")
        REGEX = "regex", _("Regular expression")

    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=120)
    match = models.CharField(_("kind of pattern"), max_length=8, choices=Match.choices, default=Match.PREFIX)
    pattern = models.CharField(_("service address pattern"), max_length=300)
    attributes = models.JSONField(_("attributes released"), default=list, blank=True)
    single_logout = models.BooleanField(_("single logout"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    version = VersionField()

    class Meta:
        verbose_name = _("CAS service")
        verbose_name_plural = _("CAS services")
        constraints = [models.UniqueConstraint(fields=["territory", "name"], name="cas_service_unique_name")]

    def __str__(self) -> str:
        return self.name


class CasTicket(models.Model):
    """A service ticket (``ST-...``): single-use, short-lived, bound to one exact service address.

    It carries the person's ``session_epoch`` at issue: a deactivation or "sign out everywhere"
    bumps the epoch, and the ticket no longer validates. ``session_key`` names the ENT session
    it was issued in, so that signing out there reaches the services it was used for (single
    logout). Validated tickets are kept as long as a session lives, then purged.
    """

    ticket = models.CharField(max_length=80, unique=True)
    service = models.ForeignKey(CasService, on_delete=models.CASCADE, related_name="tickets")
    service_url = models.TextField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    establishment = models.ForeignKey(Establishment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    session_epoch = models.PositiveIntegerField()
    session_key = models.CharField(max_length=40, blank=True)
    from_new_login = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("CAS ticket")
        verbose_name_plural = _("CAS tickets")
        indexes = [
            models.Index(fields=["session_key"], name="cas_ticket_session_idx"),
            models.Index(fields=["created_at"], name="cas_ticket_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket[:8]}… {self.service_id}"
