"""Class councils' objects for tests: a class with students, subjects, assessments and marks."""

from __future__ import annotations

from decimal import Decimal

from romsie.core.testing import factories as f
from romsie.core.testing.world import EstablishmentWorld
from romsie.identity.models import Role, User
from romsie.schooling.models import Enrollment, Period, Teaching

from ..models import Council, Mark
from .builders import assessment_for, enable, period_of


def homeroom(ew: EstablishmentWorld, teacher: User | None = None) -> None:
    """Make the world's teacher (or another one) the homeroom teacher of the world's class."""
    enable(ew)
    ew.school_class.homeroom_teacher = teacher or ew.teacher
    ew.school_class.save(update_fields=["homeroom_teacher"])


def add_students(ew: EstablishmentWorld, count: int) -> list[User]:
    """``count`` more students in the world's class (named Student001..., in order)."""
    students = []
    for number in range(count):
        student = f.person(
            ew.establishment, Role.STUDENT, first_name=f"Prénom{number:03d}", last_name=f"Élève{number:03d}"
        )
        Enrollment.objects.create(establishment=ew.establishment, school_class=ew.school_class, student=student)
        students.append(student)
    return students


def add_teachings(ew: EstablishmentWorld, count: int) -> list[Teaching]:
    """``count`` more teachings of the world's class, each a subject of its own and a teacher."""
    teachings = []
    for number in range(count):
        teacher = f.person(ew.establishment, Role.TEACHER, last_name=f"Prof{number:02d}")
        subject = f.SubjectFactory(
            establishment=ew.establishment, code=f"SUB{number:02d}", name=f"Subject {number:02d}"
        )
        teachings.append(
            Teaching.objects.create(
                establishment=ew.establishment, school_class=ew.school_class, teacher=teacher, subject=subject
            )
        )
    return teachings


def mark_everyone(ew: EstablishmentWorld, teachings: list[Teaching], per_teaching: int, *, base: int = 8) -> None:
    """``per_teaching`` assessments in each teaching, every student of the class marked (bulk)."""
    student_ids = list(Enrollment.objects.filter(school_class=ew.school_class).values_list("student_id", flat=True))
    marks = []
    for t_index, teaching in enumerate(teachings):
        for a_index in range(per_teaching):
            assessment = assessment_for(ew, teaching=teaching, title=f"Test {a_index}")
            for s_index, student_id in enumerate(student_ids):
                marks.append(
                    Mark(
                        establishment=ew.establishment,
                        assessment=assessment,
                        student_id=student_id,
                        value=Decimal((base + s_index + t_index + a_index) % 21),
                        updated_by=teaching.teacher,
                    )
                )
    Mark.objects.bulk_create(marks)


def council_of(ew: EstablishmentWorld, status: str = Council.Status.OPEN, period: Period | None = None) -> Council:
    """The world's class's council for the period, in a given status."""
    enable(ew)
    council, _created = Council.objects.get_or_create(
        establishment=ew.establishment, period=period or period_of(ew), school_class=ew.school_class
    )
    if council.status != status:
        council.status = status
        council.save(update_fields=["status"])
    return council
