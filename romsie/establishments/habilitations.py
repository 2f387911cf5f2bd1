"""Rights of the establishments app."""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from romsie.core.access.catalogue import HabilitationSpec
from romsie.core.access.profiles import EVERYONE as PROFILES
from romsie.core.access.profiles import Profile


class EstablishmentHabilitation(StrEnum):
    VIEW = "establishments.view"
    ADMINISTER = "establishments.administer"


ADMINS: frozenset[str] = frozenset({Profile.STAFF_HEAD, Profile.STAFF_DIGITAL_LEAD})
EVERYONE = PROFILES

SPECS = [
    HabilitationSpec(EstablishmentHabilitation.VIEW, _("See the establishment's information"), EVERYONE),
    HabilitationSpec(
        EstablishmentHabilitation.ADMINISTER,
        _("Administer the establishment (classes, people, rights, services)"),
        ADMINS,
        adjustable=frozenset({Profile.STAFF_OFFICE}),
    ),
]
