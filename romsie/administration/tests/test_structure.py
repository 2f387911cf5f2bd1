"""The establishment's structure: classes, groups, subjects, rooms, teachings, years, periods."""

import datetime

import pytest
from django.urls import reverse

from romsie.core.models import AuditEvent
from romsie.core.testing.factories import SchoolYearFactory, TeachingGroupFactory
from romsie.schooling.models import (
    Enrollment,
    Level,
    Period,
    Room,
    SchoolClass,
    SchoolYear,
    Subject,
    Teaching,
    TeachingGroup,
)

ADMINS = ["head", "digital_lead"]
REFUSED = ["teacher", "parent", "student", "office", "librarian"]


def class_data(world, **overrides):
    data = {
        "name": "5e C",
        "code": "5C",
        "level": Level.objects.get(code="5E").pk,
        "homeroom_teacher": world.a.teacher.pk,
    }
    data.update(overrides)
    return data


def errors_of(response) -> str:
    form = response.context["form"]
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


@pytest.mark.parametrize("role", ADMINS)
def test_head_and_digital_lead_create_a_class_in_the_current_year(world, client_for, role):
    client = client_for(world.a.people[role])
    response = client.post(reverse("administration:class-create"), class_data(world))
    assert response.status_code == 302
    created = SchoolClass.objects.get(code="5C")
    assert created.establishment == world.a.establishment
    assert created.school_year.is_current
    assert created.homeroom_teacher == world.a.teacher
    listing = client.get(reverse("administration:class-list"))
    assert "5e C" in listing.content.decode()


@pytest.mark.parametrize("role", REFUSED)
def test_other_roles_may_not_manage_the_structure(world, client_for, role):
    client = client_for(world.a.people[role])
    assert client.get(reverse("administration:class-list")).status_code == 403
    assert client.post(reverse("administration:class-create"), class_data(world)).status_code == 403
    assert client.post(reverse("administration:subject-create"), {"code": "X", "name": "X"}).status_code == 403
    assert not SchoolClass.objects.filter(code="5C").exists()
    assert not Subject.objects.filter(code="X").exists()


