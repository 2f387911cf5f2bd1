"""Competency objects for tests: the national components, an establishment's items, evaluations."""

from __future__ import annotations

import datetime

from django.utils import timezone

from romsie.core.testing import factories as f
from romsie.core.testing.world import EstablishmentWorld
from romsie.identity.models import Role, User
from romsie.schooling.models import Teaching

from ..models import Assessment, Competency, CompetencyEvaluation


def component(code: str = "CPD_FRA") -> Competency:
    """A national component of the common base (loaded by a migration)."""
    return Competency.objects.get(establishment__isnull=True, code=code)


def item_for(
    ew: EstablishmentWorld,
    *,
    code: str = "LIRE",
    name: str = "Lire un texte à voix haute",
    cycle: int = 3,
    under: str = "CPD_FRA",
) -> Competency:
    """An item of the establishment under a component, for a cycle."""
    return Competency.objects.create(
        establishment=ew.establishment, component=component(under), code=code, name=name, cycle=cycle
    )


def evaluation_for(
    ew: EstablishmentWorld,
    competency: Competency,
    *,
    level: int = 3,
    student: User | None = None,
    days_ago: int = 0,
    teacher: User | None = None,
    teaching: Teaching | None = None,
    assessment: Assessment | None = None,
) -> CompetencyEvaluation:
    """A level of the world's student (or another) given by the world's teacher (or another)."""
    return CompetencyEvaluation.objects.create(
        establishment=ew.establishment,
        competency=competency,
        student=student or ew.student,
        level=level,
        date=timezone.localdate() - datetime.timedelta(days=days_ago),
        teaching=teaching or ew.teaching,
        assessment=assessment,
        evaluated_by=teacher or ew.teacher,
    )


def more_students(ew: EstablishmentWorld, count: int, *, tag: str = "x") -> list[User]:
    """Students added to the world's class."""
    students = []
    for number in range(count):
        student = f.person(
            ew.establishment,
            Role.STUDENT,
            username=f"comp.{tag}.{number}.{ew.establishment.pk}",
            last_name=f"Eleve{number:02d}",
        )
        f.EnrollmentFactory(school_class=ew.school_class, student=student)
        students.append(student)
    return students
