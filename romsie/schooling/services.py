"""Writes of the schooling app: the structure of an establishment's school year.

Every function takes the actor's scope and refuses objects of another establishment
(``PermissionDenied``): forms already restrict their choices to the establishment, this
is the second lock. A refusal the person can act on raises :class:`~romsie.core.errors.ApplicationError`,
whose message is shown to them. Every ``*_update`` takes the ``version`` its form showed and
refuses a stale save (``romsie.core.concurrency.StaleEdit``).
"""

from __future__ import annotations

import datetime
from collections.abc import Collection, Iterable
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from romsie.core import versions
from romsie.core.access.scope import Scope
from romsie.core.concurrency import StaleEdit, claim_version
from romsie.core.errors import ApplicationError
from romsie.core.services import audit_record
from romsie.establishments.models import Establishment, Territory
from romsie.identity.models import User

from . import access, social
from .models import (
    Enrollment,
    Level,
    Period,
    Room,
    SchoolClass,
    SchoolYear,
    SocialCeiling,
    SocialCeilingEntry,
    SocialFeature,
    SocialSettings,
    SocialSwitch,
    Stage,
    Subject,
    Teaching,
    TeachingGroup,
)
from .selectors import social_levels

SocialRowT = TypeVar("SocialRowT", SocialSettings, SocialCeiling)


def _check_own(scope: Scope, *objects: models.Model | None) -> None:
    """Refuse any object that does not belong to the scope's establishment."""
    if scope.establishment_id is None:
        raise PermissionDenied
    for obj in objects:
        if obj is not None and getattr(obj, "establishment_id", None) != scope.establishment_id:
            raise PermissionDenied


def _check_members(scope: Scope, people: Iterable[User | None], members: models.QuerySet[User]) -> None:
    """Refuse people who do not hold the expected role in the scope's establishment."""
    wanted = {p.pk for p in people if p is not None}
    if wanted and len(wanted) != members.filter(pk__in=wanted).count():
        raise PermissionDenied


def _assign(obj: models.Model, **fields: Any) -> None:
    for name, value in fields.items():
        setattr(obj, name, value)
    obj.full_clean(exclude=["establishment"], validate_unique=False, validate_constraints=False)
    obj.save()


def _current_year(scope: Scope) -> SchoolYear:
    year = access.current_school_year(scope)
    if year is None:
        raise ApplicationError(_("There is no current school year yet: create one and mark it current first."))
    return year


# School years and periods


@transaction.atomic
def school_year_create(
    *, scope: Scope, name: str, starts_on: datetime.date, ends_on: datetime.date, is_current: bool = False
) -> SchoolYear:
    """Create a school year; marking it current unmarks the previous current one."""
    _check_own(scope)
    if is_current:
        access.visible_school_years(scope).filter(is_current=True).update(is_current=False)
    year = SchoolYear(establishment_id=scope.establishment_id)
    _assign(year, name=name, starts_on=starts_on, ends_on=ends_on, is_current=is_current)
    return year


@transaction.atomic
def school_year_update(
    *,
    scope: Scope,
    school_year: SchoolYear,
    version: int | None,
    name: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    is_current: bool = False,
) -> SchoolYear:
    _check_own(scope, school_year)
    claim_version(school_year, version)
    if is_current:
        access.visible_school_years(scope).filter(is_current=True).exclude(pk=school_year.pk).update(is_current=False)
    _assign(school_year, name=name, starts_on=starts_on, ends_on=ends_on, is_current=is_current)
    return school_year


@transaction.atomic
def school_year_delete(*, scope: Scope, school_year: SchoolYear) -> None:
    """Delete an empty school year; one that still has classes, groups or periods is kept."""
    _check_own(scope, school_year)
    if school_year.school_classes.exists() or school_year.teaching_groups.exists() or school_year.periods.exists():
        raise ApplicationError(_("This school year still has classes, teaching groups or periods: delete them first."))
    school_year.delete()


@transaction.atomic
def period_create(
    *, scope: Scope, school_year: SchoolYear, name: str, starts_on: datetime.date, ends_on: datetime.date
) -> Period:
    _check_own(scope, school_year)
    period = Period(establishment_id=scope.establishment_id)
    _assign(period, school_year=school_year, name=name, starts_on=starts_on, ends_on=ends_on)
    return period


