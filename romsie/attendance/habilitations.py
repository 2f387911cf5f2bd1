"""Rights of school life: roll call, absences, justifications, incidents and sanctions."""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from romsie.core.access.catalogue import HabilitationSpec
from romsie.core.access.profiles import Profile


class AttendanceHabilitation(StrEnum):
    VIEW = "attendance.view"
    CALL_ROLL = "attendance.call_roll"
    VIEW_CLASSES = "attendance.view_classes"
    MANAGE = "attendance.manage"
    REPORT_INCIDENT = "attendance.report_incident"
    SANCTION = "attendance.sanction"
    SETTINGS = "attendance.settings"


SPECS = [
    HabilitationSpec(
        AttendanceHabilitation.VIEW,
        _("Open school life: one's own record and its justifications (a parent: their children's)"),
        frozenset({Profile.STUDENT, Profile.PARENT, Profile.TEACHER, Profile.STAFF_SCHOOL_LIFE, Profile.STAFF_HEAD}),
        adjustable=frozenset({Profile.STAFF_AFTER_SCHOOL, Profile.STAFF_LIBRARIAN, Profile.STAFF_OFFICE}),
    ),
    HabilitationSpec(
        AttendanceHabilitation.CALL_ROLL,
        _("Call the roll of one's own sessions (and of the sessions one substitutes)"),
        frozenset({Profile.TEACHER}),
    ),
    HabilitationSpec(
        AttendanceHabilitation.VIEW_CLASSES,
        _("See the absences, lateness and sanctions of the students one teaches"),
        frozenset({Profile.TEACHER}),
        adjustable=frozenset({Profile.STAFF_AFTER_SCHOOL, Profile.STAFF_LIBRARIAN, Profile.STAFF_OFFICE}),
    ),
    HabilitationSpec(
        AttendanceHabilitation.MANAGE,
        _("Run the school-life office: the day's register, absences, lateness, justifications, exemptions"),
        frozenset({Profile.STAFF_SCHOOL_LIFE, Profile.STAFF_HEAD}),
        adjustable=frozenset({Profile.STAFF_OFFICE}),
    ),
    HabilitationSpec(
        AttendanceHabilitation.REPORT_INCIDENT,
        _("Report an incident"),
        frozenset({Profile.TEACHER, Profile.STAFF_SCHOOL_LIFE, Profile.STAFF_HEAD}),
        adjustable=frozenset(
            {Profile.STAFF_AFTER_SCHOOL, Profile.STAFF_LIBRARIAN, Profile.STAFF_OFFICE, Profile.STAFF_DIGITAL_LEAD}
        ),
    ),
    HabilitationSpec(
        AttendanceHabilitation.SANCTION,
        _("Follow up incidents and give punishments and sanctions"),
        frozenset({Profile.STAFF_SCHOOL_LIFE, Profile.STAFF_HEAD}),
    ),
    HabilitationSpec(
        AttendanceHabilitation.SETTINGS,
        _("Set the absence reasons and the alert thresholds"),
        frozenset({Profile.STAFF_HEAD, Profile.STAFF_SCHOOL_LIFE}),
    ),
]
