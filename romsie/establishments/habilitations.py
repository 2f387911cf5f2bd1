"""Rights of the establishments app."""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from romsie.core.access.catalogue import HabilitationSpec


class EstablishmentHabilitation(StrEnum):
    VIEW = "establishments.view"
    ADMINISTER = "establishments.administer"


ADMINS = frozenset({"staff.head", "staff.digital_lead"})
EVERYONE = frozenset(
    {
        "student",
        "parent",
        "teacher",
        "partner",
        "staff.head",
        "staff.school_life",
        "staff.librarian",
        "staff.office",
        "staff.after_school",
        "staff.digital_lead",
    }
)

SPECS = [
    HabilitationSpec(EstablishmentHabilitation.VIEW, _("See the establishment's information"), EVERYONE),
    HabilitationSpec(
        EstablishmentHabilitation.ADMINISTER,
        _("Administer the establishment (classes, people, rights, services)"),
        ADMINS,
        adjustable=frozenset({"staff.office"}),
    ),
]