@transaction.atomic
def period_update(
    *,
    scope: Scope,
    period: Period,
    version: int | None,
    school_year: SchoolYear,
    name: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
) -> Period:
    _check_own(scope, period, school_year)
    claim_version(period, version)
    _assign(period, school_year=school_year, name=name, starts_on=starts_on, ends_on=ends_on)
    return period


@transaction.atomic
def period_delete(*, scope: Scope, period: Period) -> None:
    _check_own(scope, period)
    period.delete()


# Classes


@transaction.atomic
def school_class_create(
    *, scope: Scope, name: str, code: str, level: Level, homeroom_teacher: User | None = None
) -> SchoolClass:
    """Create a class in the current school year."""
    _check_own(scope)
    _check_members(scope, [homeroom_teacher], access.establishment_teachers(scope))
    school_class = SchoolClass(establishment_id=scope.establishment_id, school_year=_current_year(scope))
    _assign(school_class, name=name, code=code, level=level, homeroom_teacher=homeroom_teacher)
    return school_class


@transaction.atomic
def school_class_update(
    *,
    scope: Scope,
    school_class: SchoolClass,
    version: int | None,
    name: str,
    code: str,
    level: Level,
    homeroom_teacher: User | None = None,
) -> SchoolClass:
    _check_own(scope, school_class)
    claim_version(school_class, version)
    _check_members(scope, [homeroom_teacher], access.establishment_teachers(scope))
    _assign(school_class, name=name, code=code, level=level, homeroom_teacher=homeroom_teacher)
    return school_class


@transaction.atomic
def school_class_delete(*, scope: Scope, school_class: SchoolClass, students_confirmed: bool = False) -> None:
    """Delete a class with its teachings.

    A class that still has students is deleted only when the person confirmed it
    (``students_confirmed``): the students then belong to no class, which is recorded.
    """
    _check_own(scope, school_class)
    enrolled = school_class.enrollments.count()
    if enrolled and not students_confirmed:
        raise ApplicationError(
            _(
                "This class still has students. Confirm that they will no longer belong to any class, "
                "or move them first."
            )
        )
    target = f"{school_class.name} ({school_class.code})"
    school_class.delete()
    audit_record(scope=scope, action="schooling.class_deleted", target=target, students=enrolled)


# Teaching groups


@transaction.atomic
def teaching_group_create(
    *,
    scope: Scope,
    name: str,
    code: str,
    school_classes: Iterable[SchoolClass] = (),
    students: Iterable[User] = (),
) -> TeachingGroup:
    """Create a teaching group of the current school year, with its classes and students."""
    _check_own(scope)
    group = TeachingGroup(establishment_id=scope.establishment_id, school_year=_current_year(scope))
    _assign(group, name=name, code=code)
    _set_group_members(scope, group, list(school_classes), list(students))
    return group


@transaction.atomic
def teaching_group_update(
    *,
    scope: Scope,
    teaching_group: TeachingGroup,
    version: int | None,
    name: str,
    code: str,
    school_classes: Iterable[SchoolClass] = (),
    students: Iterable[User] = (),
) -> TeachingGroup:
    _check_own(scope, teaching_group)
    claim_version(teaching_group, version)
    _assign(teaching_group, name=name, code=code)
    _set_group_members(scope, teaching_group, list(school_classes), list(students))
    return teaching_group


def _set_group_members(
    scope: Scope, group: TeachingGroup, school_classes: list[SchoolClass], students: list[User]
) -> None:
    _check_own(scope, *school_classes)
    _check_members(scope, students, access.establishment_students(scope))
    group.school_classes.set(school_classes)
    group.students.set(students, through_defaults={"establishment_id": scope.establishment_id})


@transaction.atomic
def teaching_group_delete(*, scope: Scope, teaching_group: TeachingGroup) -> None:
    """Delete a group with its memberships and teachings (its students keep their classes)."""
    _check_own(scope, teaching_group)
    teaching_group.delete()


# Subjects and rooms


@transaction.atomic
def subject_create(*, scope: Scope, code: str, name: str) -> Subject:
    _check_own(scope)
    subject = Subject(establishment_id=scope.establishment_id)
    _assign(subject, code=code, name=name)
    return subject


