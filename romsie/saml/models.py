"""Identity providers registered by a territory, and the assertions already used."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from romsie.core.concurrency import VersionField
from romsie.establishments.models import Territory


class IdentityProvider(models.Model):
    """A SAML 2.0 identity provider through which the people of a territory may sign in.

    The person is found by one attribute of the assertion (``identifier_attribute``, or the
    NameID when it is empty) compared with one field of the provisioned account
    (``identifier_field``); for a family provider, a student may also be found by the INE
    (``ine_attribute``). Nobody is ever created from an assertion.
    """

    class Kind(models.TextChoices):
        FAMILY = "family", _("National family identity provider (EduConnect)")
        STAFF = "staff", _("Academy staff identity provider")

    class Field(models.TextChoices):
        EXTERNAL_ID = "external_id", _("Identifier of the feed (AAF join key)")
        INE = "ine", _("National student number (INE)")
        USERNAME = "username", _("Username")

    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="identity_providers")
    slug = models.SlugField(_("short name in addresses"), max_length=40, unique=True)
    name = models.CharField(_("name on the button"), max_length=80)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.FAMILY)
    entity_id = models.CharField(_("entity ID"), max_length=500, editable=False)
    metadata_xml = models.TextField(_("metadata"))
    identifier_attribute = models.CharField(
        _("attribute identifying the person"),
        max_length=200,
        blank=True,
        help_text=_("Name of the attribute of the assertion; empty: the NameID."),
    )
    identifier_field = models.CharField(
        _("compared with"), max_length=20, choices=Field.choices, default=Field.EXTERNAL_ID
    )
    ine_attribute = models.CharField(
        _("attribute carrying a student's INE"),
        max_length=200,
        blank=True,
        help_text=_("Optional: a student not found by the identifier is looked up by this INE."),
    )
    allow_unsolicited = models.BooleanField(
        _("accept sign-ins started at the identity provider"),
        default=False,
        help_text=_("Off: only answers to a sign-in started here are accepted."),
    )
    is_enabled = models.BooleanField(_("button shown on the sign-in page"), default=True)
    version = VersionField()
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["territory__name", "name", "pk"]
        verbose_name = _("identity provider")
        verbose_name_plural = _("identity providers")
        constraints = [
            models.UniqueConstraint(fields=["territory", "entity_id"], name="saml_idp_unique_entity_per_territory"),
        ]

    def __str__(self) -> str:
        return self.name


class SeenAssertion(models.Model):
    """An assertion already used to sign in, kept until it expires so that it cannot be replayed."""

    assertion_id = models.CharField(max_length=256, unique=True)
    provider = models.ForeignKey(IdentityProvider, on_delete=models.CASCADE, related_name="+")
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("assertion used")
        verbose_name_plural = _("assertions used")

    def __str__(self) -> str:
        return self.assertion_id
