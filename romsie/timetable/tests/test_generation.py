"""Sessions follow the lessons and the calendar: A/B weeks, holidays, changes of lessons."""

from __future__ import annotations

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from romsie.timetable import services
from romsie.timetable.models import DayOff, Lesson, SchoolWeek, Session

from .conftest import START


def dates(lesson: Lesson) -> list[datetime.date]:
    return list(Session.objects.filter(lesson=lesson).order_by("date").values_list("date", flat=True))


def test_weekly_lessons_skip_holidays_and_alternate_a_b(world, year, timetable):
    mondays = dates(timetable["monday"])
    assert mondays[0] == datetime.date(2026, 9, 7)
    assert datetime.date(2026, 10, 19) not in mondays and datetime.date(2026, 10, 26) not in mondays
    assert all(d.weekday() == 0 for d in mondays)
    assert mondays[-1] <= year.ends_on

    # Week A is the first school week (1 September 2026 is a Tuesday); holiday weeks don't count.
    labels = dict(SchoolWeek.objects.filter(school_year=year).values_list("monday", "label"))
    assert labels[datetime.date(2026, 8, 31)] == "A"
    assert labels[datetime.date(2026, 9, 7)] == "B"
    assert labels[datetime.date(2026, 10, 12)] == "A"
    assert datetime.date(2026, 10, 19) not in labels and datetime.date(2026, 10, 26) not in labels
    assert labels[datetime.date(2026, 11, 2)] == "B"  # after the holidays, the alternation goes on

    tuesdays = dates(timetable["tuesday"])
    assert tuesdays[:3] == [datetime.date(2026, 9, 1), datetime.date(2026, 9, 15), datetime.date(2026, 9, 29)]
    assert all(labels[d - datetime.timedelta(days=1)] == "A" for d in tuesdays)


def test_sync_is_idempotent(world, year, timetable):
    before = Session.objects.count()
    result = services.timetable_sync(school_year=year, today=START)
    assert (result.created, result.updated, result.deleted) == (0, 0, 0)
    assert Session.objects.count() == before


def _sync_queries(year) -> tuple[int, int]:
    """Run a sync from scratch; return (queries other than inserts, inserts)."""
    Session.objects.all().delete()
    with CaptureQueriesContext(connection) as context:
        services.timetable_sync(school_year=year, today=START)
    inserts = sum(1 for q in context.captured_queries if q["sql"].startswith("INSERT"))
    return len(context) - inserts, inserts


def test_sync_queries_grow_with_batches_not_lessons(world, year, timetable):
    small = _sync_queries(year)
    small_sessions = Session.objects.count()
    extra = [
        Lesson(establishment=world.a.establishment, school_year=year, teaching=world.a.teaching, weekday=day,
               starts_at=datetime.time(hour, 0), ends_at=datetime.time(hour, 50))
        for day in range(5) for hour in (13, 14, 15, 16)
    ]  # fmt: skip
    Lesson.objects.bulk_create(extra)
    large = _sync_queries(year)
    sessions = Session.objects.count()
    assert sessions > 20 * 30
    fields = [f for f in Session._meta.concrete_fields if not f.primary_key]
    batch = min(1000, connection.ops.bulk_batch_size(fields, [Session()] * sessions))
    assert small == (6, -(-small_sessions // batch))
    assert large == (6, -(-sessions // batch))


def test_a_new_day_off_removes_its_sessions_but_not_changed_ones(world, year, timetable, client_for):
    moved = Session.objects.get(lesson=timetable["monday"], planned_date=datetime.date(2026, 12, 7))
    moved.version = 1
    moved.save()
    DayOff.objects.create(
        establishment=world.a.establishment, school_year=year, name="Pont",
        starts_on=datetime.date(2026, 12, 7), ends_on=datetime.date(2026, 12, 7),
    )  # fmt: skip
    services.weeks_generate(school_year=year, today=START)
    assert Session.objects.filter(pk=moved.pk).exists()  # staff changed it: theirs to decide
    DayOff.objects.create(
        establishment=world.a.establishment, school_year=year, name="Pont 2",
        starts_on=datetime.date(2026, 12, 14), ends_on=datetime.date(2026, 12, 14),
    )  # fmt: skip
    services.weeks_generate(school_year=year, today=START)
    assert datetime.date(2026, 12, 14) not in dates(timetable["monday"])


def test_a_lesson_moved_moves_its_future_untouched_sessions_only(world, year, timetable):
    lesson = timetable["monday"]
    past = Session.objects.get(lesson=lesson, planned_date=datetime.date(2026, 9, 7))
    lesson.starts_at, lesson.ends_at = datetime.time(14, 0), datetime.time(15, 0)
    lesson.save()
    services.timetable_sync(school_year=year, today=datetime.date(2026, 11, 23))
    past.refresh_from_db()
    assert past.starts_at == datetime.time(8, 30)
    future = Session.objects.get(lesson=lesson, planned_date=datetime.date(2026, 11, 23))
    assert (future.starts_at, future.planned_starts_at) == (datetime.time(14, 0), datetime.time(14, 0))


def test_removing_a_lesson_keeps_its_past_sessions(world, year, timetable):
    lesson = timetable["monday"]
    services.lessons_end(lessons=[lesson], today=datetime.date(2026, 11, 23))
    services.timetable_sync(school_year=year, today=datetime.date(2026, 11, 23))
    lesson.refresh_from_db()
    assert lesson.until == datetime.date(2026, 11, 22)
    remaining = dates(lesson)
    assert remaining and max(remaining) < datetime.date(2026, 11, 23)