@transaction.atomic
def subject_update(*, scope: Scope, version: int | None, subject: Subject, code: str, name: str) -> Subject:
    _check_own(scope, subject)
    claim_version(subject, version)
    _assign(subject, code=code, name=name)
    return subject


@transaction.atomic
def subject_delete(*, scope: Scope, subject: Subject) -> None:
    """Delete a subject and the teachings of it."""
    _check_own(scope, subject)
    subject.delete()


@transaction.atomic
def room_create(*, scope: Scope, name: str, capacity: int | None = None) -> Room:
    _check_own(scope)
    room = Room(establishment_id=scope.establishment_id)
    _assign(room, name=name, capacity=capacity)
    return room


@transaction.atomic
def room_update(*, scope: Scope, version: int | None, room: Room, name: str, capacity: int | None = None) -> Room:
    _check_own(scope, room)
    claim_version(room, version)
    _assign(room, name=name, capacity=capacity)
    return room


@transaction.atomic
def room_delete(*, scope: Scope, room: Room) -> None:
    _check_own(scope, room)
    room.delete()


# Teachings


def _check_teaching_target(school_class: SchoolClass | None, teaching_group: TeachingGroup | None) -> None:
    if (school_class is None) == (teaching_group is None):
        raise ApplicationError(_("A teaching is given either to a class or to a teaching group: choose exactly one."))


@transaction.atomic
def teaching_create(
    *,
    scope: Scope,
    teacher: User,
    subject: Subject,
    school_class: SchoolClass | None = None,
    teaching_group: TeachingGroup | None = None,
) -> Teaching:
    """Record that a teacher teaches a subject to one class or one teaching group."""
    _check_own(scope, subject, school_class, teaching_group)
    _check_members(scope, [teacher], access.establishment_teachers(scope))
    _check_teaching_target(school_class, teaching_group)
    teaching = Teaching(establishment_id=scope.establishment_id)
    _assign(teaching, teacher=teacher, subject=subject, school_class=school_class, teaching_group=teaching_group)
    return teaching


@transaction.atomic
def teaching_update(
    *,
    scope: Scope,
    teaching: Teaching,
    version: int | None,
    teacher: User,
    subject: Subject,
    school_class: SchoolClass | None = None,
    teaching_group: TeachingGroup | None = None,
) -> Teaching:
    _check_own(scope, teaching, subject, school_class, teaching_group)
    claim_version(teaching, version)
    _check_members(scope, [teacher], access.establishment_teachers(scope))
    _check_teaching_target(school_class, teaching_group)
    _assign(teaching, teacher=teacher, subject=subject, school_class=school_class, teaching_group=teaching_group)
    return teaching


@transaction.atomic
def teaching_delete(*, scope: Scope, teaching: Teaching) -> None:
    _check_own(scope, teaching)
    teaching.delete()


@transaction.atomic
def student_class_set(*, scope: Scope, student: User, school_class: SchoolClass | None) -> None:
    """Place a student in one class of the current year (or in none), moving them if needed.

    The student's other enrollments of the current year in this establishment are
    removed, so a student is never in two classes at once; earlier years are kept.
    """
    _check_own(scope, school_class)
    _check_members(scope, [student], access.establishment_students(scope))
    year = _current_year(scope)
    current = Enrollment.objects.filter(
        establishment_id=scope.establishment_id, student=student, school_class__school_year=year
    )
    before = sorted(current.values_list("school_class__name", flat=True))
    current.exclude(school_class=school_class).delete()
    if school_class is not None:
        Enrollment.objects.get_or_create(
            establishment_id=scope.establishment_id, student=student, school_class=school_class
        )
    audit_record(
        scope=scope,
        action="schooling.student_class_set",
        target=student,
        before=", ".join(before),
        after=school_class.name if school_class else "",
    )


# Social features of students, per level (``romsie.schooling.social``)


def _bump_social(kind: versions.Kind, pk: int) -> None:
    """Bump now and again at commit: a table computed from the old rows in between is dropped too."""
    versions.bump(kind, pk)
    transaction.on_commit(lambda: versions.bump(kind, pk))


