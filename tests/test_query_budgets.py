"""Exact query counts of the main pages; list pages cost the same with 1 and 50 rows."""

import pytest
from django.test import Client
from django.urls import reverse

from romsie.core.testing.factories import TEST_PASSWORD, EnrollmentFactory, SubjectFactory, TeachingFactory, person
from romsie.identity.models import Role, RoleAssignment


def add_students(world, n: int) -> None:
    for i in range(n):
        student = person(world.a.establishment, Role.STUDENT, username=f"extra.{i}", last_name=f"Extra{i:03d}")
        EnrollmentFactory(school_class=world.a.school_class, student=student)


def test_sign_in_query_count(world, django_assert_num_queries):
    client = Client()
    # throttling (failures of the username here, usernames failed from the address); user
    # lookup; the person's second factor (none here); session key check, insert (in a
    # savepoint); expired and this username's failures cleared; last_login; scope (roles,
    # territory admin); connection log; session update (in a savepoint)
    with django_assert_num_queries(17):
        response = client.post(reverse("identity:sign-in"), {"username": "teacher.a", "password": TEST_PASSWORD})
    assert response.status_code == 302


# Cold: session, user, scope (roles, territory admin[, children]), then one query per widget
# (establishment, my card, my lessons, messages, news, to confirm, notes, latest blog posts, homework to do,
# next events; two for
# a family's school life: unjustified absences, last absences and lateness; one for a family's
# latest marks; one for a guardian's registrations open; for school life, the justifications to
# review; for teachers and staff, their next bookings; the polls to answer; the links: one's bookmarks, the pushed
# ones, and for a family the territory's family-service links), and
# the header's unread notification count. Warm: only the session and the user; the scope, the
# widgets and the unread count come from the cache, checked against version stamps.
@pytest.mark.parametrize(
    ("role", "cold", "warm"), [("teacher", 18, 2), ("parent", 23, 2), ("student", 22, 2), ("head", 17, 2)]
)
def test_dashboard_query_count(world, client_for, django_assert_num_queries, role, cold, warm):
    client = client_for(world.a.people[role])
    with django_assert_num_queries(cold):
        assert client.get(reverse("core:dashboard")).status_code == 200
    with django_assert_num_queries(warm):
        assert client.get(reverse("core:dashboard")).status_code == 200


def test_cached_scope_follows_a_role_change_at_once(world, client_for):
    client = client_for(world.a.teacher)
    assert client.get(reverse("administration:home")).status_code == 403
    RoleAssignment.objects.create(
        user=world.a.teacher, establishment=world.a.establishment, role=Role.STAFF, function="head"
    )
    assert client.get(reverse("administration:home")).status_code == 200
    RoleAssignment.objects.get(user=world.a.teacher, function="head").delete()
    assert client.get(reverse("administration:home")).status_code == 403


def test_cached_dashboard_card_follows_a_new_teaching_at_once(world, client_for):
    client = client_for(world.a.teacher)
    assert "Latin" not in client.get(reverse("core:dashboard")).content.decode()
    TeachingFactory(
        school_class=world.a.class2,
        teacher=world.a.teacher,
        subject=SubjectFactory(establishment=world.a.establishment, code="LAT", name="Latin"),
    )
    assert "Latin" in client.get(reverse("core:dashboard")).content.decode()


def test_cached_scope_follows_a_service_switch_at_once(world, client_for):
    client = client_for(world.a.student)
    assert client.get(reverse("directory:person-search")).status_code == 200
    world.a.establishment.enabled_services = []
    world.a.establishment.save()
    assert client.get(reverse("directory:person-search")).status_code == 403


@pytest.mark.parametrize("extra", [1, 50])
def test_directory_search_query_count_does_not_grow(world, client_for, django_assert_num_queries, extra):
    add_students(world, extra)
    client = client_for(world.a.teacher)
    with django_assert_num_queries(9):  # with the header's unread notification count
        response = client.get(reverse("directory:person-search"), {"q": "extra"})
    assert len(response.context["page_obj"].object_list) == min(extra, 25)


@pytest.mark.parametrize("extra", [1, 50])
def test_class_list_query_count_does_not_grow(world, client_for, django_assert_num_queries, extra):
    add_students(world, extra)
    for _ in range(min(extra, 5)):
        TeachingFactory(school_class=world.a.school_class)
    client = client_for(world.a.teacher)
    with django_assert_num_queries(8):  # with the header's unread notification count
        response = client.get(reverse("directory:class-detail", args=[world.a.school_class.pk]))
    assert len(response.context["listing"].students) == extra + 1


@pytest.mark.parametrize("extra", [1, 50])
def test_staff_list_query_count_does_not_grow(world, client_for, django_assert_num_queries, extra):
    for i in range(extra):
        person(world.a.establishment, Role.TEACHER, username=f"prof.{i}")
    client = client_for(world.a.student)
    with django_assert_num_queries(9):  # with the header's unread notification count
        assert client.get(reverse("directory:staff-list")).status_code == 200
