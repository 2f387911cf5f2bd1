"""Lists of the administration cost the same number of queries whatever their length."""

import pytest
from django.urls import reverse

from romsie.core.testing.factories import EnrollmentFactory, EstablishmentFactory, SchoolClassFactory, person
from romsie.identity.models import Role

# Session, user, scope (2), the person with roles and classes (3), guardian links (2), account
# rights, the three choice lists (classes, roles, adults), the header's unread notification count
# (cold cache): over the brief's 6 for a detail page; the choice lists are the first thing to move
# behind a search.
PERSON_PAGE_QUERIES = 13


@pytest.mark.parametrize("rows", [1, 50])
def test_class_list(world, client_for, django_assert_num_queries, rows):
    for i in range(rows):
        SchoolClassFactory(establishment=world.a.establishment, name=f"5e {i}", homeroom_teacher=world.a.teacher)
    client = client_for(world.a.head)
    # session, user, scope (roles, territory admins), count, page with levels and teachers,
    # unread notifications (header badge, cold cache)
    with django_assert_num_queries(7):
        assert client.get(reverse("administration:class-list")).status_code == 200


@pytest.mark.parametrize("rows", [1, 50])
def test_activation_follow_up(world, client_for, django_assert_num_queries, rows):
    for i in range(rows):
        school_class = SchoolClassFactory(establishment=world.a.establishment, name=f"5e {i}")
        EnrollmentFactory(
            school_class=school_class, student=person(world.a.establishment, Role.STUDENT, username=f"pupil.{i}")
        )
    client = client_for(world.a.head)
    # session, user, scope (roles, territory admins), classes with their three counts, unread
    # notifications (header badge, cold cache)
    with django_assert_num_queries(6):
        assert client.get(reverse("administration:activation-list")).status_code == 200


@pytest.mark.parametrize("rows", [1, 50])
def test_territory_establishments(world, client_for, django_assert_num_queries, rows):
    for i in range(rows):
        school = EstablishmentFactory(territory=world.north, name=f"École {i}")
        person(school, Role.TEACHER, username=f"teacher.{i}")
    client = client_for(world.territory_admin)
    # session, user, scope (roles, territory admins), count, page, territories, unread notifications
    with django_assert_num_queries(8):
        assert client.get(reverse("administration:territory-home")).status_code == 200


@pytest.mark.parametrize("rows", [1, 50])
def test_student_page(world, client_for, django_assert_num_queries, rows):
    """A student's page costs the same whatever the number of classes and adults to choose from."""
    for i in range(rows):
        SchoolClassFactory(establishment=world.a.establishment, name=f"5e {i}", code=f"5X{i}")
        person(world.a.establishment, Role.PARENT, username=f"adult.{i}")
    client = client_for(world.a.head)
    with django_assert_num_queries(PERSON_PAGE_QUERIES):
        response = client.get(reverse("administration:person-detail", args=[world.a.student.pk]))
    assert response.status_code == 200