def _settings_row(model: type[SocialRowT], version: int | None, **owner: Any) -> SocialRowT:
    """Claim the versioned settings row of ``owner`` (created at the first save); refuse a stale save."""
    row = model._default_manager.filter(**owner).first()
    if row is not None:
        claim_version(row, version)
        row.save()
        return row
    row = model(**owner)
    try:
        with transaction.atomic():  # a savepoint: the other person's row can still be read after
            row.save()
    except IntegrityError as created_meanwhile:
        raise StaleEdit(model._default_manager.filter(**owner).first()) from created_meanwhile
    return row


@transaction.atomic
def social_switches_set(*, scope: Scope, enabled: Collection[tuple[int, str]], version: int | None) -> SocialSettings:
    """Set which social features the students of each level of the establishment may use.

    ``enabled`` holds the (level id, feature) pairs switched on; every other level × feature of
    the establishment's table is switched off. Switching on a feature the territory's ceiling
    closes for the level's stage is refused, and nothing is written. ``version`` is the one the
    form showed (``None`` before the first save).
    """
    if scope.establishment_id is None:
        raise PermissionDenied
    establishment = Establishment.objects.get(pk=scope.establishment_id)
    levels = social_levels(establishment)
    by_id = {level.pk: level for level in levels}
    wanted = {(level_id, str(feature)) for level_id, feature in enabled}
    if any(level_id not in by_id or feature not in SocialFeature.values for level_id, feature in wanted):
        raise PermissionDenied
    closed = social.closed_cells(establishment.territory_id)
    refused = sorted(
        (by_id[level_id].order, by_id[level_id].name, SocialFeature(feature).label)
        for level_id, feature in wanted
        if (social.stage_of_level(by_id[level_id].is_primary), feature) in closed
    )
    if refused:
        _order, level_name, feature_label = refused[0]
        raise ApplicationError(
            _("The territory does not let establishments switch on “%(feature)s” for %(level)s.")
            % {"feature": feature_label, "level": level_name},
            extra={"refused": [(name, str(label)) for _o, name, label in refused]},
        )
    row = _settings_row(SocialSettings, version, establishment=establishment)
    SocialSwitch.objects.filter(establishment=establishment).delete()
    SocialSwitch.objects.bulk_create(
        SocialSwitch(establishment=establishment, level=level, feature=feature, enabled=(level.pk, feature) in wanted)
        for level in levels
        for feature in SocialFeature.values
    )
    _bump_social(versions.Kind.SOCIAL_ESTABLISHMENT, establishment.pk)
    switched_on = sorted(f"{by_id[level_id].code}:{feature}" for level_id, feature in wanted)
    audit_record(scope=scope, action="schooling.social_set", target=establishment, on=" ".join(switched_on))
    return row


@transaction.atomic
def social_ceiling_set(
    *, scope: Scope, territory: Territory, allowed: Collection[tuple[str, str]], version: int | None
) -> SocialCeiling:
    """Set which features the territory's establishments may switch on, per stage (territory admins).

    ``allowed`` holds the (stage, feature) pairs left open; the others are closed, which switches
    them off for the students of that stage whatever their establishment chose.
    """
    if territory.pk not in scope.territory_ids:
        raise PermissionDenied
    wanted = {(str(stage), str(feature)) for stage, feature in allowed}
    if any(stage not in Stage.values or feature not in SocialFeature.values for stage, feature in wanted):
        raise PermissionDenied
    ceiling = _settings_row(SocialCeiling, version, territory=territory)
    SocialCeilingEntry.objects.filter(territory=territory).delete()
    SocialCeilingEntry.objects.bulk_create(
        SocialCeilingEntry(territory=territory, stage=stage, feature=feature, allowed=(stage, feature) in wanted)
        for stage in Stage.values
        for feature in SocialFeature.values
    )
    _bump_social(versions.Kind.SOCIAL_TERRITORY, territory.pk)
    closed = sorted(
        f"{stage}:{feature}"
        for stage in Stage.values
        for feature in SocialFeature.values
        if (stage, feature) not in wanted
    )
    audit_record(scope=scope, action="schooling.social_ceiling_set", target=territory, closed=" ".join(closed))
    return ceiling
