"""Rights of the homework log, homework to do and assignments handed in."""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from romsie.core.access.catalogue import HabilitationSpec
from romsie.core.access.profiles import STAFF as STAFF_PROFILES
from romsie.core.access.profiles import Profile

STAFF = STAFF_PROFILES


class HomeworkHabilitation(StrEnum):
    VIEW = "homework.view"
    WRITE = "homework.write"
    VIEW_ALL = "homework.view_all"
    VISA = "homework.visa"


SPECS = [
    HabilitationSpec(
        HomeworkHabilitation.VIEW,
        _("See the homework log and homework to do (a student: their own; a parent: their children's)"),
        frozenset({Profile.STUDENT, Profile.PARENT, Profile.TEACHER, Profile.STAFF_HEAD}),
        adjustable=STAFF - {Profile.STAFF_HEAD},
    ),
    HabilitationSpec(
        HomeworkHabilitation.WRITE,
        _("Keep the homework log of one's own teachings and give homework"),
        frozenset({Profile.TEACHER}),
    ),
    HabilitationSpec(
        HomeworkHabilitation.VIEW_ALL,
        _("Consult the homework log of any class"),
        frozenset({Profile.STAFF_HEAD}),
        adjustable=frozenset({Profile.STAFF_SCHOOL_LIFE, Profile.STAFF_DIGITAL_LEAD}),
    ),
    HabilitationSpec(
        HomeworkHabilitation.VISA,
        _("Stamp a class's homework log with a visa"),
        frozenset({Profile.STAFF_HEAD}),
    ),
]
