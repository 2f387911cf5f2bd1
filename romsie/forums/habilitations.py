"""Rights of the forums: reading and writing, creating forums and categories, moderating."""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from romsie.core.access.catalogue import HabilitationSpec
from romsie.core.access.profiles import EVERYONE, STAFF, Profile


class ForumsHabilitation(StrEnum):
    READ = "forums.read"
    MANAGE = "forums.manage"
    MODERATE = "forums.moderate"


SPECS = [
    HabilitationSpec(
        ForumsHabilitation.READ,
        _("Read and write in the forums one belongs to (students: where their level allows forums)"),
        EVERYONE - {Profile.PARTNER},
        adjustable=frozenset({Profile.PARTNER}),
    ),
    HabilitationSpec(
        ForumsHabilitation.MANAGE,
        _("Create the establishment's, classes' and teaching groups' forums and their categories"),
        frozenset({Profile.STAFF_HEAD, Profile.STAFF_DIGITAL_LEAD, Profile.STAFF_SCHOOL_LIFE}),
        adjustable=(STAFF | {Profile.TEACHER}) - {Profile.STAFF_HEAD},
    ),
    HabilitationSpec(
        ForumsHabilitation.MODERATE,
        _("Moderate every forum of the establishment: hide, lock, pin, move, handle reports"),
        frozenset({Profile.STAFF_HEAD, Profile.STAFF_SCHOOL_LIFE}),
        adjustable=STAFF - {Profile.STAFF_HEAD},
    ),
]
