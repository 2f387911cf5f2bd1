"""The half-day, the legal unit of absence: worked examples of the rules of ``selectors.half_days``.

The week used: Monday 30 November 2026 to Sunday 6 December 2026 (Europe/Paris).
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from romsie.attendance.models import JustificationStatus as S
from romsie.attendance.selectors import AFTERNOON, MORNING, half_days, is_school_day, month_bounds, totals_of

MON, TUE, WED, THU, FRI, SAT, SUN = (datetime.date(2026, 11, 30) + datetime.timedelta(days=i) for i in range(7))


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def span(day: datetime.date, start: tuple[int, int], end: tuple[int, int], last: datetime.date | None = None):
    return (at(day, *start), at(last or day, *end))


def test_a_lesson_in_the_morning_is_one_morning():
    assert half_days([span(TUE, (10, 0), (10, 55))]) == {(TUE, MORNING)}


def test_a_span_across_lunch_is_the_morning_and_the_afternoon():
    assert half_days([span(TUE, (11, 0), (14, 0))]) == {(TUE, MORNING), (TUE, AFTERNOON)}


def test_the_boundary_is_half_past_twelve_and_belongs_to_the_afternoon():
    assert half_days([span(TUE, (12, 30), (13, 30))]) == {(TUE, AFTERNOON)}
    assert half_days([span(TUE, (8, 0), (12, 30))]) == {(TUE, MORNING)}
    assert half_days([span(TUE, (12, 0), (12, 31))]) == {(TUE, MORNING), (TUE, AFTERNOON)}


def test_the_boundary_can_be_set():
    assert half_days([span(TUE, (12, 0), (13, 0))], morning_ends=datetime.time(12, 0)) == {(TUE, AFTERNOON)}


def test_several_absences_of_one_half_day_count_once():
    spans = [span(TUE, (8, 0), (9, 0)), span(TUE, (10, 0), (11, 0)), span(TUE, (9, 0), (12, 0))]
    assert half_days(spans) == {(TUE, MORNING)}


def test_weekends_never_count():
    # Friday 8:00 to Monday 18:00: Friday and Monday, four half-days.
    friday_to_monday = (at(FRI, 8), at(MON + datetime.timedelta(days=7), 18))
    assert len(half_days([friday_to_monday])) == 4
    assert half_days([span(SAT, (8, 0), (12, 0))]) == set()
    assert not is_school_day(SUN)


def test_days_off_never_count():
    # Wednesday to Thursday, Thursday being a bank holiday: only Wednesday's two half-days.
    found = half_days([span(WED, (8, 0), (18, 0), last=THU)], days_off=[(THU, THU)])
    assert found == {(WED, MORNING), (WED, AFTERNOON)}


def test_a_whole_week_is_ten_half_days():
    assert len(half_days([(at(MON, 0), at(SUN, 23, 59))])) == 10


def test_a_range_keeps_only_its_half_days():
    # Monday 30 November to Wednesday 2 December, counted in December: Tuesday and Wednesday.
    first, last = month_bounds(TUE)
    found = half_days([span(MON, (8, 0), (17, 0), last=WED)], first_day=first, last_day=last)
    assert found == {(TUE, MORNING), (TUE, AFTERNOON), (WED, MORNING), (WED, AFTERNOON)}


def test_an_empty_or_backwards_span_counts_nothing():
    assert half_days([(at(TUE, 10), at(TUE, 10)), (at(TUE, 11), at(TUE, 9))]) == set()


def test_month_bounds():
    assert month_bounds(datetime.date(2026, 12, 17)) == (datetime.date(2026, 12, 1), datetime.date(2026, 12, 31))
    assert month_bounds(datetime.date(2027, 2, 3)) == (datetime.date(2027, 2, 1), datetime.date(2027, 2, 28))


def test_totals_split_half_days_by_their_least_favourable_status():
    absences = [
        (*span(MON, (8, 0), (18, 0)), S.JUSTIFIED),  # Monday: 2 justified
        (*span(TUE, (8, 0), (10, 0)), S.JUSTIFIED),  # Tuesday morning: justified and pending: pending
        (*span(TUE, (10, 0), (11, 0)), S.PENDING),
        (*span(WED, (8, 0), (9, 0)), S.REFUSED),  # Wednesday morning: refused counts as not justified
        (*span(THU, (14, 0), (15, 0)), S.UNJUSTIFIED),  # Thursday afternoon: not justified
        (*span(THU, (15, 0), (16, 0)), S.JUSTIFIED),
    ]
    totals = totals_of(absences, [5, 10, 20])
    assert (totals.half_days, totals.justified, totals.pending, totals.unjustified) == (5, 2, 1, 2)
    assert totals.justified + totals.pending + totals.unjustified == totals.half_days
    assert (totals.lateness, totals.minutes_late) == (3, 35)
