"""The territory's registered clients and the consents people gave them.

The clients themselves are django-oauth-toolkit's ``Application`` rows (client id, hashed secret,
redirect URIs, confidential or public); :class:`ClientRegistration` adds what the ENT needs:
the territory that registered the client and the scopes it may ask for.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from oauth2_provider.models import Application

from romsie.core.concurrency import VersionField
from romsie.establishments.models import Territory


class ClientRegistration(models.Model):
    """A client registered by a territory, with the scopes it may ask for (space-separated)."""

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, primary_key=True, related_name="registration"
    )
    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="oidc_clients")
    allowed_scopes = models.CharField(_("allowed scopes"), max_length=255)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    version = VersionField()

    class Meta:
        verbose_name = _("OpenID Connect client")
        verbose_name_plural = _("OpenID Connect clients")

    def __str__(self) -> str:
        return str(self.application.name)

    @property
    def scopes(self) -> list[str]:
        return self.allowed_scopes.split()


class Consent(models.Model):
    """A person allowed a client these scopes: the consent screen is not shown again for them.

    Revoked from "Connected applications", which also revokes the client's tokens for the person.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="oidc_consents")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="consents")
    scopes = models.CharField(_("scopes"), max_length=255)
    granted_at = models.DateTimeField(_("granted at"))

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [models.UniqueConstraint(fields=["user", "application"], name="openid_consent_unique")]

    def __str__(self) -> str:
        return f"{self.user} — {self.application}"

    @property
    def scope_list(self) -> list[str]:
        return self.scopes.split()
