"""The profiles: a role as habilitations and access rules see it.

A person's profiles in an establishment are their roles there, staff members' with their
function (``staff.head``...): identity computes them from role assignments
(``RoleAssignment.profile``), the habilitation catalogue grants rights per profile, and the
scope answers the questions views ask (``scope.is_student``, ``scope.has_staff_profile``).
Compare profiles with these names only: a misspelt string would silently match nobody, and the
catalogue refuses a habilitation that names an undeclared profile.
"""

from enum import StrEnum


class Profile(StrEnum):
    STUDENT = "student"
    PARENT = "parent"
    TEACHER = "teacher"
    PARTNER = "partner"
    STAFF_HEAD = "staff.head"
    STAFF_SCHOOL_LIFE = "staff.school_life"
    STAFF_LIBRARIAN = "staff.librarian"
    STAFF_OFFICE = "staff.office"
    STAFF_AFTER_SCHOOL = "staff.after_school"
    STAFF_DIGITAL_LEAD = "staff.digital_lead"


STAFF_PREFIX = "staff."


def is_staff_profile(profile: str) -> bool:
    """Tell whether a profile is a staff member's (``staff.<function>``)."""
    return profile.startswith(STAFF_PREFIX)


EVERYONE = frozenset(str(p) for p in Profile)
STAFF = frozenset(p for p in EVERYONE if is_staff_profile(p))
FAMILIES = frozenset({str(Profile.STUDENT), str(Profile.PARENT)})
STAFF_AND_TEACHERS = STAFF | {str(Profile.TEACHER)}
