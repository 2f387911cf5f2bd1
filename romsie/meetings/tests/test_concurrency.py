"""Fifty guardians book the same slot at once: exactly one wins, every other is told which slot went.

Real requests from threads, each with its own connection, on PostgreSQL; skipped on SQLite.
"""

from __future__ import annotations

from django.urls import reverse

from romsie.core.testing import factories as f
from romsie.core.testing.concurrency import committed_db, run_concurrently, skip_unless_postgresql
from romsie.identity.models import Role
from romsie.meetings.models import Appointment

from .builders import enable, evening_for, slots_for

# serialized_rollback: the flush after the test would otherwise remove the rows data migrations made.
pytestmark = committed_db

COUNT = 50


def test_fifty_guardians_racing_for_one_slot_make_one_appointment_and_no_error(world, client_for):
    skip_unless_postgresql()
    a = world.a
    enable(a)
    evening = evening_for(a)
    slot = slots_for(evening, a.teacher, count=1, room=a.room)[0]
    families = []
    for index in range(COUNT):
        parent = f.person(a.establishment, Role.PARENT, username=f"racer.parent{index}")
        child = f.person(a.establishment, Role.STUDENT, username=f"racer.child{index}")
        f.GuardianshipFactory(establishment=a.establishment, guardian=parent, student=child)
        f.EnrollmentFactory(school_class=a.school_class, student=child)
        families.append((client_for(parent), child))
    url = reverse("meetings:booking", args=[evening.pk])
    field = lambda child: f"c{child.pk}-t{a.teacher.pk}"  # noqa: E731

    results = run_concurrently(COUNT, lambda i: families[i][0].post(url, {field(families[i][1]): slot.pk}))

    errors = [r for r in results if isinstance(r, BaseException)]
    assert errors == [], f"no request may fail (500): {errors[:3]}"
    won = [r for r in results if r.status_code == 302]
    assert len(won) == 1
    assert Appointment.objects.filter(slot=slot).count() == 1
    for response in results:
        if response.status_code == 302:
            continue
        assert response.status_code == 200
        page = response.content.decode()
        assert "Someone has just booked" in page and a.teacher.get_full_name() in page


def test_one_guardians_two_submissions_at_once_cannot_overlap(world, client_for):
    """The guardian's row is locked: the second submission sees the first and refuses the overlap."""
    skip_unless_postgresql()
    a = world.a
    enable(a)
    assert a.class2 is not None and a.student2 is not None
    f.GuardianshipFactory(establishment=a.establishment, guardian=a.parent, student=a.student2)
    other = f.person(a.establishment, Role.TEACHER, username="other.teacher")
    f.TeachingFactory(school_class=a.class2, teacher=other, subject=a.subject)
    evening = evening_for(a, a.school_class, a.class2)
    mine = slots_for(evening, a.teacher, count=1, room=a.room)[0]
    theirs = slots_for(evening, other, count=1, room=a.room)[0]  # the same time
    url = reverse("meetings:booking", args=[evening.pk])
    bodies = [{f"c{a.student.pk}-t{a.teacher.pk}": mine.pk}, {f"c{a.student2.pk}-t{other.pk}": theirs.pk}]
    clients = [client_for(a.parent), client_for(a.parent)]

    results = run_concurrently(2, lambda i: clients[i].post(url, bodies[i]))

    assert not [r for r in results if isinstance(r, BaseException)]
    assert sorted(r.status_code for r in results) == [200, 302]
    assert Appointment.objects.filter(guardian=a.parent).count() == 1
