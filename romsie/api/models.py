"""What the ENT keeps about the access tokens it issues, beside the OAuth2 library's own rows."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from oauth2_provider.settings import oauth2_settings


class IssuedToken(models.Model):
    """One access token as the ENT issued it: the session epoch it is bound to, and a personal token's name.

    The token itself is the OAuth2 library's ``AccessToken`` row (its expiry, OAuth2 scopes and
    person). A token is accepted only while its person is active and their session epoch is
    still the one recorded here: deactivating the account or "sign out everywhere" bumps the
    epoch and so revokes every token at once. A token without this row is never accepted.
    """

    access_token = models.OneToOneField(
        oauth2_settings.ACCESS_TOKEN_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="issued",
    )
    session_epoch = models.PositiveIntegerField()
    #: a personal token's name; empty for a token issued to an application through OAuth2
    name = models.CharField(_("name"), max_length=100, blank=True)
    is_personal = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("issued access token")
        verbose_name_plural = _("issued access tokens")

    def __str__(self) -> str:
        return self.name or f"token {self.pk}"
