"""The areas of an establishment's administration and the habilitation each needs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from romsie.core.access.scope import Scope
from romsie.documents.habilitations import DocumentsHabilitation
from romsie.establishments.habilitations import EstablishmentHabilitation
from romsie.identity.habilitations import IdentityHabilitation
from romsie.schooling.habilitations import SchoolingHabilitation


@dataclass(frozen=True)
class Area:
    """An area of the establishment's administration and the habilitation it needs."""

    label: Any
    description: Any
    url_name: str
    habilitation: str


AREAS = (
    Area(
        _("Classes and structure"),
        _("School years, classes, groups, subjects, rooms and teachings"),
        "administration:class-list",
        SchoolingHabilitation.MANAGE_STRUCTURE,
    ),
    Area(
        _("People"),
        _("Accounts, roles, guardians, new activation codes"),
        "administration:person-list",
        IdentityHabilitation.MANAGE_PEOPLE,
    ),
    Area(
        _("Activation letters"),
        _("Print the letters of a class or of the staff"),
        "administration:letters",
        IdentityHabilitation.PRINT_LETTERS,
    ),
    Area(
        _("Activation follow-up"),
        _("Who has not activated their account yet, class by class"),
        "administration:activation-list",
        IdentityHabilitation.PRINT_LETTERS,
    ),
    Area(
        _("Services"),
        _("The services switched on in the establishment"),
        "administration:services-update",
        EstablishmentHabilitation.ADMINISTER,
    ),
    Area(
        _("Documents"),
        _("Quotas of the documents spaces, and whether guardians see class spaces"),
        "documents:establishment-settings",
        DocumentsHabilitation.SETTINGS,
    ),
    Area(
        _("Students' social features"),
        _("Comments, reactions, posts and forums for the students of each level"),
        "schooling:social-settings",
        SchoolingHabilitation.MANAGE_SOCIAL,
    ),
    Area(
        _("Rights of each role"),
        _("Adjust what each role may do, within the territory's limits"),
        "administration:habilitations-update",
        IdentityHabilitation.MANAGE_HABILITATIONS,
    ),
)


def areas_for(scope: Scope) -> list[Area]:
    """Return the areas the scope may manage, in the hub's order."""
    return [area for area in AREAS if scope.has(area.habilitation)]
