"""Rights of the timetable."""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from romsie.core.access.catalogue import HabilitationSpec
from romsie.core.access.profiles import STAFF as STAFF_PROFILES
from romsie.core.access.profiles import Profile

STAFF = STAFF_PROFILES


class TimetableHabilitation(StrEnum):
    VIEW = "timetable.view"
    VIEW_ALL = "timetable.view_all"
    MANAGE = "timetable.manage"


SPECS = [
    HabilitationSpec(
        TimetableHabilitation.VIEW,
        _("See one's own timetable (a parent: their children's)"),
        frozenset({Profile.STUDENT, Profile.PARENT, Profile.TEACHER}) | STAFF - {Profile.STAFF_AFTER_SCHOOL},
        adjustable=frozenset({Profile.PARTNER, Profile.STAFF_AFTER_SCHOOL}),
    ),
    HabilitationSpec(
        TimetableHabilitation.VIEW_ALL,
        _("See the timetable of any class, teacher or room"),
        frozenset({Profile.TEACHER}) | STAFF - {Profile.STAFF_AFTER_SCHOOL},
        adjustable=frozenset({Profile.STAFF_AFTER_SCHOOL}),
    ),
    HabilitationSpec(
        TimetableHabilitation.MANAGE,
        _("Set the school calendar and lessons, record changes (cancellation, move, substitute)"),
        frozenset({Profile.STAFF_HEAD, Profile.STAFF_SCHOOL_LIFE, Profile.STAFF_DIGITAL_LEAD}),
        adjustable=frozenset({Profile.STAFF_OFFICE}),
    ),
]
