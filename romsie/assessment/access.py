"""Who sees and who enters what in marks, competencies, class councils and report cards.

* Everything is within the current establishment: another establishment's assessment,
  teaching, class, period, council or student answers 404.
* A teacher (``assessment.grade``) creates assessments and enters marks, competencies and
  report-card comments for **their own teachings** only, and sees only those.
* A homeroom teacher (``assessment.council``) sees every mark of their homeroom classes (all
  subjects) and prepares those classes' councils.
* The head (``assessment.manage``) sees every class, validates councils, publishes report
  cards and may change a locked period.
* Staff reads of marks outside their own teachings (a homeroom teacher reading another
  subject's marks, the head reading a class) are written to the audit log
  (``read_needs_audit``).
* A student sees their own marks, a parent those of the child chosen in the header — only
  once published (``Assessment.publish_on`` reached) — and report cards once their council is
  published.
* A period is **locked** for a class once its council is published: marks, comments and
  decisions of that class and period can no longer be changed except by ``assessment.manage``.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.cache import cache
from django.db.models import F, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from romsie.core import versions
from romsie.core.access.lookup import first_or_404
from romsie.core.access.scope import Scope
from romsie.core.ids import parse_id
from romsie.identity.models import User
from romsie.schooling.models import Enrollment, GroupMembership, Level, Period, SchoolClass, Subject, Teaching

from .habilitations import AssessmentHabilitation as H
from .models import Assessment, Competency, Council, ReportCard, ReportCardRun, SubjectWeight

#: how long this year's periods stay cached when no write announces a change (bulk imports)
PERIODS_CACHE_SECONDS = 300


def today() -> datetime.date:
    """The establishment's day (publication dates are compared with it)."""
    return timezone.localdate()


# -- Students of a teaching or a class ------------------------------------------------------------


def teaching_student_ids(teaching: Teaching) -> QuerySet[Any, Any]:
    """The students of a teaching (its class, or its teaching group), as a subquery of ids."""
    if teaching.school_class_id is not None:
        return Enrollment.objects.filter(school_class_id=teaching.school_class_id).values("student_id")
    return GroupMembership.objects.filter(teaching_group_id=teaching.teaching_group_id).values("student_id")


def teaching_students(teaching: Teaching) -> QuerySet[User]:
    """The students of a teaching, by name."""
    return User.objects.filter(pk__in=teaching_student_ids(teaching), is_active=True).order_by(
        "last_name", "first_name", "pk"
    )


def class_students(school_class: SchoolClass) -> QuerySet[User]:
    """The students of a class, by name."""
    return User.objects.filter(
        pk__in=Enrollment.objects.filter(school_class_id=school_class.pk).values("student_id"), is_active=True
    ).order_by("last_name", "first_name", "pk")


def class_teachings(school_class: SchoolClass) -> QuerySet[Teaching]:
    """The teachings a class's students follow: the class's own and its groups'."""
    return Teaching.objects.filter(
        Q(school_class_id=school_class.pk) | Q(teaching_group__school_classes=school_class.pk)
    ).distinct()


# -- Teachings and classes ----------------------------------------------------------------------


def own_teachings(scope: Scope) -> QuerySet[Teaching]:
    """The current year's teachings the person gives (``assessment.grade``)."""
    if scope.establishment_id is None or not scope.has(H.GRADE):
        return Teaching.objects.none()
    return Teaching.objects.filter(establishment_id=scope.establishment_id, teacher_id=scope.user_id).filter(
        Q(school_class__school_year__is_current=True) | Q(teaching_group__school_year__is_current=True)
    )


def get_own_teaching(scope: Scope, pk: int) -> Teaching:
    """One of the person's teachings, or 404."""
    return first_or_404(own_teachings(scope).filter(pk=pk).select_related("subject", "school_class", "teaching_group"))


