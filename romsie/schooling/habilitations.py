"""Rights of the schooling app."""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from romsie.core.access.catalogue import HabilitationSpec
from romsie.core.access.profiles import Profile
from romsie.establishments.habilitations import ADMINS


class SchoolingHabilitation(StrEnum):
    MANAGE_STRUCTURE = "schooling.manage_structure"
    MANAGE_SOCIAL = "schooling.manage_social"


SPECS = [
    HabilitationSpec(
        SchoolingHabilitation.MANAGE_STRUCTURE,
        _("Manage classes, groups, subjects, rooms and teachings"),
        ADMINS,
        adjustable=frozenset({Profile.STAFF_OFFICE, Profile.STAFF_SCHOOL_LIFE}),
    ),
    HabilitationSpec(
        SchoolingHabilitation.MANAGE_SOCIAL,
        _("Switch students' social features (comments, reactions, posts, forums) per level"),
        ADMINS,
        adjustable=frozenset({Profile.STAFF_SCHOOL_LIFE}),
    ),
]
