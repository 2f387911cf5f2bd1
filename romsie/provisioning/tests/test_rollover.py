"""A new school year: the next feed fills it, the previous year stays as it was, out of reach."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.urls import reverse

from romsie.core.testing.factories import UserFactory
from romsie.establishments.models import Establishment
from romsie.identity.models import Role, RoleAssignment, StaffFunction
from romsie.provisioning import services
from romsie.schooling.models import Enrollment, SchoolClass, SchoolYear, Teaching

from .helpers import aaf_import

pytestmark = pytest.mark.django_db


def test_rollover_then_feed_fills_the_new_year_and_keeps_the_last_one(
    college: Establishment, aaf_dir: Path, client_for
) -> None:
    aaf_import(aaf_dir)
    old_year = SchoolYear.objects.get(establishment=college, is_current=True)
    old_classes = set(SchoolClass.objects.filter(school_year=old_year).values_list("pk", flat=True))
    old_enrollments = set(Enrollment.objects.filter(school_class__school_year=old_year).values_list("pk", flat=True))
    old_teachings = Teaching.objects.filter(establishment=college).count()
    assert len(old_classes) == 4 and len(old_enrollments) == 120

    new_year = services.school_year_rollover(
        establishment=college,
        new_name="2099-2100",
        starts_on=datetime.date(2099, 9, 1),
        ends_on=datetime.date(2100, 7, 4),
    )
    assert list(SchoolYear.objects.filter(establishment=college, is_current=True)) == [new_year]

    plan = aaf_import(aaf_dir)

    assert not plan.errors
    new_classes = SchoolClass.objects.filter(school_year=new_year)
    assert new_classes.count() == 4
    assert set(new_classes.values_list("code", flat=True)) == set(
        SchoolClass.objects.filter(pk__in=old_classes).values_list("code", flat=True)
    )
    # Every student is enrolled in the new year's class; last year's enrollments are untouched.
    assert Enrollment.objects.filter(school_class__school_year=new_year).count() == 120
    assert set(Enrollment.objects.filter(school_class__school_year=old_year).values_list("pk", flat=True)) == (
        old_enrollments
    )
    assert Teaching.objects.filter(establishment=college).count() >= old_teachings
    # Nobody left: the same people keep their accounts across years.
    assert not RoleAssignment.objects.filter(establishment=college, is_active=False).exists()

    # Last year is read-only: its classes are out of the administration's reach.
    head = UserFactory()
    RoleAssignment.objects.create(user=head, establishment=college, role=Role.STAFF, function=StaffFunction.HEAD)
    client = client_for(head)
    old_class = SchoolClass.objects.filter(pk__in=old_classes).first()
    new_class = new_classes.first()
    assert old_class is not None and new_class is not None
    assert client.get(reverse("administration:class-update", kwargs={"pk": old_class.pk})).status_code == 404
    assert client.get(reverse("administration:class-update", kwargs={"pk": new_class.pk})).status_code == 200


def test_rollover_twice_to_the_same_year_is_harmless(college: Establishment) -> None:
    for _ in range(2):
        services.school_year_rollover(
            establishment=college, new_name="2099-2100", starts_on=datetime.date(2099, 9, 1),
            ends_on=datetime.date(2100, 7, 4),
        )  # fmt: skip
    assert SchoolYear.objects.filter(establishment=college).count() == 1