def followed_classes(scope: Scope) -> QuerySet[SchoolClass]:
    """The current classes whose marks the person sees whole: every class for the head, the
    homeroom classes for a homeroom teacher."""
    if scope.establishment_id is None:
        return SchoolClass.objects.none()
    classes = SchoolClass.objects.filter(establishment_id=scope.establishment_id, school_year__is_current=True)
    if scope.has(H.MANAGE):
        return classes
    if scope.has(H.COUNCIL):
        return classes.filter(homeroom_teacher_id=scope.user_id)
    return SchoolClass.objects.none()


def get_followed_class(scope: Scope, pk: int) -> SchoolClass:
    """A class whose marks the person sees whole, or 404."""
    return first_or_404(followed_classes(scope).filter(pk=pk).select_related("level", "homeroom_teacher"))


def visible_periods(scope: Scope) -> QuerySet[Period]:
    """The grading periods of the current establishment's current year."""
    if scope.establishment_id is None:
        return Period.objects.none()
    return Period.objects.filter(establishment_id=scope.establishment_id, school_year__is_current=True)


def year_periods(scope: Scope) -> list[Period]:
    """``visible_periods`` in order, read from the cache until the establishment's structure changes.

    Every page of marks and councils lists them; a period or a school year saved or deleted
    bumps the ``STRUCTURE`` stamp (``schooling.apps``), so a change shows at once.
    """
    if scope.establishment_id is None:
        return []
    return list(scope.memo("assessment.year_periods", lambda: _year_periods_cached(scope)))  # once per request


def _year_periods_cached(scope: Scope) -> list[Period]:
    stamp = versions.stamp(versions.key(versions.Kind.STRUCTURE, scope.establishment_id))
    cache_key = f"romsie:assessment-periods:{scope.establishment_id}"
    cached = cache.get(cache_key)
    if cached is not None and cached[0] == stamp:
        return list(cached[1])
    periods = list(visible_periods(scope).order_by("starts_on"))
    cache.set(cache_key, (stamp, periods), PERIODS_CACHE_SECONDS)
    return periods


def get_period(scope: Scope, pk: int) -> Period:
    """A period of the current year, or 404."""
    return first_or_404(visible_periods(scope).filter(pk=pk))


def chosen_period(scope: Scope, raw: str | None, periods: list[Period] | None = None) -> Period | None:
    """The period asked for in a query string (404 when it is not one of this year's), else the
    current one (``periods``: this year's, if the caller has them)."""
    periods = year_periods(scope) if periods is None else periods
    pk = parse_id(raw)
    if pk is None:
        return current_period(scope, periods=periods)
    chosen = next((period for period in periods if period.pk == pk), None)
    if chosen is None:
        raise Http404
    return chosen


def current_period(
    scope: Scope, on: datetime.date | None = None, *, periods: list[Period] | None = None
) -> Period | None:
    """The period the day falls in (today by default); else the last one started, else the first
    (``periods``: this year's, if the caller has them)."""
    on = on or today()
    periods = year_periods(scope) if periods is None else periods
    for period in periods:
        if period.starts_on <= on <= period.ends_on:
            return period
    started = [period for period in periods if period.starts_on <= on]
    if started:
        return started[-1]
    return periods[0] if periods else None


# -- Assessments ---------------------------------------------------------------------------------


def editable_assessments(scope: Scope) -> QuerySet[Assessment]:
    """Assessments whose marks the person enters: those of their own teachings."""
    return Assessment.objects.filter(
        establishment_id=scope.establishment_id, teaching_id__in=own_teachings(scope).values("pk")
    )


def get_editable_assessment(scope: Scope, pk: int) -> Assessment:
    """An assessment of one of the person's teachings, or 404."""
    return first_or_404(
        editable_assessments(scope)
        .filter(pk=pk)
        .select_related("teaching__subject", "teaching__school_class", "teaching__teaching_group", "period")
    )


