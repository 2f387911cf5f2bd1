"""Rights of the messaging service.

The ``write_to_*`` habilitations say which *kinds* of people a profile may write to; the
relations (a student's own teachers, a parent's children's teachers, primary schools) are
enforced in ``access.py`` on top of them.
"""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from romsie.core.access.catalogue import HabilitationSpec
from romsie.core.access.profiles import FAMILIES, STAFF_AND_TEACHERS, Profile
from romsie.core.access.profiles import STAFF as STAFF_PROFILES
from romsie.establishments.habilitations import EVERYONE

STAFF = STAFF_PROFILES


class MessagingHabilitation(StrEnum):
    USE = "messaging.use"
    WRITE_TO_STUDENTS = "messaging.write_to_students"
    WRITE_TO_PARENTS = "messaging.write_to_parents"
    WRITE_TO_TEACHERS = "messaging.write_to_teachers"
    WRITE_TO_STAFF = "messaging.write_to_staff"
    WRITE_TO_GROUPS = "messaging.write_to_groups"
    MANAGE_LISTS = "messaging.manage_lists"
    MODERATE = "messaging.moderate"
    AUDIT = "messaging.audit"
    GOVERN = "messaging.govern"


SPECS = [
    HabilitationSpec(
        MessagingHabilitation.USE,
        _("Use the messaging (read one's messages)"),
        EVERYONE - {Profile.PARTNER},
        adjustable=frozenset({Profile.PARTNER}),
    ),
    HabilitationSpec(
        MessagingHabilitation.WRITE_TO_STUDENTS,
        _("Write to students"),
        STAFF_AND_TEACHERS,
        adjustable=frozenset({Profile.STAFF_LIBRARIAN, Profile.STAFF_AFTER_SCHOOL, Profile.STAFF_OFFICE}),
    ),
    HabilitationSpec(
        MessagingHabilitation.WRITE_TO_PARENTS,
        _("Write to parents"),
        STAFF_AND_TEACHERS,
        adjustable=frozenset({Profile.STAFF_LIBRARIAN, Profile.STAFF_AFTER_SCHOOL, Profile.STAFF_OFFICE}),
    ),
    HabilitationSpec(
        MessagingHabilitation.WRITE_TO_TEACHERS,
        _("Write to teachers (students and parents: only their own teachers)"),
        FAMILIES | STAFF_AND_TEACHERS,
        adjustable=FAMILIES | {Profile.PARTNER},
    ),
    HabilitationSpec(
        MessagingHabilitation.WRITE_TO_STAFF,
        _("Write to the staff (never for students of a primary school)"),
        FAMILIES | STAFF_AND_TEACHERS,
        adjustable=FAMILIES | {Profile.PARTNER},
    ),
    HabilitationSpec(
        MessagingHabilitation.WRITE_TO_GROUPS,
        _("Write to whole groups (a class, its guardians, its teachers, all staff)"),
        STAFF_AND_TEACHERS,
        adjustable=frozenset({Profile.TEACHER, Profile.STAFF_LIBRARIAN, Profile.STAFF_AFTER_SCHOOL}),
    ),
    HabilitationSpec(
        MessagingHabilitation.MANAGE_LISTS,
        _("Create and manage mailing lists"),
        STAFF,
        adjustable=frozenset({Profile.TEACHER, Profile.STAFF_AFTER_SCHOOL, Profile.STAFF_LIBRARIAN}),
    ),
    HabilitationSpec(
        MessagingHabilitation.MODERATE,
        _("Receive and handle reported messages"),
        frozenset({Profile.STAFF_HEAD, Profile.STAFF_SCHOOL_LIFE}),
        adjustable=frozenset({Profile.STAFF_DIGITAL_LEAD, Profile.STAFF_SCHOOL_LIFE}),
    ),
    HabilitationSpec(
        MessagingHabilitation.AUDIT,
        _("Read the audit of who sent what to whom"),
        frozenset({Profile.STAFF_HEAD}),
        adjustable=frozenset({Profile.STAFF_DIGITAL_LEAD}),
    ),
    HabilitationSpec(
        MessagingHabilitation.GOVERN,
        _("Suspend or restrict the messaging of the establishment"),
        frozenset({Profile.STAFF_HEAD, Profile.STAFF_DIGITAL_LEAD}),
        adjustable=frozenset({Profile.STAFF_SCHOOL_LIFE}),
    ),
]
