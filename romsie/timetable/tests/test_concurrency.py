"""Concurrent bookings of one room or one teacher: exactly one wins, the others are told why.

These fire real requests from threads, each with its own connection, on PostgreSQL (the row
locks of ``services.lock_room_and_teacher``); they are skipped on SQLite.
"""

from __future__ import annotations

import datetime

from django.urls import reverse

from romsie.core.testing import factories as f
from romsie.core.testing.concurrency import committed_db, run_concurrently, skip_unless_postgresql
from romsie.identity.models import Role
from romsie.schooling.models import SchoolYear, Teaching
from romsie.timetable.models import Lesson, Session

# serialized_rollback: the flush after each test would otherwise remove the rows data migrations
# made (levels...), which the next test's world needs.
pytestmark = committed_db

COUNT = 12
TARGET = datetime.date(2026, 9, 14)


def _session(year: SchoolYear, teaching: Teaching, date: datetime.date, hour: int) -> Session:
    defaults = {"establishment_id": teaching.establishment_id, "school_year": year, "ends_at": datetime.time(hour, 55)}
    lesson, _ = Lesson.objects.get_or_create(
        teaching=teaching, weekday=date.weekday(), starts_at=datetime.time(hour), weeks="", defaults=defaults
    )
    return Session.objects.create(
        establishment_id=teaching.establishment_id, lesson=lesson, teaching=teaching, teacher_id=teaching.teacher_id,
        date=date, starts_at=datetime.time(hour), ends_at=datetime.time(hour, 55), planned_date=date,
        planned_starts_at=datetime.time(hour), planned_teacher_id=teaching.teacher_id,
    )  # fmt: skip


def _teachings(world, count: int) -> list[Teaching]:
    a = world.a
    return [
        f.TeachingFactory(school_class=a.school_class, subject=a.subject,
                          teacher=f.person(a.establishment, Role.TEACHER, username=f"teacher.busy{i}"))
        for i in range(count)
    ]  # fmt: skip


def _move(client, session: Session, **fields):
    data = {"date": TARGET.isoformat(), "starts_at": "14:00", "ends_at": "15:00", "teacher": session.teacher_id,
            "version": 0, **fields}  # fmt: skip
    return client.post(reverse("timetable:session-change", args=[session.pk]), data)


def _outcome(results: list) -> tuple[list, list]:
    errors = [r for r in results if isinstance(r, BaseException)]
    assert errors == [], f"no request may fail (500): {errors[:3]}"
    won = [r for r in results if r.status_code == 302]
    refused = [r for r in results if r.status_code == 200]
    assert len(won) + len(refused) == len(results)
    return won, refused


def test_concurrent_moves_of_different_sessions_into_one_room_book_it_once(world, year, client_for):
    skip_unless_postgresql()
    room = world.a.room
    sessions = [_session(year, t, datetime.date(2026, 9, 15) + datetime.timedelta(days=i), 10)
                for i, t in enumerate(_teachings(world, COUNT))]  # fmt: skip
    clients = [client_for(world.a.head) for _ in sessions]

    results = run_concurrently(COUNT, lambda i: _move(clients[i], sessions[i], room=room.pk))

    won, refused = _outcome(results)
    assert len(won) == 1
    assert all(f"Room {room.name} is already taken at that time." in r.content.decode() for r in refused)
    booked = Session.objects.filter(room=room, date=TARGET, starts_at=datetime.time(14)).exclude(
        status=Session.Status.CANCELLED
    )
    assert booked.count() == 1
    assert Session.objects.filter(pk__in=[s.pk for s in sessions], version__gt=0).count() == 1


def test_concurrent_moves_of_one_teachers_sessions_to_one_time_keep_them_apart(world, year, client_for):
    skip_unless_postgresql()
    teaching = world.a.teaching
    sessions = [_session(year, teaching, datetime.date(2026, 9, 15) + datetime.timedelta(days=i), 10)
                for i in range(COUNT)]  # fmt: skip
    clients = [client_for(world.a.head) for _ in sessions]

    results = run_concurrently(COUNT, lambda i: _move(clients[i], sessions[i]))

    won, refused = _outcome(results)
    assert len(won) == 1
    assert all("This teacher already teaches at that time." in r.content.decode() for r in refused)
    assert Session.objects.filter(teacher=world.a.teacher, date=TARGET, starts_at=datetime.time(14)).count() == 1


def test_concurrent_weekly_lessons_in_one_room_at_one_time_are_created_once(world, year, client_for):
    skip_unless_postgresql()
    room = world.a.room
    teachings = _teachings(world, COUNT)
    clients = [client_for(world.a.head) for _ in teachings]

    def create(i: int):
        data = {"teaching": teachings[i].pk, "weekday": 2, "starts_at": "14:00", "ends_at": "15:00", "weeks": "",
                "room": room.pk}  # fmt: skip
        return clients[i].post(reverse("timetable:lesson-create"), data)

    won, refused = _outcome(run_concurrently(COUNT, create))
    assert len(won) == 1
    assert all(f"Room {room.name} is already taken at that time." in r.content.decode() for r in refused)
    assert Lesson.objects.filter(room=room, weekday=2, starts_at=datetime.time(14)).count() == 1
