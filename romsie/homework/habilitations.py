"""Rights of the homework log, homework to do and assignments handed in."""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from romsie.core.access.catalogue import HabilitationSpec
from romsie.core.access.profiles import STAFF as STAFF_PROFILES

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
        frozenset({"student", "parent", "teacher", "staff.head"}),
        adjustable=STAFF - {"staff.head"},
    ),
    HabilitationSpec(
        HomeworkHabilitation.WRITE,
        _("Keep the homework log of one's own teachings and give homework"),
        frozenset({"teacher"}),
    ),
    HabilitationSpec(
        HomeworkHabilitation.VIEW_ALL,
        _("Consult the homework log of any class"),
        frozenset({"staff.head"}),
        adjustable=frozenset({"staff.school_life", "staff.digital_lead"}),
    ),
    HabilitationSpec(
        HomeworkHabilitation.VISA,
        _("Stamp a class's homework log with a visa"),
        frozenset({"staff.head"}),
    ),
]
