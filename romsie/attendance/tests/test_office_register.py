"""The day's register: per class, per student, with a query count that does not grow with the school."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from romsie.attendance.models import Absence
from romsie.core.testing import factories as f
from romsie.identity.models import Role
from romsie.schooling.models import GroupMembership, Teaching

from .builders import enable
from .builders_office import absence_for, at, called, exemption_for, lateness_for, session_on

URL = reverse("attendance:register")


@pytest.fixture(autouse=True)
def _english(english: None) -> None:
    """These tests read pages in English."""


def _grow(world, classes: int, students: int) -> None:
    """Add classes of students to establishment ``a``, each with a called session and some absent."""
    ew = world.a
    today = timezone.localdate()
    for n in range(classes):
        school_class = f.SchoolClassFactory(establishment=ew.establishment, name=f"5e {n}", code=f"5{n}")
        people = [
            f.person(ew.establishment, Role.STUDENT, username=f"s{n}.{i}", last_name=f"Eleve{n}x{i}")
            for i in range(students)
        ]
        for person in people:
            f.EnrollmentFactory(school_class=school_class, student=person)
        teaching = f.TeachingFactory(school_class=school_class, teacher=ew.teacher, subject=ew.subject)
        session = session_on(teaching, today, 10)
        session_on(teaching, today, 14)
        called(session, ew.teacher, {people[0]: "absent", people[1]: "late"})
        absence_for(ew, student=people[2])
        absence_for(ew, student=people[3], kind=Absence.Kind.OUT_OF_SCHOOL)
        lateness_for(ew, student=people[4])


def _queries(client, url: str) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.context["register"]


def test_the_register_shows_each_class_and_who_is_away(world, client_for):
    enable(world.a, world.c)
    today = timezone.localdate()
    session = session_on(world.a.teaching, today, 9)
    called(session, world.a.teacher, {world.a.student: "absent"})
    absence_for(world.a, student=world.a.student2, kind=Absence.Kind.OUT_OF_SCHOOL)
    page = client_for(world.a.school_life).get(URL).content.decode()
    assert world.a.school_class.name in page and world.a.class2.name in page
    assert "1 of 1 sessions called" in page
    assert world.a.student.last_name in page and world.a.student2.last_name in page
    assert "Out of school" in page
    assert world.c.school_class.name not in page


def test_a_class_shows_a_cell_per_student_and_session(world, client_for):
    enable(world.a)
    today = timezone.localdate()
    first = session_on(world.a.teaching, today, 9)
    session_on(world.a.teaching, today, 11)
    called(first, world.a.teacher, {world.a.student: "late"})
    exemption_for(world.a)
    response = client_for(world.a.school_life).get(URL, {"class": world.a.school_class.pk})
    page = response.content.decode()
    rows = response.context["register"].rows
    assert [r.student for r in rows] == [world.a.student]
    assert [c.state for c in rows[0].cells] == ["late", "exempt"]
    assert "Late 5 min" in page and "Exempted" in page and "certificate" in page


def test_a_known_absence_and_an_uncalled_session_show_as_such(world, client_for):
    enable(world.a)
    today = timezone.localdate()
    session_on(world.a.teaching, today, 9)
    session_on(world.a.teaching, today, 14)
    Absence.objects.create(
        establishment=world.a.establishment, student=world.a.student, starts_at=at(today, 8), ends_at=at(today, 12)
    )
    response = client_for(world.a.school_life).get(URL, {"class": world.a.school_class.pk})
    assert [c.state for c in response.context["register"].rows[0].cells] == ["known", "uncalled"]


def test_a_group_session_shows_only_for_its_members(world, client_for):
    enable(world.a)
    ew = world.a
    other = f.person(ew.establishment, Role.STUDENT, username="nongroup.a", last_name="Zola")
    f.EnrollmentFactory(school_class=ew.school_class, student=other)
    group = f.TeachingGroupFactory(establishment=ew.establishment, name="Latin")
    group.school_classes.add(ew.school_class)
    GroupMembership.objects.create(establishment=ew.establishment, teaching_group=group, student=ew.student)
    teaching = Teaching.objects.create(
        establishment=ew.establishment, teacher=ew.teacher, subject=ew.subject, teaching_group=group
    )
    session_on(teaching, timezone.localdate(), 15)
    response = client_for(ew.school_life).get(URL, {"class": ew.school_class.pk})
    cells = {r.student.pk: [c.state for c in r.cells] for r in response.context["register"].rows}
    assert cells == {ew.student.pk: ["uncalled"], other.pk: ["none"]}


def test_another_establishments_class_is_not_found(world, client_for):
    enable(world.a, world.c)
    response = client_for(world.a.school_life).get(URL, {"class": world.c.school_class.pk})
    assert response.status_code == 404


def test_a_bad_date_shows_today(world, client_for):
    enable(world.a)
    response = client_for(world.a.head).get(URL, {"date": "2026-13-45", "class": "9" * 40})
    assert response.status_code == 200
    assert response.context["register"].day == timezone.localdate()


def test_another_day_is_shown(world, client_for):
    enable(world.a)
    day = timezone.localdate() - datetime.timedelta(days=3)
    response = client_for(world.a.head).get(URL, {"date": day.isoformat()})
    assert response.context["register"].day == day


@pytest.mark.parametrize("per_class", [False, True], ids=["classes", "one-class"])
def test_the_register_costs_the_same_for_a_small_and_a_large_school(world, client_for, per_class):
    enable(world.a)
    client = client_for(world.a.school_life)
    client.get(URL)  # warm the session and caches

    def url() -> str:
        return f"{URL}?class={world.a.school_class.pk}" if per_class else URL

    small, _ = _queries(client, url())
    _grow(world, classes=6, students=12)
    session_on(world.a.teaching, timezone.localdate(), 8)
    large, register = _queries(client, url())
    assert len(register.classes) == 8
    assert sum(len(c.absent) + len(c.late) + len(c.out) for c in register.classes) == 6 * 5
    assert small == large
    assert large == (QUERIES_ONE_CLASS if per_class else QUERIES_CLASSES)


QUERIES_CLASSES = 10  # sign-in, scope and service switch, then seven reads of the day
QUERIES_ONE_CLASS = 13  # the same, the class, its students and their groups
