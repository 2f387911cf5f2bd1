"""Who sees and who records what in school life.

* Everything is within the current establishment: another establishment's session, student,
  absence, justification, incident or sanction answers 404.
* A teacher (``attendance.call_roll``) calls the roll of the sessions they teach on the day,
  planned or as a substitute (``Session.teacher``), never of another teacher's session; a called
  roll may be corrected later by them (audited).
* A teacher (``attendance.view_classes``) sees the school-life record of the students they
  teach this year (their teachings' classes and groups) and of their homeroom classes.
* School life and the head (``attendance.manage``) see and edit every student's record, call
  or correct any session's roll, enter absences, lateness and exemptions, and review
  justifications. Their reads of a record outside their classes are written to the audit log.
* ``attendance.sanction`` follows incidents up and gives punishments and sanctions;
  ``attendance.report_incident`` reports an incident and sees the incidents one reported.
* A student (``attendance.view``) sees their own record; a parent the record of the child
  chosen in the header. A guardian justifies only when their guardianship says
  ``can_justify_absences``; a student only once of age (``User.comes_of_age_on`` passed).
* Outside partners and after-school staff see nothing unless the establishment grants them
  ``attendance.view_classes``.
"""

from __future__ import annotations

import datetime
from typing import Any, cast

from django.db.models import Q, QuerySet
from django.utils import timezone

from romsie.core.access.lookup import first_or_404
from romsie.core.access.scope import Scope
from romsie.identity.models import Guardianship, User
from romsie.schooling.models import Enrollment, GroupMembership, SchoolClass, Teaching
from romsie.timetable.models import Session

from .habilitations import AttendanceHabilitation
from .models import (
    Absence,
    AbsenceReason,
    Exemption,
    Incident,
    Justification,
    JustificationStatus,
    Lateness,
    Sanction,
)


def session_student_ids(session: Session) -> QuerySet[Any, Any]:
    """The students of a session's teaching (its class, or its teaching group), as a subquery of ids."""
    teaching = session.teaching
    if teaching.school_class_id is not None:
        return Enrollment.objects.filter(school_class_id=teaching.school_class_id).values("student_id")
    return GroupMembership.objects.filter(teaching_group_id=teaching.teaching_group_id).values("student_id")


def session_students(session: Session) -> QuerySet[User]:
    """The students expected at a session, by name."""
    return User.objects.filter(pk__in=session_student_ids(session), is_active=True).order_by(
        "last_name", "first_name", "pk"
    )


def callable_sessions(scope: Scope) -> QuerySet[Session]:
    """The sessions whose roll the person may call or correct."""
    if scope.establishment_id is None:
        return Session.objects.none()
    sessions = Session.objects.filter(establishment_id=scope.establishment_id, status=Session.Status.PLANNED)
    if scope.has(AttendanceHabilitation.MANAGE):
        return sessions
    if scope.has(AttendanceHabilitation.CALL_ROLL):
        return sessions.filter(teacher_id=scope.user_id)
    return Session.objects.none()


def get_callable_session(scope: Scope, pk: int) -> Session:
    """A session whose roll the person may call, or 404."""
    return first_or_404(callable_sessions(scope).filter(pk=pk).select_related("teaching__subject", "room"))


def taught_student_ids(scope: Scope) -> QuerySet[Any, Any]:
    """The students a teacher teaches this year or whose homeroom class they lead, as a subquery."""
    teachings = Teaching.objects.filter(establishment_id=scope.establishment_id, teacher_id=scope.user_id)
    class_ids = teachings.filter(school_class__school_year__is_current=True).values("school_class_id")
    homeroom = SchoolClass.objects.filter(
        establishment_id=scope.establishment_id, school_year__is_current=True, homeroom_teacher_id=scope.user_id
    ).values("pk")
    group_ids = teachings.filter(teaching_group__school_year__is_current=True).values("teaching_group_id")
    by_class = Enrollment.objects.filter(school_class_id__in=class_ids).values("student_id").order_by()
    by_homeroom = Enrollment.objects.filter(school_class_id__in=homeroom).values("student_id").order_by()
    by_group = GroupMembership.objects.filter(teaching_group_id__in=group_ids).values("student_id").order_by()
    return by_class.union(by_homeroom, by_group)


def followed_student_id(scope: Scope) -> int | None:
    """The student whose own record the person follows: themselves, or the parent's chosen child."""
    return scope.followed_student_id(AttendanceHabilitation.VIEW)


