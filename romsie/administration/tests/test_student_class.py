"""Placing a student in a class of the current year, or moving them to another one."""

from django.urls import reverse

from romsie.core.models import AuditEvent
from romsie.schooling.models import Enrollment


def url(student) -> str:
    return reverse("administration:student-class-update", args=[student.pk])


def classes_of(student) -> list[str]:
    return sorted(Enrollment.objects.filter(student=student).values_list("school_class__name", flat=True))


def test_head_moves_a_student_to_another_class(world, client_for):
    response = client_for(world.a.head).post(url(world.a.student), {"placement-school_class": world.a.class2.pk})
    assert response.status_code == 302
    assert classes_of(world.a.student) == [world.a.class2.name]
    assert AuditEvent.objects.filter(action="schooling.student_class_set").count() == 1
    page = client_for(world.a.head).get(reverse("administration:person-detail", args=[world.a.student.pk]))
    assert page.context["class_form"].initial["school_class"] == world.a.class2


def test_student_can_be_left_without_a_class(world, client_for):
    client_for(world.a.digital_lead).post(url(world.a.student), {"placement-school_class": ""})
    assert classes_of(world.a.student) == []


def test_another_establishments_class_is_refused_and_nothing_changes(world, client_for):
    response = client_for(world.a.head).post(url(world.a.student), {"placement-school_class": world.c.school_class.pk})
    assert response.status_code == 200
    assert "school_class" in response.context["class_form"].errors
    assert classes_of(world.a.student) == [world.a.school_class.name]


def test_another_establishments_student_is_not_found(world, client_for):
    response = client_for(world.a.head).post(url(world.c.student), {"placement-school_class": world.a.class2.pk})
    assert response.status_code == 404
    assert classes_of(world.c.student) == [world.c.school_class.name]


def test_a_teacher_cannot_move_students(world, client_for):
    response = client_for(world.a.teacher).post(url(world.a.student), {"placement-school_class": world.a.class2.pk})
    assert response.status_code == 403
    assert classes_of(world.a.student) == [world.a.school_class.name]


def test_only_students_have_a_class(world, client_for):
    response = client_for(world.a.head).post(url(world.a.teacher), {"placement-school_class": world.a.class2.pk})
    assert response.status_code == 404
