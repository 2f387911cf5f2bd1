"""Fifty people book the same slot at once: one booking, forty-nine clear refusals, no error.

Real requests from threads, each with its own connection, on PostgreSQL; skipped on SQLite.
"""

from __future__ import annotations

from django.urls import reverse

from romsie.booking.models import Booking
from romsie.core.testing.concurrency import committed_db, run_concurrently, skip_unless_postgresql

from .builders import a_day, enable, resource_for

# serialized_rollback: the flush after the test would otherwise remove the rows data migrations made.
pytestmark = committed_db

COUNT = 50
TAKEN = ("This slot is already taken", "Nothing was booked", "just booked by someone else")


def _body(i: int, *, weekly: bool = False) -> dict[str, str]:
    body = {"day": a_day().isoformat(), "starts_at": "10:00", "ends_at": "11:00", "purpose": f"Purpose {i}"}
    if weekly:
        body.update(weekly="on", until=a_day(weeks=4).isoformat())
    return body


def _check(results: list) -> list[int]:
    errors = [r for r in results if isinstance(r, BaseException)]
    assert errors == [], f"no request may fail (500): {errors[:3]}"
    won = [i for i, r in enumerate(results) if r.status_code == 302]
    assert len(won) == 1, [r.status_code for r in results]
    for i, response in enumerate(results):
        if i not in won:
            assert response.status_code == 200
            page = response.content.decode()
            assert any(answer in page for answer in TAKEN), page[:2000]
            assert f"Purpose {i}" in page, "the refused person's text is shown again"
    return won


def test_fifty_requests_for_one_slot_make_one_booking(world, client_for):
    skip_unless_postgresql()
    enable(world.a)
    resource = resource_for(world.a)
    url = reverse("booking:booking-create", args=[resource.pk])
    people = [world.a.teacher, world.a.head, world.a.office, world.a.digital_lead]
    clients = [client_for(people[i % len(people)]) for i in range(COUNT)]

    results = run_concurrently(COUNT, lambda i: clients[i].post(url, _body(i)))

    [winner] = _check(results)
    booking = Booking.objects.get(resource=resource)
    assert booking.purpose == f"Purpose {winner}"


def test_weekly_series_racing_one_off_bookings_leave_one_winner(world, client_for):
    skip_unless_postgresql()
    enable(world.a)
    resource = resource_for(world.a)
    url = reverse("booking:booking-create", args=[resource.pk])
    clients = [client_for(world.a.teacher) for _ in range(COUNT)]

    results = run_concurrently(COUNT, lambda i: clients[i].post(url, _body(i, weekly=i % 2 == 0)))

    [winner] = _check(results)
    bookings = Booking.objects.filter(resource=resource)
    assert bookings.count() == (4 if winner % 2 == 0 else 1)
    assert {b.purpose for b in bookings} == {f"Purpose {winner}"}