def visible_assessments(scope: Scope) -> QuerySet[Assessment]:
    """Assessments the person may read (staff: unpublished ones too; families: published ones)."""
    if scope.establishment_id is None:
        return Assessment.objects.none()
    assessments = Assessment.objects.filter(establishment_id=scope.establishment_id)
    allowed = Q(teaching_id__in=own_teachings(scope).values("pk"))
    classes = followed_classes(scope)
    if scope.has(H.MANAGE):
        allowed |= Q(pk__isnull=False)
    elif scope.has(H.COUNCIL):
        allowed |= Q(teaching__school_class__in=classes) | Q(teaching__teaching_group__school_classes__in=classes)
    student_id = followed_student_id(scope)
    if student_id is not None:
        allowed |= Q(
            publish_on__lte=today(),
            teaching_id__in=Teaching.objects.filter(
                Q(school_class__enrollments__student_id=student_id)
                | Q(teaching_group__memberships__student_id=student_id)
            ).values("pk"),
        )
    return assessments.filter(allowed).distinct()


def get_assessment(scope: Scope, pk: int) -> Assessment:
    """An assessment the person may read, or 404."""
    return first_or_404(
        visible_assessments(scope)
        .filter(pk=pk)
        .select_related("teaching__subject", "teaching__school_class", "teaching__teaching_group", "period")
    )


# -- Families --------------------------------------------------------------------------------------


def followed_student_id(scope: Scope) -> int | None:
    """The student whose own marks the person follows: themselves, or the parent's chosen child."""
    return scope.followed_student_id(H.VIEW)


def visible_students(scope: Scope) -> QuerySet[User]:
    """The students whose marks page the person may open."""
    if scope.establishment_id is None:
        return User.objects.none()
    allowed = Q(pk__in=[])
    classes = followed_classes(scope)
    if scope.has(H.MANAGE) or scope.has(H.COUNCIL):
        allowed |= Q(pk__in=Enrollment.objects.filter(school_class__in=classes).values("student_id"))
    if scope.has(H.GRADE):
        for_teachings = own_teachings(scope)
        allowed |= Q(
            pk__in=Enrollment.objects.filter(
                school_class_id__in=for_teachings.filter(school_class__isnull=False).values("school_class_id")
            ).values("student_id")
        ) | Q(
            pk__in=GroupMembership.objects.filter(
                teaching_group_id__in=for_teachings.filter(teaching_group__isnull=False).values("teaching_group_id")
            ).values("student_id")
        )
    followed = followed_student_id(scope)
    if followed is not None:
        allowed |= Q(pk=followed)
    return User.objects.filter(allowed)


def get_student(scope: Scope, pk: int) -> User:
    """A student whose marks the person may read, or 404."""
    return first_or_404(visible_students(scope).filter(pk=pk))


def read_needs_audit(scope: Scope, *, school_class_id: int | None = None, teaching_id: int | None = None) -> bool:
    """Whether a staff read of marks is audited: anything beyond the person's own teaching."""
    if not (scope.has_staff_profile or scope.is_teacher):
        return False
    if teaching_id is not None:
        return not own_teachings(scope).filter(pk=teaching_id).exists()
    return True


# -- Competencies ---------------------------------------------------------------------------------


def visible_competencies(scope: Scope) -> QuerySet[Competency]:
    """The national components and the current establishment's own items."""
    if scope.establishment_id is None:
        return Competency.objects.none()
    return Competency.objects.filter(Q(establishment__isnull=True) | Q(establishment_id=scope.establishment_id))


def get_competency(scope: Scope, pk: int) -> Competency:
    """A national component or one of the establishment's items, or 404."""
    return first_or_404(visible_competencies(scope).filter(pk=pk))


# -- Councils and report cards ------------------------------------------------------------------


def visible_councils(scope: Scope) -> QuerySet[Council]:
    """Councils of the classes the person follows whole."""
    return Council.objects.filter(
        establishment_id=scope.establishment_id, school_class_id__in=followed_classes(scope).values("pk")
    )


def get_council(scope: Scope, pk: int) -> Council:
    """A council of a class the person follows, or 404."""
    return first_or_404(visible_councils(scope).filter(pk=pk).select_related("school_class", "period"))


