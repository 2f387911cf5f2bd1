"""Rights of the timetable."""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from romsie.core.access.catalogue import HabilitationSpec
from romsie.core.access.profiles import STAFF as STAFF_PROFILES

STAFF = STAFF_PROFILES


class TimetableHabilitation(StrEnum):
    VIEW = "timetable.view"
    VIEW_ALL = "timetable.view_all"
    MANAGE = "timetable.manage"


SPECS = [
    HabilitationSpec(
        TimetableHabilitation.VIEW,
        _("See one's own timetable (a parent: their children's)"),
        frozenset({"student", "parent", "teacher"}) | STAFF - {"staff.after_school"},
        adjustable=frozenset({"partner", "staff.after_school"}),
    ),
    HabilitationSpec(
        TimetableHabilitation.VIEW_ALL,
        _("See the timetable of any class, teacher or room"),
        frozenset({"teacher"}) | STAFF - {"staff.after_school"},
        adjustable=frozenset({"staff.after_school"}),
    ),
    HabilitationSpec(
        TimetableHabilitation.MANAGE,
        _("Set the school calendar and lessons, record changes (cancellation, move, substitute)"),
        frozenset({"staff.head", "staff.school_life", "staff.digital_lead"}),
        adjustable=frozenset({"staff.office"}),
    ),
]
