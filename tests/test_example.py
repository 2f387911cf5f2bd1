"""How we test in ROMSIE CE — read this file first.

This is an annotated example, not a test of one feature. Each test below shows one
habit of the house; copy the habit, not the test.

1. Use the shared ``world`` fixture (``romsie/core/testing/world.py``): three
   establishments — ``a`` (where the tests act), ``b`` (same territory) and ``c``
   (another territory) — each with one person per role. Every access test then has a
   "someone else's" case for free.
2. Sign people in with ``client_for(user)``; ``client_for(None)`` is an anonymous visitor.
3. Build extra data with the factories in ``romsie/core/testing/factories.py``; they
   keep related objects in the same establishment, so you cannot build a cross-tenant
   object by accident.
4. Name tests as behaviour ("test_parent_sees_only_own_children..."), share the setup
   between the allowed and the denied case, and on a denial assert that nothing changed.
5. Pin query counts exactly with ``django_assert_num_queries``; for lists, check 1 and 50
   rows cost the same.
6. Do not mock our own code. Mail goes through a real local SMTP server
   (``smtp_server`` fixture); browser journeys drive a real Chromium (tests/browser).
"""

import pytest
from django.urls import reverse

from romsie.core.testing.factories import EnrollmentFactory, person
from romsie.identity.models import Role


def test_teacher_opens_a_class_list_of_their_establishment(world, client_for):
    # Arrange: everything comes from the world; no ad-hoc setup needed.
    client = client_for(world.a.teacher)
    # Act: use URL names, never hard-coded paths.
    response = client.get(reverse("directory:class-detail", args=[world.a.school_class.pk]))
    # Assert on what the person sees (context or content), not only on the status.
    assert response.status_code == 200
    assert [s.username for s in response.context["listing"].students] == ["student.a"]


def test_another_establishments_class_is_not_found(world, client_for):
    # The denied twin of the test above: same person, an object of establishment c.
    # Another establishment's object is a 404 (not a 403): its existence is not revealed.
    response = client_for(world.a.teacher).get(reverse("directory:class-detail", args=[world.c.school_class.pk]))
    assert response.status_code == 404


def test_a_deactivation_refused_to_a_teacher_changes_nothing(world, client_for):
    # On a denial, assert that the data did not change.
    before = world.a.student.is_active
    response = client_for(world.a.teacher).get(reverse("administration:home"))
    assert response.status_code == 403
    world.a.student.refresh_from_db()
    assert world.a.student.is_active == before


@pytest.mark.parametrize("rows", [1, 50])
def test_class_list_costs_the_same_with_1_and_50_students(world, client_for, django_assert_num_queries, rows):
    # Build data with factories; they keep the establishment consistent.
    for i in range(rows):
        EnrollmentFactory(
            school_class=world.a.school_class,
            student=person(world.a.establishment, Role.STUDENT, username=f"pupil.{i}"),
        )
    client = client_for(world.a.teacher)
    # The exact number, not "at most": a new query must be a decision, not an accident.
    # (The header's unread notification count is one of them: the cache starts empty.)
    with django_assert_num_queries(8):
        client.get(reverse("directory:class-detail", args=[world.a.school_class.pk]))