def visible_report_cards(scope: Scope) -> QuerySet[ReportCard]:
    """Report cards the person may download: staff of the class any time; families once published."""
    if scope.establishment_id is None:
        return ReportCard.objects.none()
    cards = ReportCard.objects.filter(establishment_id=scope.establishment_id)
    allowed = Q(council__in=visible_councils(scope))
    student_id = followed_student_id(scope)
    if student_id is not None:
        allowed |= Q(student_id=student_id, council__status=Council.Status.PUBLISHED)
    return cards.filter(allowed)


def get_report_card(scope: Scope, pk: int) -> ReportCard:
    """A report card the person may download, or 404."""
    return first_or_404(visible_report_cards(scope).filter(pk=pk))


def period_locked(*, period_id: int, school_class_ids: list[int]) -> bool:
    """Whether any of the classes has its council published for the period."""
    return Council.objects.filter(
        period_id=period_id, school_class_id__in=school_class_ids, status=Council.Status.PUBLISHED
    ).exists()


# -- Competencies: the establishment's own items (added by the competencies part) ------------------


def editable_competencies(scope: Scope) -> QuerySet[Competency]:
    """The establishment's own items, which its teachers and head edit (never the national components)."""
    if scope.establishment_id is None or not (scope.has(H.GRADE) or scope.has(H.SETTINGS)):
        return Competency.objects.none()
    return Competency.objects.filter(establishment_id=scope.establishment_id, component__isnull=False)


def get_editable_competency(scope: Scope, pk: int) -> Competency:
    """One of the establishment's items the person may edit, or 404."""
    return first_or_404(editable_competencies(scope).filter(pk=pk).select_related("component", "subject"))


def get_class_council(scope: Scope, school_class: SchoolClass, period: Period) -> Council:
    """The council of a class the person follows for a period, or 404 (not opened yet included)."""
    return first_or_404(
        visible_councils(scope)
        .filter(school_class_id=school_class.pk, period_id=period.pk)
        .select_related("school_class", "period", "validated_by", "prepared_by")
    )


def get_report_card_run(scope: Scope, school_class: SchoolClass, pk: int) -> ReportCardRun:
    """A report-card generation of a class the person follows, or 404."""
    return first_or_404(
        ReportCardRun.objects.filter(
            pk=pk, council__in=visible_councils(scope), council__school_class_id=school_class.pk
        ).select_related("council__period")
    )


def council_report_cards(council: Council) -> QuerySet[ReportCard]:
    """A council's report cards: the class's file first, then the students' by name."""
    return (
        ReportCard.objects.filter(council_id=council.pk)
        .select_related("student")
        .order_by(F("student").asc(nulls_first=True), "student__last_name", "student__first_name", "pk")
    )


def latest_run(council: Council) -> ReportCardRun | None:
    """The council's latest report-card generation, if any."""
    return ReportCardRun.objects.filter(council_id=council.pk).order_by("-requested_at", "-pk").first()


# -- Settings: the subjects' weights -------------------------------------------------------------------


def visible_subject_weights(scope: Scope) -> QuerySet[SubjectWeight]:
    """The subjects' weights of the current establishment (``assessment.settings``)."""
    if scope.establishment_id is None or not scope.has(H.SETTINGS):
        return SubjectWeight.objects.none()
    return SubjectWeight.objects.filter(establishment_id=scope.establishment_id)


def get_subject_weight(scope: Scope, pk: int) -> SubjectWeight:
    """A subject's weight of the establishment, or 404."""
    return first_or_404(visible_subject_weights(scope).filter(pk=pk).select_related("subject", "level"))


def weight_subjects(scope: Scope) -> QuerySet[Subject]:
    """The subjects a weight may be set for: the establishment's."""
    if scope.establishment_id is None:
        return Subject.objects.none()
    return Subject.objects.filter(establishment_id=scope.establishment_id).order_by("name", "pk")


def weight_levels() -> QuerySet[Level]:
    """The national levels a weight may be set for."""
    return Level.objects.order_by("order")
