"""Rights of assessment: marks, competencies, class councils and report cards."""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from romsie.core.access.catalogue import HabilitationSpec
from romsie.core.access.profiles import Profile


class AssessmentHabilitation(StrEnum):
    VIEW = "assessment.view"
    GRADE = "assessment.grade"
    COUNCIL = "assessment.council"
    MANAGE = "assessment.manage"
    SETTINGS = "assessment.settings"


SPECS = [
    HabilitationSpec(
        AssessmentHabilitation.VIEW,
        _("Open marks and report cards: one's own published marks (a parent: their children's)"),
        frozenset({Profile.STUDENT, Profile.PARENT, Profile.TEACHER, Profile.STAFF_HEAD}),
        adjustable=frozenset({Profile.STAFF_SCHOOL_LIFE, Profile.STAFF_OFFICE}),
    ),
    HabilitationSpec(
        AssessmentHabilitation.GRADE,
        _("Create assessments, enter marks, competencies and report-card comments for one's own teachings"),
        frozenset({Profile.TEACHER}),
    ),
    HabilitationSpec(
        AssessmentHabilitation.COUNCIL,
        _("Prepare the class council of one's homeroom classes"),
        frozenset({Profile.TEACHER}),
    ),
    HabilitationSpec(
        AssessmentHabilitation.MANAGE,
        _("See every class's marks, validate class councils, publish report cards, unlock a period"),
        frozenset({Profile.STAFF_HEAD}),
        adjustable=frozenset({Profile.STAFF_SCHOOL_LIFE, Profile.STAFF_OFFICE}),
    ),
    HabilitationSpec(
        AssessmentHabilitation.SETTINGS,
        _("Set the subjects' weights, the publication delay of marks and the report cards' style"),
        frozenset({Profile.STAFF_HEAD}),
        adjustable=frozenset({Profile.STAFF_OFFICE}),
    ),
]