def visible_students(scope: Scope) -> QuerySet[User]:
    """The students whose school-life record the person may read."""
    if scope.establishment_id is None:
        return User.objects.none()
    allowed = Q(pk__in=[])
    if scope.has(AttendanceHabilitation.MANAGE) or scope.has(AttendanceHabilitation.SANCTION):
        allowed |= Q(
            pk__in=Enrollment.objects.filter(
                establishment_id=scope.establishment_id, school_class__school_year__is_current=True
            ).values("student_id")
        )
    elif scope.has(AttendanceHabilitation.VIEW_CLASSES):
        allowed |= Q(pk__in=taught_student_ids(scope))
    followed = followed_student_id(scope)
    if followed is not None:
        allowed |= Q(pk=followed)
    return User.objects.filter(allowed)


def get_student(scope: Scope, pk: int) -> User:
    """A student whose record the person may read, or 404."""
    return first_or_404(visible_students(scope).filter(pk=pk))


def read_needs_audit(scope: Scope, student_id: int) -> bool:
    """Whether a read of this student's record is audited: staff reading outside the classes they teach."""
    if followed_student_id(scope) == student_id:
        return False
    return not User.objects.filter(pk=student_id, pk__in=taught_student_ids(scope)).exists()


def _by_students(model: type[Any], scope: Scope) -> QuerySet[Any]:
    """Rows of ``model`` about the students whose record the person may read."""
    if scope.establishment_id is None:
        return cast(QuerySet[Any], model.objects.none())
    return cast(
        QuerySet[Any],
        model.objects.filter(
            establishment_id=scope.establishment_id, student_id__in=visible_students(scope).values("pk")
        ),
    )


def visible_absences(scope: Scope) -> QuerySet[Absence]:
    """Absences of the students whose record the person may read."""
    return _by_students(Absence, scope)


def visible_lateness(scope: Scope) -> QuerySet[Lateness]:
    """Lateness of the students whose record the person may read."""
    return _by_students(Lateness, scope)


def visible_sanctions(scope: Scope) -> QuerySet[Sanction]:
    """Sanctions of the students whose record the person may read."""
    return _by_students(Sanction, scope)


def managed_absences(scope: Scope) -> QuerySet[Absence]:
    """Absences school life may edit, close or justify."""
    if scope.establishment_id is None or not scope.has(AttendanceHabilitation.MANAGE):
        return Absence.objects.none()
    return Absence.objects.filter(establishment_id=scope.establishment_id)


def get_managed_absence(scope: Scope, pk: int) -> Absence:
    """An absence school life may edit, or 404."""
    return first_or_404(managed_absences(scope).filter(pk=pk))


def managed_lateness(scope: Scope) -> QuerySet[Lateness]:
    """Lateness school life may edit, close or justify."""
    if scope.establishment_id is None or not scope.has(AttendanceHabilitation.MANAGE):
        return Lateness.objects.none()
    return Lateness.objects.filter(establishment_id=scope.establishment_id)


def get_managed_lateness(scope: Scope, pk: int) -> Lateness:
    """A lateness school life may edit, or 404."""
    return first_or_404(managed_lateness(scope).filter(pk=pk))


def may_justify(scope: Scope, student_id: int, *, today: datetime.date | None = None) -> bool:
    """Whether the person may justify this student's absences themselves (a family, not staff)."""
    if scope.establishment_id is None or not scope.has(AttendanceHabilitation.VIEW):
        return False
    if scope.is_student and scope.user_id == student_id:
        today = today or timezone.localdate()
        return User.objects.filter(pk=student_id, comes_of_age_on__lte=today).exists()
    if scope.is_parent:
        return Guardianship.objects.filter(
            establishment_id=scope.establishment_id,
            guardian_id=scope.user_id,
            student_id=student_id,
            can_justify_absences=True,
        ).exists()
    return False


def justifying_for(scope: Scope) -> list[int]:
    """The students whose absences the person may justify: themselves of age, or their children with the right.

    Every child of a parent here counts, not only the one chosen in the header, so the link of
    an alert about one child opens whichever child is chosen.
    """
    if scope.establishment_id is None or not scope.has(AttendanceHabilitation.VIEW):
        return []
    candidates = [scope.user_id] if scope.is_student and scope.user_id else []
    candidates += [child.id for child in scope.children] if scope.is_parent else []
    return [pk for pk in candidates if may_justify(scope, pk)]


def justifiable_absences(scope: Scope) -> QuerySet[Absence]:
    """The absences the person may justify (see ``justifying_for``), not yet justified."""
    students = justifying_for(scope)
    if not students:
        return Absence.objects.none()
    return Absence.objects.filter(
        establishment_id=scope.establishment_id, student_id__in=students, kind=Absence.Kind.ABSENCE
    ).exclude(status=JustificationStatus.JUSTIFIED)


def get_justifiable_absence(scope: Scope, pk: int) -> Absence:
    """An absence the person may justify, or 404."""
    return first_or_404(justifiable_absences(scope).filter(pk=pk))


def justifiable_lateness(scope: Scope) -> QuerySet[Lateness]:
    """The lateness the person may justify (see ``justifying_for``), not yet justified."""
    students = justifying_for(scope)
    if not students:
        return Lateness.objects.none()
    return Lateness.objects.filter(establishment_id=scope.establishment_id, student_id__in=students).exclude(
        status=JustificationStatus.JUSTIFIED
    )


