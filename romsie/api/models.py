"""What the ENT keeps about the access tokens it issues, beside the OAuth2 library's own rows."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from oauth2_provider.settings import oauth2_settings


class IssuedToken(models.Model):
    """A personal access token's name, beside the OAuth2 library's ``AccessToken`` row.

    The token itself (its expiry, scopes and person) is the library's row. Like every token the
    ENT issues, its string is bound to the person's session epoch (``romsie.openid.tokens``):
    deactivating the account or "sign out everywhere" revokes it with all the others.
    """

    access_token = models.OneToOneField(
        oauth2_settings.ACCESS_TOKEN_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="issued",
    )
    #: a personal token's name; empty for a token issued to an application through OAuth2
    name = models.CharField(_("name"), max_length=100, blank=True)
    is_personal = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("issued access token")
        verbose_name_plural = _("issued access tokens")

    def __str__(self) -> str:
        return self.name or f"token {self.pk}"
