"""Who may write to whom, for each pair of roles, in a collège and in a primary school."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from romsie.core.testing import factories as f
from romsie.core.testing.world import World
from romsie.identity.models import Role
from romsie.messaging import access
from romsie.messaging.models import Delivery, Message
from romsie.schooling.tests.test_current_places import last_year_places

from .helpers import scope_of


@pytest.fixture
def school(mworld: World) -> World:
    """Add to ``a`` a teacher of the *other* class, so "not my teacher" exists."""
    a = mworld.a
    other_teacher = f.person(a.establishment, Role.TEACHER, username="teacher2.a", last_name="Autreprof")
    f.TeachingFactory(school_class=a.class2, teacher=other_teacher, subject=a.subject)
    a.people["teacher2"] = other_teacher
    a.people["student2"] = a.student2
    a.people["parent2"] = a.parent2
    b = mworld.b
    b.people["student2"] = f.person(b.establishment, Role.STUDENT, username="student2.b", last_name="Autreb")
    return mworld


def may_write(world: World, establishment: str, sender: str, recipient: str) -> bool:
    est = getattr(world, establishment)
    scope = scope_of(est.people[sender])
    return access.writable_people(scope).filter(pk=est.people[recipient].pk).exists()


# sender      student teacher teacher2 head school_life parent parent2 student2
COLLEGE = """
student       -       1       0        1    1           0      0       0
parent        0       1       0        1    1           -      0       0
teacher       1       -       1        1    1           1      1       1
head          1       1       1        -    1           1      1       1
school_life   1       1       1        1    -           1      1       1
librarian     1       1       1        1    1           1      1       1
partner       0       0       0        0    0           0      0       0
"""
RECIPIENTS = ["student", "teacher", "teacher2", "head", "school_life", "parent", "parent2", "student2"]


def _cases(table: str) -> list[tuple[str, str, bool]]:
    cases = []
    for line in table.strip().splitlines():
        sender, *cells = line.split()
        for recipient, cell in zip(RECIPIENTS, cells, strict=True):
            if cell != "-":
                cases.append((sender, recipient, cell == "1"))
    return cases


@pytest.mark.parametrize(("sender", "recipient", "expected"), _cases(COLLEGE))
def test_who_may_write_to_whom_in_a_college(school: World, sender: str, recipient: str, expected: bool) -> None:
    assert may_write(school, "a", sender, recipient) is expected


# In the primary school ``b`` (elementary): student, its parent, its teacher, the staff.
PRIMARY = [
    ("student", "teacher", True),
    ("student", "head", False),
    ("student", "school_life", False),
    ("student", "parent", False),
    ("student", "student2", False),
    ("parent", "teacher", True),
    ("parent", "head", True),
    ("parent", "student2", False),
    ("teacher", "parent", True),
    ("teacher", "student", True),
    ("head", "parent", True),
    ("head", "student", True),
]


@pytest.mark.parametrize(("sender", "recipient", "expected"), PRIMARY)
def test_who_may_write_to_whom_in_a_primary_school(school: World, sender: str, recipient: str, expected: bool) -> None:
    assert may_write(school, "b", sender, recipient) is expected


def test_students_and_parents_are_offered_no_group(school: World) -> None:
    assert access.writable_groups(scope_of(school.a.student)) == []
    assert access.writable_groups(scope_of(school.a.parent)) == []
    tokens = {c.token for c in access.writable_groups(scope_of(school.a.teacher))}
    assert f"class-guardians:{school.a.school_class.pk}" in tokens and "staff:all" in tokens


def test_establishment_may_forbid_students_to_write_to_teachers(school: World) -> None:
    establishment = school.a.establishment
    establishment.habilitation_overrides = {"student": {"messaging.write_to_teachers": False}}
    establishment.save()
    assert not may_write(school, "a", "student", "teacher")
    assert may_write(school, "a", "student", "head")


def test_the_territory_ceiling_bounds_the_establishments_adjustments(school: World) -> None:
    """A territory that lets establishments adjust nothing for students keeps the defaults."""
    school.north.habilitation_ceiling = {"student": []}
    school.north.save()
    establishment = school.a.establishment
    establishment.habilitation_overrides = {"student": {"messaging.write_to_teachers": False}}
    establishment.save()
    assert may_write(school, "a", "student", "teacher")


def test_a_recipient_may_always_answer_the_sender(school: World) -> None:
    a = school.a
    scope = scope_of(a.student)
    assert not access.writable_people(scope).filter(pk=a.teacher2.pk).exists()
    assert access.writable_people(scope, reply_to_sender_id=a.teacher2.pk).filter(pk=a.teacher2.pk).exists()


def test_picker_offers_only_allowed_people(school: World, client_for: Any) -> None:
    a = school.a
    url = reverse("messaging:recipient-search")
    page = client_for(a.student).get(url, {"q": "autre"}).content.decode()
    assert a.teacher2.last_name not in page and a.student2.last_name not in page
    page = client_for(a.student).get(url, {"q": a.teacher.last_name}).content.decode()
    assert f'value="user:{a.teacher.pk}"' in page
    page = client_for(a.teacher).get(url, {"q": "autre"}).content.decode()
    assert f'value="user:{a.teacher2.pk}"' in page and f'value="user:{a.student2.pk}"' in page


@pytest.mark.parametrize("token", ["user:{parent2}", "class-guardians:{class2}", "staff:all", "user:{other_est}"])
def test_forged_recipients_are_refused_with_a_clear_error(school: World, client_for: Any, token: str) -> None:
    a = school.a
    forged = token.format(parent2=a.parent2.pk, class2=a.class2.pk, other_est=school.c.teacher.pk)
    response = client_for(a.student).post(
        reverse("messaging:compose"),
        {"subject": "Hi", "body": "Hello", "recipients": [f"user:{a.teacher.pk}", forged]},
    )
    assert response.status_code == 200
    assert "You may not write to some of the" in response.content.decode()
    assert not Message.objects.exists() and not Delivery.objects.exists()


def test_student_writes_to_own_teacher_through_the_form(school: World, client_for: Any) -> None:
    a = school.a
    response = client_for(a.student).post(
        reverse("messaging:compose"), {"subject": "Devoir", "body": "Bonjour", "recipients": [f"user:{a.teacher.pk}"]}
    )
    message = Message.objects.get()
    assert response.status_code == 302 and response.url == reverse("messaging:message-detail", args=[message.pk])
    assert set(Delivery.objects.values_list("recipient_id", "folder")) == {
        (a.student.pk, "sent"),
        (a.teacher.pk, "inbox"),
    }


@pytest.mark.parametrize("sender", ["student", "parent"])
def test_last_years_teachers_are_no_longer_my_teachers(school: World, sender: str) -> None:
    a = school.a
    old_class, old_group = last_year_places(school)
    old_teacher = f.person(a.establishment, Role.TEACHER, username="oldteacher.a", last_name="Ancien")
    f.TeachingFactory(
        establishment=a.establishment,
        school_class=None,
        teaching_group=old_group,
        teacher=old_teacher,
        subject=a.subject,
    )
    f.TeachingFactory(school_class=old_class, teacher=old_teacher, subject=a.subject)
    a.people["oldteacher"] = old_teacher

    assert may_write(school, "a", sender, "teacher") is True
    assert may_write(school, "a", sender, "oldteacher") is False
