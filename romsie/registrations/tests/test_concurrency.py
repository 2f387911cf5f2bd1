"""Many guardians register at once for the last place: exactly one place taken, the others waiting, no error.

Real concurrent service calls, each with its own connection, on PostgreSQL; skipped on SQLite.
"""

from __future__ import annotations

from romsie.core.errors import ApplicationError
from romsie.core.testing import factories as f
from romsie.core.testing.concurrency import committed_db, run_concurrently, skip_unless_postgresql
from romsie.core.testing.factories import scope_of
from romsie.identity.models import Role
from romsie.registrations import services
from romsie.registrations.models import Registration

from .builders import activity_in

pytestmark = committed_db

COUNT = 20


def test_twenty_concurrent_registrations_for_one_place_give_one_place_and_a_waiting_list(reg_world):
    skip_unless_postgresql()
    w = reg_world
    activity = activity_in(w.a, capacity=1)
    families = []
    for i in range(COUNT):
        child = f.person(w.a.establishment, Role.STUDENT, last_name=f"Race{i}")
        parent = f.person(w.a.establishment, Role.PARENT, last_name=f"RaceParent{i}")
        f.EnrollmentFactory(school_class=w.a.school_class, student=child)
        f.GuardianshipFactory(establishment=w.a.establishment, guardian=parent, student=child)
        families.append((scope_of(parent), child.pk))

    def work(i: int) -> Registration:
        scope, child_id = families[i]
        return services.registration_create(
            scope=scope, activity=activity, student_id=child_id, answers={}, consents={}
        )

    results = run_concurrently(COUNT, work)

    errors = [r for r in results if isinstance(r, BaseException)]
    assert errors == [], f"no registration may fail: {errors[:3]}"
    statuses = sorted(r.status for r in results if isinstance(r, Registration))
    assert statuses.count(Registration.Status.REGISTERED) == 1
    assert statuses.count(Registration.Status.WAITING) == COUNT - 1
    assert Registration.objects.filter(activity=activity, status=Registration.Status.REGISTERED).count() == 1


def test_concurrent_double_registrations_of_one_child_make_one(reg_world):
    skip_unless_postgresql()
    w = reg_world
    activity = activity_in(w.a, capacity=5)
    scope = scope_of(w.a.parent)

    def work(i: int) -> object:
        try:
            return services.registration_create(
                scope=scope, activity=activity, student_id=w.a.student.pk, answers={}, consents={}
            )
        except ApplicationError as error:
            return error

    results = run_concurrently(10, work)

    assert sum(isinstance(r, Registration) for r in results) == 1
    assert all(isinstance(r, (Registration, ApplicationError)) for r in results), results
    assert Registration.objects.filter(activity=activity).count() == 1
