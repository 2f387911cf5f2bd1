"""Audiences: who matches "for these roles, narrowed to these levels and classes".

The idiom is an abstract model: these tests use the concrete ``Notice`` of ``notices.py``.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from romsie.core.errors import ApplicationError
from romsie.core.testing import factories as f
from romsie.core.testing.world import World
from romsie.establishments.models import Establishment
from romsie.identity.models import User
from romsie.schooling import audiences
from romsie.schooling.audiences import STAFF, STUDENTS, TEACHERS, AudienceChoice
from romsie.schooling.models import Level
from romsie.schooling.tests import notices

notice_model = notices.notice_model  # the fixture


def scope_of(client_for: Any, person: User) -> Any:
    return client_for(person).get(reverse("core:dashboard")).wsgi_request.scope


def notice(model: type[audiences.Audience], establishment: Establishment, choice: AudienceChoice) -> Any:
    row = model._default_manager.create(establishment=establishment, title="x")
    audiences.audience_apply(row, choice)
    return row


def people_of(row: Any) -> set[int]:
    return set(User.objects.filter(pk__in=audiences.audience_people(row)).values_list("pk", flat=True))


def seen_by(model: type[audiences.Audience], client_for: Any, person: User) -> set[int]:
    scope = scope_of(client_for, person)
    return set(model._default_manager.filter(audiences.visible_q(model, scope)).values_list("pk", flat=True))


def test_nothing_chosen_is_everyone_of_the_establishment_only(world: World, client_for: Any, notice_model: Any) -> None:
    everyone = notice(notice_model, world.a.establishment, AudienceChoice())
    assert everyone.audience_roles == list(audiences.ROLES)
    for person in (world.a.student, world.a.parent, world.a.teacher, world.a.head, world.a.office):
        assert seen_by(notice_model, client_for, person) == {everyone.pk}, person
    for person in (world.b.student, world.b.parent, world.b.teacher, world.b.head, world.c.head):
        assert seen_by(notice_model, client_for, person) == set(), person
    people = people_of(everyone)
    assert {world.a.student.pk, world.a.parent.pk, world.a.teacher.pk, world.a.head.pk} <= people
    assert not people & {world.b.student.pk, world.b.head.pk, world.a.partner.pk}


def test_a_class_reaches_its_students_their_parents_and_its_teachers(
    world: World, client_for: Any, notice_model: Any
) -> None:
    a = world.a
    row = notice(notice_model, a.establishment, AudienceChoice.of(classes=[a.school_class.pk]))
    assert seen_by(notice_model, client_for, a.student) == {row.pk}
    assert seen_by(notice_model, client_for, a.parent) == {row.pk}  # through the child's class
    assert seen_by(notice_model, client_for, a.teacher) == {row.pk}  # teaches the class
    assert seen_by(notice_model, client_for, a.head) == {row.pk}  # staff: establishment-wide
    assert seen_by(notice_model, client_for, a.student2) == set()  # another class
    assert seen_by(notice_model, client_for, a.parent2) == set()
    people = people_of(row)
    assert {a.student.pk, a.parent.pk, a.teacher.pk, a.head.pk} <= people
    assert not people & {a.student2.pk, a.parent2.pk}


def test_a_level_reaches_every_class_of_that_level(world: World, client_for: Any, notice_model: Any) -> None:
    a = world.a
    other_level = Level.objects.get(code="5E")
    fifth = f.SchoolClassFactory(establishment=a.establishment, level=other_level, name="5e A", code="5A")
    fifth_student = f.person(a.establishment, "student", username="fifth.a")
    f.EnrollmentFactory(school_class=fifth, student=fifth_student)
    row = notice(notice_model, a.establishment, AudienceChoice.of({STUDENTS}, levels=[a.school_class.level_id]))
    assert seen_by(notice_model, client_for, a.student) == {row.pk}
    assert seen_by(notice_model, client_for, a.student2) == {row.pk}  # same level, other class
    assert seen_by(notice_model, client_for, fifth_student) == set()
    assert seen_by(notice_model, client_for, a.parent) == set()  # students only
    assert seen_by(notice_model, client_for, a.teacher) == set()


def test_roles_narrow_who_matches(world: World, client_for: Any, notice_model: Any) -> None:
    a = world.a
    teachers = notice(notice_model, a.establishment, AudienceChoice.of({TEACHERS}))
    staff = notice(notice_model, a.establishment, AudienceChoice.of({STAFF}, classes=[a.class2.pk]))
    assert seen_by(notice_model, client_for, a.teacher) == {teachers.pk}
    assert seen_by(notice_model, client_for, a.head) == {staff.pk}  # staff ignore the narrowing
    assert seen_by(notice_model, client_for, a.student) == set()
    assert people_of(teachers) == {a.teacher.pk}


def test_another_establishments_class_is_refused_and_nothing_changes(world: World, notice_model: Any) -> None:
    row = notice(notice_model, world.a.establishment, AudienceChoice.of({STUDENTS}))
    with pytest.raises(ApplicationError):
        audiences.audience_apply(row, AudienceChoice.of(classes=[world.b.school_class.pk]))
    row.refresh_from_db()
    assert row.audience_roles == [STUDENTS] and not row.is_narrowed and not row.school_classes.exists()


def test_the_form_fields_offer_the_scopes_levels_and_classes_only(world: World, client_for: Any) -> None:
    from django import forms

    scope = scope_of(client_for, world.a.head)

    class AudienceForm(forms.Form):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.fields.update(audiences.audience_fields(scope))

    token = f"class:{world.a.class2.pk}"
    form = AudienceForm({"audience_roles": [STUDENTS], "audience_groups": [token]})
    assert form.is_valid(), form.errors
    assert audiences.audience_choice(form.cleaned_data) == AudienceChoice.of({STUDENTS}, classes=[world.a.class2.pk])
    forged = AudienceForm({"audience_groups": [f"class:{world.b.school_class.pk}"]})
    assert not forged.is_valid()
