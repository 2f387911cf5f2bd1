"""Rights of the identity app."""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from romsie.core.access.catalogue import HabilitationSpec
from romsie.core.access.profiles import Profile
from romsie.establishments.habilitations import ADMINS


class IdentityHabilitation(StrEnum):
    MANAGE_PEOPLE = "identity.manage_people"
    PRINT_LETTERS = "identity.print_letters"
    MANAGE_HABILITATIONS = "identity.manage_habilitations"


SPECS = [
    HabilitationSpec(
        IdentityHabilitation.MANAGE_PEOPLE,
        _("Manage people, roles, guardian links and accounts"),
        ADMINS,
        adjustable=frozenset({Profile.STAFF_OFFICE}),
    ),
    HabilitationSpec(
        IdentityHabilitation.PRINT_LETTERS,
        _("Print activation letters and issue new codes"),
        ADMINS | {Profile.STAFF_OFFICE},
        adjustable=frozenset({Profile.STAFF_OFFICE, Profile.STAFF_SCHOOL_LIFE}),
    ),
    HabilitationSpec(
        IdentityHabilitation.MANAGE_HABILITATIONS,
        _("Adjust the rights of each role"),
        ADMINS,
    ),
]