@pytest.mark.parametrize("other", ["b", "c"])
def test_another_establishments_class_is_not_found_and_stays_unchanged(world, client_for, other):
    theirs = getattr(world, other).school_class
    client = client_for(world.a.head)
    assert client.get(reverse("administration:class-update", args=[theirs.pk])).status_code == 404
    response = client.post(reverse("administration:class-update", args=[theirs.pk]), class_data(world, name="Pwned"))
    assert response.status_code == 404
    assert client.post(reverse("administration:class-delete", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.name != "Pwned"


def test_every_structure_object_of_another_establishment_is_not_found(world, client_for):
    c = world.c
    group = TeachingGroupFactory(establishment=c.establishment)
    period = Period.objects.create(
        establishment=c.establishment,
        school_year=c.school_class.school_year,
        name="T1",
        starts_on=datetime.date(2026, 9, 1),
        ends_on=datetime.date(2026, 11, 30),
    )
    client = client_for(world.a.head)
    for entity, obj in [
        ("group", group),
        ("subject", c.subject),
        ("room", c.room),
        ("teaching", c.teaching),
        ("school-year", c.school_class.school_year),
        ("period", period),
    ]:
        for action in ("update", "delete"):
            url = reverse(f"administration:{entity}-{action}", args=[obj.pk])
            assert client.get(url).status_code == 404, url
            assert client.post(url, {}).status_code == 404, url
    assert Room.objects.filter(pk=c.room.pk).exists()
    assert Teaching.objects.filter(pk=c.teaching.pk).exists()


@pytest.mark.parametrize("other", ["b", "c"])
def test_a_forged_homeroom_teacher_of_another_establishment_is_a_form_error(world, client_for, other):
    response = client_for(world.a.head).post(
        reverse("administration:class-create"),
        class_data(world, homeroom_teacher=getattr(world, other).teacher.pk),
    )
    assert response.status_code == 200
    assert "homeroom_teacher" in response.context["form"].errors
    assert not SchoolClass.objects.filter(code="5C").exists()


def test_a_student_is_not_a_homeroom_teacher(world, client_for):
    response = client_for(world.a.head).post(
        reverse("administration:class-create"), class_data(world, homeroom_teacher=world.a.student.pk)
    )
    assert "homeroom_teacher" in response.context["form"].errors


def test_a_duplicate_class_code_is_refused_clearly(world, client_for):
    existing = world.a.school_class  # code "6Aa"
    response = client_for(world.a.head).post(
        reverse("administration:class-create"), class_data(world, code=existing.code.lower())
    )
    assert response.status_code == 200
    assert "already has this code" in errors_of(response)
    assert SchoolClass.objects.filter(establishment=world.a.establishment).count() == 2


def test_the_same_class_code_in_another_establishment_is_fine(world, client_for):
    response = client_for(world.a.head).post(
        reverse("administration:class-create"), class_data(world, code=world.c.school_class.code, name="Autre")
    )
    assert response.status_code == 302


def test_editing_a_class_keeps_its_own_code(world, client_for):
    mine = world.a.school_class
    response = client_for(world.a.head).post(
        reverse("administration:class-update", args=[mine.pk]),
        class_data(world, code=mine.code, name="6e A renamed", version=mine.version),
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.name == "6e A renamed"


def test_a_class_needs_a_current_school_year(world, client_for):
    SchoolYear.objects.filter(establishment=world.a.establishment).update(is_current=False)
    response = client_for(world.a.head).post(reverse("administration:class-create"), class_data(world))
    assert response.status_code == 200
    assert "no current school year" in " ".join(response.context["form"].non_field_errors())
    assert not SchoolClass.objects.filter(code="5C").exists()


def test_deleting_a_class_with_students_needs_a_confirmation(world, client_for):
    school_class = world.a.school_class
    client = client_for(world.a.head)
    url = reverse("administration:class-delete", args=[school_class.pk])
    page = client.get(url)
    assert "1 student is in this class." in page.content.decode()
    assert "1 teaching of this class will be deleted." in page.content.decode()
    refused = client.post(url, {})
    assert refused.status_code == 200
    assert "still has students" in " ".join(refused.context["form"].non_field_errors())
    assert SchoolClass.objects.filter(pk=school_class.pk).exists()

    confirmed = client.post(url, {"students_confirmed": "on"})
    assert confirmed.status_code == 302
    assert not SchoolClass.objects.filter(pk=school_class.pk).exists()
    assert not Enrollment.objects.filter(school_class_id=school_class.pk).exists()
    assert AuditEvent.objects.filter(action="schooling.class_deleted", actor=world.a.head).exists()


def test_an_empty_class_is_deleted_at_once(world, client_for):
    empty = SchoolClass.objects.create(
        establishment=world.a.establishment,
        school_year=world.a.school_class.school_year,
        level=Level.objects.get(code="4E"),
        name="4e Z",
        code="4Z",
    )
    response = client_for(world.a.digital_lead).post(reverse("administration:class-delete", args=[empty.pk]))
    assert response.status_code == 302
    assert not SchoolClass.objects.filter(pk=empty.pk).exists()


def test_a_teaching_group_gathers_classes_and_students_of_the_establishment(world, client_for):
    a = world.a
    response = client_for(a.head).post(
        reverse("administration:group-create"),
        {
            "name": "Espagnol LV2",
            "code": "ESP",
            "school_classes": [a.school_class.pk, a.class2.pk],
            "students": [a.student.pk, a.student2.pk],
        },
    )
    assert response.status_code == 302
    group = TeachingGroup.objects.get(code="ESP")
    assert set(group.school_classes.all()) == {a.school_class, a.class2}
    assert set(group.students.all()) == {a.student, a.student2}
    assert {m.establishment_id for m in group.memberships.all()} == {a.establishment.pk}


def test_a_forged_student_or_class_of_another_establishment_is_refused(world, client_for):
    response = client_for(world.a.head).post(
        reverse("administration:group-create"),
        {
            "name": "G",
            "code": "G",
            "school_classes": [world.c.school_class.pk],
            "students": [world.a.student.pk, world.c.student.pk],
        },
    )
    assert response.status_code == 200
    assert {"school_classes", "students"} <= set(response.context["form"].errors)
    assert not TeachingGroup.objects.filter(code="G").exists()


def test_duplicate_group_subject_and_room_names_are_refused(world, client_for):
    a = world.a
    TeachingGroupFactory(establishment=a.establishment, name="Latin", code="LAT")
    client = client_for(a.head)
    group = client.post(reverse("administration:group-create"), {"name": "latin", "code": "LAT2"})
    assert "already has this name" in errors_of(group)
    subject = client.post(reverse("administration:subject-create"), {"code": a.subject.code, "name": "Autre"})
    assert "Another subject already has this code." in errors_of(subject)
    room = client.post(reverse("administration:room-create"), {"name": a.room.name, "capacity": 30})
    assert "Another room already has this name." in errors_of(room)
    assert Subject.objects.filter(establishment=a.establishment).count() == 1
    assert Room.objects.filter(establishment=a.establishment).count() == 1


def test_subjects_and_rooms_are_created_and_edited(world, client_for):
    client = client_for(world.a.head)
    assert (
        client.post(reverse("administration:subject-create"), {"code": "061300", "name": "Histoire"}).status_code == 302
    )
    assert client.post(reverse("administration:room-create"), {"name": "CDI", "capacity": 40}).status_code == 302
    room = Room.objects.get(name="CDI", establishment=world.a.establishment)
    client.post(reverse("administration:room-update", args=[room.pk]), {"name": "CDI", "capacity": 45, "version": 0})
    room.refresh_from_db()
    assert room.capacity == 45
    assert client.post(reverse("administration:room-delete", args=[room.pk])).status_code == 302
    assert not Room.objects.filter(pk=room.pk).exists()


def teaching_data(world, **overrides):
    data = {"teacher": world.a.teacher.pk, "subject": world.a.subject.pk, "school_class": world.a.class2.pk}
    data.update(overrides)
    return data


def test_a_teaching_goes_to_a_class_or_a_group_exactly(world, client_for):
    a = world.a
    group = TeachingGroupFactory(establishment=a.establishment)
    client = client_for(a.head)
    neither = client.post(reverse("administration:teaching-create"), teaching_data(world, school_class=""))
    assert "Choose the class or the teaching group that is taught." in errors_of(neither)
    both = client.post(reverse("administration:teaching-create"), teaching_data(world, teaching_group=group.pk))
    assert "not both" in errors_of(both)
    assert "Constraint" not in errors_of(both)
    assert Teaching.objects.filter(establishment=a.establishment).count() == 1

    assert client.post(reverse("administration:teaching-create"), teaching_data(world)).status_code == 302
    to_group = client.post(
        reverse("administration:teaching-create"), teaching_data(world, school_class="", teaching_group=group.pk)
    )
    assert to_group.status_code == 302
    assert Teaching.objects.filter(establishment=a.establishment).count() == 3


def test_a_duplicate_teaching_is_refused(world, client_for):
    existing = world.a.teaching
    response = client_for(world.a.head).post(
        reverse("administration:teaching-create"), teaching_data(world, school_class=existing.school_class_id)
    )
    assert "already teaches this subject" in errors_of(response)


@pytest.mark.parametrize("field", ["teacher", "subject", "school_class"])
def test_a_forged_teaching_link_to_another_establishment_is_a_form_error(world, client_for, field):
    theirs = {"teacher": world.c.teacher.pk, "subject": world.c.subject.pk, "school_class": world.c.school_class.pk}
    response = client_for(world.a.head).post(
        reverse("administration:teaching-create"), teaching_data(world, **{field: theirs[field]})
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert Teaching.objects.filter(establishment=world.a.establishment).count() == 1


def test_a_new_current_school_year_replaces_the_previous_one(world, client_for):
    client = client_for(world.a.head)
    response = client.post(
        reverse("administration:school-year-create"),
        {"name": "2027-2028", "starts_on": "2027-09-01", "ends_on": "2028-07-04", "is_current": "on"},
    )
    assert response.status_code == 302
    current = SchoolYear.objects.filter(establishment=world.a.establishment, is_current=True)
    assert [y.name for y in current] == ["2027-2028"]
    # Other establishments keep their own current year.
    assert SchoolYear.objects.get(establishment=world.c.establishment).is_current


def test_a_school_year_with_classes_is_not_deleted(world, client_for):
    year = world.a.school_class.school_year
    response = client_for(world.a.head).post(reverse("administration:school-year-delete", args=[year.pk]))
    assert response.status_code == 200
    assert "delete them first" in " ".join(response.context["form"].non_field_errors())
    assert SchoolYear.objects.filter(pk=year.pk).exists()


def test_periods_lie_within_their_school_year(world, client_for):
    year = world.a.school_class.school_year
    client = client_for(world.a.head)
    outside = client.post(
        reverse("administration:period-create"),
        {"school_year": year.pk, "name": "T1", "starts_on": "2025-09-01", "ends_on": "2026-11-30"},
    )
    assert "within its school year" in errors_of(outside)
    inside = client.post(
        reverse("administration:period-create"),
        {"school_year": year.pk, "name": "T1", "starts_on": "2026-09-01", "ends_on": "2026-11-30"},
    )
    assert inside.status_code == 302
    other_year = SchoolYearFactory(establishment=world.c.establishment)
    forged = client.post(
        reverse("administration:period-create"),
        {"school_year": other_year.pk, "name": "T2", "starts_on": "2026-12-01", "ends_on": "2027-03-01"},
    )
    assert "school_year" in forged.context["form"].errors
    assert list(Period.objects.values_list("name", flat=True)) == ["T1"]
