"""Objects for the teachers' part's tests: more students, the grid's POST."""

from __future__ import annotations

from typing import Any

from romsie.core.testing import factories as f
from romsie.core.testing.world import World
from romsie.identity.models import Role, User

from ..models import Assessment, Mark


def add_students(world: World, count: int, *, tag: str = "m") -> list[User]:
    """``count`` more students in ``a``'s first class, each with a parent."""
    students = []
    for i in range(count):
        student = f.person(world.a.establishment, Role.STUDENT, last_name=f"Eleve{tag}{i:02d}")
        parent = f.person(world.a.establishment, Role.PARENT, last_name=f"Parent{tag}{i:02d}")
        f.EnrollmentFactory(school_class=world.a.school_class, student=student)
        f.GuardianshipFactory(establishment=world.a.establishment, guardian=parent, student=student)
        students.append(student)
    return students


def cell_post(
    student: User, mark: str = "", *, status: str = "", comment: str = "", version: Any = ""
) -> dict[str, Any]:
    """A POST of one cell to ``assessment:cell-save``."""
    pk = student.pk
    return {
        "student": pk,
        f"mark-{pk}": mark,
        f"status-{pk}": status,
        f"comment-{pk}": comment,
        f"version-{pk}": "" if version is None else version,
    }


def grid_post(assessment: Assessment, students: list[User], typed: dict[int, dict[str, str]]) -> dict[str, Any]:
    """A POST of the whole grid as the page shows it now, with ``typed`` ({pk: {"mark": ..}}) changed."""
    marks = {mark.student_id: mark for mark in Mark.objects.filter(assessment=assessment)}
    data: dict[str, Any] = {}
    for student in students:
        pk = student.pk
        mark = marks.get(pk)
        shown = {
            "mark": "" if mark is None or mark.value is None else format(mark.value.normalize(), "f"),
            "status": mark.status if mark else "",
            "comment": mark.comment if mark else "",
        }
        for name, value in shown.items():
            data[f"initial-{name}-{pk}"] = value
            data[f"{name}-{pk}"] = typed.get(pk, {}).get(name, value)
        data[f"version-{pk}"] = mark.version if mark else ""
    return data
