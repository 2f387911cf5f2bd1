"""Territories and their establishments."""

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from romsie.core.concurrency import VersionField

# The UAI (formerly RNE) is 7 characters (3-digit département code, 4 digits) followed
# by a check letter. Feeds in the wild do not always carry a correct check letter, so
# only the shape is enforced (docs/decisions/0002-uai-validation.md).
uai_validator = RegexValidator(
    regex=r"^[0-9]{7}[A-Z]$",
    message=_("A UAI is seven digits followed by a capital letter, for example 0771234A."),
)


class Territory(models.Model):
    """The local authority that runs the ENT for its establishments (town, département, région)."""

    class Kind(models.TextChoices):
        TOWN = "town", _("Town")
        DEPARTMENT = "department", _("Département")
        REGION = "region", _("Région")

    name = models.CharField(_("name"), max_length=150, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.TOWN)
    # Per profile, the habilitations its establishments may switch on or off. Empty means
    # "what the catalogue marks adjustable".
    habilitation_ceiling = models.JSONField(_("habilitation limits"), default=dict, blank=True)
    # Grows at each edit of the territory's limits (``romsie.core.concurrency``).
    version = VersionField()

    class Meta:
        ordering = ["name"]
        verbose_name = _("territory")
        verbose_name_plural = _("territories")

    def __str__(self) -> str:
        return self.name


class Establishment(models.Model):
    """A school of a territory, identified nationally by its UAI."""

    class Kind(models.TextChoices):
        NURSERY = "nursery", _("Nursery school")
        ELEMENTARY = "elementary", _("Elementary school")
        PRIMARY = "primary", _("Primary school")
        LOWER_SECONDARY = "lower_secondary", _("Collège")
        UPPER_SECONDARY = "upper_secondary", _("Lycée")
        VOCATIONAL = "vocational", _("Vocational lycée")
        AGRICULTURAL = "agricultural", _("Agricultural lycée")

    PRIMARY_KINDS = (Kind.NURSERY, Kind.ELEMENTARY, Kind.PRIMARY)

    territory = models.ForeignKey(Territory, on_delete=models.PROTECT, related_name="establishments")
    uai = models.CharField(_("UAI"), max_length=8, unique=True, validators=[uai_validator])
    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    address = models.CharField(_("address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # Keys of the services switched on (see romsie.core.registry).
    enabled_services = models.JSONField(_("enabled services"), default=list, blank=True)
    # Per profile, {habilitation: granted} chosen by the establishment's admins.
    habilitation_overrides = models.JSONField(_("habilitation adjustments"), default=dict, blank=True)
    # Grows at each edit of the identity, the services or the rights through their forms, so a
    # save from a page showing an older one is refused (``romsie.core.concurrency``).
    version = VersionField()

    class Meta:
        ordering = ["name"]
        verbose_name = _("establishment")
        verbose_name_plural = _("establishments")

    def __str__(self) -> str:
        return self.name

    @property
    def is_primary(self) -> bool:
        return self.kind in self.PRIMARY_KINDS