def get_justifiable_lateness(scope: Scope, pk: int) -> Lateness:
    """A lateness the person may justify, or 404."""
    return first_or_404(justifiable_lateness(scope).filter(pk=pk))


def visible_justifications(scope: Scope) -> QuerySet[Justification]:
    """Justifications the person may read: staff managing, or the family of the student."""
    if scope.establishment_id is None:
        return Justification.objects.none()
    justifications = Justification.objects.filter(establishment_id=scope.establishment_id)
    if scope.has(AttendanceHabilitation.MANAGE):
        return justifications
    student = followed_student_id(scope)
    if student is None:
        return Justification.objects.none()
    return justifications.filter(Q(absence__student_id=student) | Q(lateness__student_id=student))


def get_justification(scope: Scope, pk: int) -> Justification:
    """A justification the person may read, or 404."""
    return first_or_404(visible_justifications(scope).filter(pk=pk))


def reviewable_justifications(scope: Scope) -> QuerySet[Justification]:
    """Justifications school life reviews (accepts or refuses)."""
    if scope.establishment_id is None or not scope.has(AttendanceHabilitation.MANAGE):
        return Justification.objects.none()
    return Justification.objects.filter(establishment_id=scope.establishment_id)


def get_reviewable_justification(scope: Scope, pk: int) -> Justification:
    """A justification the person may review, or 404."""
    return first_or_404(reviewable_justifications(scope).filter(pk=pk))


def visible_incidents(scope: Scope) -> QuerySet[Incident]:
    """Incidents: all of them for those who follow them up; one's own reports otherwise."""
    if scope.establishment_id is None:
        return Incident.objects.none()
    incidents = Incident.objects.filter(establishment_id=scope.establishment_id)
    if scope.has(AttendanceHabilitation.SANCTION):
        return incidents
    if scope.has(AttendanceHabilitation.REPORT_INCIDENT):
        return incidents.filter(reported_by_id=scope.user_id)
    return Incident.objects.none()


def get_incident(scope: Scope, pk: int) -> Incident:
    """An incident the person may read, or 404."""
    return first_or_404(visible_incidents(scope).filter(pk=pk))


# -- School-life office ------------------------------------------------------------------------
# The office (``attendance.manage``) works on the establishment's current students and classes;
# the absence reasons are set with ``attendance.settings``. Another establishment's: 404.


def office_students(scope: Scope) -> QuerySet[User]:
    """The current students of the establishment, for school life (``attendance.manage``) only."""
    if scope.establishment_id is None or not scope.has(AttendanceHabilitation.MANAGE):
        return User.objects.none()
    return User.objects.filter(
        is_active=True,
        pk__in=Enrollment.objects.filter(
            establishment_id=scope.establishment_id, school_class__school_year__is_current=True
        ).values("student_id"),
    )


def get_office_student(scope: Scope, pk: int) -> User:
    """A current student of the establishment school life may record for, or 404."""
    return first_or_404(office_students(scope).filter(pk=pk))


def office_classes(scope: Scope) -> QuerySet[SchoolClass]:
    """The establishment's classes of the current year, for school life."""
    if scope.establishment_id is None or not scope.has(AttendanceHabilitation.MANAGE):
        return SchoolClass.objects.none()
    return SchoolClass.objects.filter(establishment_id=scope.establishment_id, school_year__is_current=True)


def get_office_class(scope: Scope, pk: int) -> SchoolClass:
    """A class of the current year school life looks at, or 404."""
    return first_or_404(office_classes(scope).filter(pk=pk))


def managed_exemptions(scope: Scope) -> QuerySet[Exemption]:
    """Exemptions school life records and whose certificates it downloads."""
    if scope.establishment_id is None or not scope.has(AttendanceHabilitation.MANAGE):
        return Exemption.objects.none()
    return Exemption.objects.filter(establishment_id=scope.establishment_id)


def get_managed_exemption(scope: Scope, pk: int) -> Exemption:
    """An exemption school life may read (and download the certificate of), or 404."""
    return first_or_404(managed_exemptions(scope).filter(pk=pk))


def settable_reasons(scope: Scope) -> QuerySet[AbsenceReason]:
    """The establishment's absence reasons, for those who set them (``attendance.settings``)."""
    if scope.establishment_id is None or not scope.has(AttendanceHabilitation.SETTINGS):
        return AbsenceReason.objects.none()
    return AbsenceReason.objects.filter(establishment_id=scope.establishment_id)


def get_settable_reason(scope: Scope, pk: int) -> AbsenceReason:
    """An absence reason of the establishment one may change, or 404."""
    return first_or_404(settable_reasons(scope).filter(pk=pk))
