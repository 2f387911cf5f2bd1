"""Booking a resource: the rules, clashes with bookings and lessons, weekly series, validation."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import formats

from romsie.booking import feeds, selectors, services
from romsie.booking.models import Booking, BookingSeries, Resource, ResourceKind
from romsie.core import versions
from romsie.core.access.scope import Scope
from romsie.core.errors import ApplicationError
from romsie.core.testing.factories import scope_of, session_on
from romsie.notifications.kinds import render
from romsie.notifications.models import Notification
from romsie.timetable.models import Session

from .builders import a_day, at, booking_for, kind_for, resource_for


def _post(day: datetime.date, start: str = "10:00", end: str = "11:00", **extra: str) -> dict[str, str]:
    return {"day": day.isoformat(), "starts_at": start, "ends_at": end, "purpose": "4e B, recherches", **extra}


def _create_url(resource) -> str:
    return reverse("booking:booking-create", args=[resource.pk])


def _book(scope, resource, hour: int = 10):
    return services.booking_create(
        scope=scope, resource=resource, starts_at=at(a_day(), hour), ends_at=at(a_day(), hour + 1), purpose="x"
    )


def test_teacher_books_a_free_slot_and_sees_it_in_the_week(booking_world, client_for):
    w = booking_world
    resource = resource_for(w.a)
    client = client_for(w.a.teacher)
    day = a_day()

    form = client.get(_create_url(resource) + f"?jour={day.isoformat()}&debut=10:00&fin=11:00")
    assert form.status_code == 200
    assert 'value="10:00"' in form.content.decode(), "the form is prefilled from the free slot clicked"
    response = client.post(_create_url(resource), _post(day))

    assert response.status_code == 302
    booking = Booking.objects.get(resource=resource)
    assert (booking.booker, booking.status, booking.starts_at) == (w.a.teacher, Booking.Status.CONFIRMED, at(day, 10))
    week = client.get(response["Location"]).content.decode()
    assert "4e B, recherches" in week


def test_end_before_start_is_refused_and_nothing_is_saved(booking_world, client_for):
    w = booking_world
    resource = resource_for(w.a)
    response = client_for(w.a.teacher).post(_create_url(resource), _post(a_day(), "11:00", "10:00"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "The booking must end after it starts." in page
    assert "4e B, recherches" in page, "what the person typed is kept"
    assert not Booking.objects.exists()


@pytest.mark.parametrize(
    ("day", "start", "end", "message"),
    [
        (lambda: a_day(weeks=156), "10:00", "11:00", "at most 60 days ahead"),
        (lambda: a_day(), "08:00", "13:00", "lasts at most 240 minutes"),
        (lambda: a_day(weeks=-1), "10:00", "11:00", "already past"),
    ],
    ids=["three-years-ahead", "too-long", "past"],
)
def test_a_booking_beyond_the_rules_gets_a_clear_error(booking_world, client_for, day, start, end, message):
    w = booking_world
    resource = resource_for(w.a)
    response = client_for(w.a.teacher).post(_create_url(resource), _post(day(), start, end))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Booking.objects.exists()


def test_a_resource_whose_rules_leave_teachers_out_cannot_be_booked_by_them(booking_world, client_for):
    w = booking_world
    resource = resource_for(w.a, kind=kind_for(w.a, profiles=["staff.head"]))
    client = client_for(w.a.teacher)
    assert client.get(_create_url(resource)).status_code == 403
    assert client.post(_create_url(resource), _post(a_day())).status_code == 403
    with pytest.raises(ApplicationError, match="do not let you book"):
        _book(scope_of(w.a.teacher), resource)
    assert not Booking.objects.exists()
    resource.profiles = ["teacher"]  # the resource's own rule overrides its kind's
    resource.save()
    assert client.post(_create_url(resource), _post(a_day())).status_code == 302


def test_a_slot_taken_by_another_booking_is_refused(booking_world, client_for):
    w = booking_world
    resource = resource_for(w.a)
    booking_for(resource, w.a.head, at(a_day(), 10, 30))
    response = client_for(w.a.teacher).post(_create_url(resource), _post(a_day()))
    assert "This slot is already taken" in response.content.decode()
    assert Booking.objects.count() == 1
    # Right after it ends is free (ranges are half-open).
    assert client_for(w.a.teacher).post(_create_url(resource), _post(a_day(), "11:30", "12:00")).status_code == 302


def test_a_lesson_in_the_resource_room_blocks_it_unless_cancelled(booking_world, client_for):
    w = booking_world
    resource = resource_for(w.a, room=w.a.room)
    session = session_on(w.a.teaching, a_day(), hour=10)
    Session.objects.filter(pk=session.pk).update(room=w.a.room)
    client = client_for(w.a.teacher)

    response = client.post(_create_url(resource), _post(a_day(), "10:30", "11:30"))
    assert "This slot is already taken" in response.content.decode()
    assert not Booking.objects.exists()

    Session.objects.filter(pk=session.pk).update(status=Session.Status.CANCELLED)
    assert client.post(_create_url(resource), _post(a_day(), "10:30", "11:30")).status_code == 302


def test_a_weekly_booking_books_every_week_or_nothing_naming_the_taken_dates(booking_world, client_for):
    w = booking_world
    resource = resource_for(w.a)
    client = client_for(w.a.teacher)
    until = a_day(weeks=4)
    taken = booking_for(resource, w.a.head, at(a_day(weeks=3), 10))

    response = client.post(_create_url(resource), _post(a_day(), weekly="on", until=until.isoformat()))
    page = response.content.decode()
    assert "Nothing was booked" in page
    assert formats.date_format(a_day(weeks=3), "DATE_FORMAT") in page, page[page.find("form-errors") :][:400]
    assert Booking.objects.count() == 1 and not BookingSeries.objects.exists()

    taken.delete()
    assert client.post(_create_url(resource), _post(a_day(), weekly="on", until=until.isoformat())).status_code == 302
    series = BookingSeries.objects.get()
    assert [b.starts_at for b in series.bookings.order_by("starts_at")] == [at(a_day(weeks=k), 10) for k in range(1, 5)]


def test_cancelling_frees_the_slot(booking_world, client_for):
    w = booking_world
    resource = resource_for(w.a)
    booking = booking_for(resource, w.a.teacher, at(a_day(), 10))
    client = client_for(w.a.teacher)
    assert client.post(reverse("booking:booking-cancel", args=[booking.pk])).status_code == 302
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert client_for(w.a.head).post(_create_url(resource), _post(a_day())).status_code == 302


def test_someone_else_cannot_cancel_a_booking(booking_world, client_for):
    w = booking_world
    booking = booking_for(resource_for(w.a), w.a.teacher, at(a_day(), 10))
    assert client_for(w.a.head).post(reverse("booking:booking-cancel", args=[booking.pk])).status_code == 404
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED


def test_a_booking_needing_validation_waits_then_the_manager_decides_and_the_booker_is_told(
    booking_world, client_for, django_capture_on_commit_callbacks
):
    w = booking_world
    resource = resource_for(w.a, kind=kind_for(w.a, needs_validation=True))
    teacher, head = client_for(w.a.teacher), client_for(w.a.head)
    teacher.post(_create_url(resource), _post(a_day()))
    teacher.post(_create_url(resource), _post(a_day(), "14:00", "15:00"))
    first, second = Booking.objects.order_by("starts_at")
    assert first.status == second.status == Booking.Status.PENDING
    assert "4e B, recherches" in head.get(reverse("booking:queue")).content.decode()
    # A pending booking already holds its slot.
    assert "already taken" in client_for(w.a.office).post(_create_url(resource), _post(a_day())).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        head.post(reverse("booking:booking-validate", args=[first.pk]))
    no_reason = head.post(reverse("booking:booking-refuse", args=[second.pk]), {"reason": " "})
    assert no_reason.status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        head.post(reverse("booking:booking-refuse", args=[second.pk]), {"reason": "Salle réservée aux examens"})

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (Booking.Status.CONFIRMED, Booking.Status.REFUSED)
    assert second.refusal_reason == "Salle réservée aux examens"
    texts = [render(n) for n in Notification.objects.filter(recipient=w.a.teacher, kind="booking.decided")]
    assert any("is validated" in t for t in texts) and any("Salle réservée aux examens" in t for t in texts)
    again = head.post(reverse("booking:booking-validate", args=[second.pk]), follow=True)
    assert "already decided" in again.content.decode()


def test_a_manager_books_without_waiting_for_validation(booking_world, client_for):
    w = booking_world
    resource = resource_for(w.a, kind=kind_for(w.a, needs_validation=True))
    client_for(w.a.head).post(_create_url(resource), _post(a_day()))
    assert Booking.objects.get().status == Booking.Status.CONFIRMED


def test_the_week_shows_who_and_why_to_staff_and_teachers_only_busy_to_others(booking_world):
    w = booking_world
    resource = resource_for(w.a)
    booking_for(resource, w.a.head, at(a_day(), 10))
    teacher_days = selectors.resource_days(scope_of(w.a.teacher), resource, a_day(), 1)
    [booked] = [s for s in teacher_days[0].slots if s.kind == "booking"]
    assert (booked.label, booked.detail) == (w.a.head.get_full_name(), "4e B, recherches")

    partner = Scope(
        user_id=w.a.partner.pk,
        establishment=scope_of(w.a.partner).establishment,
        profiles=frozenset({"partner"}),
        habilitations=frozenset({"booking.book"}),
        services=frozenset({"booking"}),
    )
    [busy] = [s for s in selectors.resource_days(partner, resource, a_day(), 1)[0].slots if s.kind == "booking"]
    assert (busy.label, busy.detail) == ("Busy", "")


@pytest.mark.parametrize("rows", [1, 50])
def test_the_week_costs_the_same_queries_with_1_or_50_bookings(
    booking_world, client_for, django_assert_num_queries, rows
):
    w = booking_world
    resource = resource_for(w.a, room=w.a.room)
    day = a_day()
    people = [w.a.teacher, w.a.head, w.a.office]
    Booking.objects.bulk_create(
        Booking(
            establishment=w.a.establishment,
            resource=resource,
            booker=people[i % 3],
            starts_at=at(day + datetime.timedelta(days=i % 5), 8) + datetime.timedelta(minutes=12 * (i // 5)),
            ends_at=at(day + datetime.timedelta(days=i % 5), 8) + datetime.timedelta(minutes=12 * (i // 5) + 10),
            purpose=f"Purpose {i}",
        )
        for i in range(rows)
    )
    client = client_for(w.a.teacher)
    url = reverse("booking:resource-week", args=[resource.pk]) + f"?semaine={day.isoformat()}"
    client.get(url)  # warm the scope cache
    with django_assert_num_queries(5):
        response = client.get(url)
    assert response.content.decode().count("Purpose ") == rows


def test_bookings_are_in_the_booker_calendar_feed(booking_world):
    w = booking_world
    resource = resource_for(w.a)
    booking = booking_for(resource, w.a.teacher, at(a_day(), 10))
    booking_for(resource, w.a.head, at(a_day(), 14))
    events = list(feeds.feed_source(scope_of(w.a.teacher)))
    assert [(e.uid, e.starts, e.summary) for e in events] == [
        (f"booking-{booking.pk}", booking.starts_at, "Salle info 1: 4e B, recherches")
    ]


def test_the_database_refuses_an_overlap_that_slips_past_the_check(booking_world, monkeypatch):
    """On PostgreSQL the exclusion constraint backs up the check: a clear refusal, never a 500."""
    if connection.vendor != "postgresql":
        pytest.skip("the exclusion constraint exists on PostgreSQL")
    w = booking_world
    resource = resource_for(w.a)
    booking_for(resource, w.a.head, at(a_day(), 10))
    with pytest.raises(IntegrityError), transaction.atomic():
        booking_for(resource, w.a.office, at(a_day(), 10, 30))
    booking_for(resource, w.a.office, at(a_day(), 10, 30), status=Booking.Status.CANCELLED)  # inactive: allowed
    monkeypatch.setattr(services, "clashing_dates", lambda *args, **kwargs: [])
    with pytest.raises(ApplicationError, match="just booked by someone else"):
        _book(scope_of(w.a.teacher), resource)


def test_the_dashboard_shows_the_next_bookings_and_a_new_one_at_once(
    booking_world, client_for, django_capture_on_commit_callbacks
):
    w = booking_world
    resource = resource_for(w.a, name="Chariot de tablettes")
    client = client_for(w.a.teacher)
    assert "No booking to come." in client.get(reverse("core:dashboard")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_create_url(resource), _post(a_day()))
    page = client.get(reverse("core:dashboard")).content.decode()
    assert 'id="widget-booking-next"' in page and "Chariot de tablettes" in page


def test_a_manager_creates_a_kind_and_a_resource_and_a_stale_edit_is_refused(booking_world, client_for):
    w = booking_world
    head = client_for(w.a.head)
    rules = {"name": "Chariot mobile", "profiles": ["teacher"], "max_days_ahead": "30", "max_minutes": "120"}
    assert head.post(reverse("booking:kind-create"), rules).status_code == 302
    kind = ResourceKind.objects.get(establishment=w.a.establishment)
    assert (kind.profiles, kind.max_days_ahead, kind.needs_validation) == (["teacher"], 30, False)
    body = {"kind": kind.pk, "name": "Chariot de tablettes", "is_active": "on", "max_minutes": "60"}
    assert head.post(reverse("booking:resource-create"), body).status_code == 302
    resource = Resource.objects.get(establishment=w.a.establishment)
    assert resource.rules.max_minutes == 60 and resource.rules.max_days_ahead == 30

    url = reverse("booking:resource-update", args=[resource.pk])
    shown = resource.version
    assert head.post(url, {**body, "version": shown, "name": "Chariot A"}).status_code == 302
    stale = client_for(w.a.digital_lead).post(url, {**body, "version": shown, "name": "Chariot B"})
    assert stale.status_code == 200
    resource.refresh_from_db()
    assert resource.name == "Chariot A"
    assert "Chariot B" in stale.content.decode(), "the other person's text is kept"


@pytest.mark.parametrize("rows", [1, 50])
def test_lists_cost_the_same_queries_with_1_or_50_rows(booking_world, client_for, django_assert_num_queries, rows):
    w = booking_world
    kind = kind_for(w.a, needs_validation=True)
    resources = [resource_for(w.a, kind=kind, name=f"Chariot {i}") for i in range(rows)]
    Booking.objects.bulk_create(
        Booking(
            establishment=w.a.establishment,
            resource=resources[i],
            booker=w.a.teacher,
            starts_at=at(a_day(), 10),
            ends_at=at(a_day(), 11),
            purpose=f"Purpose {i}",
            status=Booking.Status.PENDING,
        )
        for i in range(rows)
    )
    teacher, head = client_for(w.a.teacher), client_for(w.a.head)
    pages = [
        (teacher, "booking:mine", 3, "Purpose "),
        (head, "booking:queue", 3, "Purpose "),
        (teacher, "booking:resource-list", 4, "Chariot "),
        (head, "booking:manage", 4, "Chariot "),
    ]
    for client, name, count, marker in pages:
        client.get(reverse(name))  # warm the scope cache
        if name == "booking:resource-list":  # a cached part: computed again after a change
            versions.bump(versions.Kind.BOOKING_RESOURCES, w.a.establishment.pk)
        with django_assert_num_queries(count):
            response = client.get(reverse(name))
        assert response.content.decode().count(marker) >= rows, name
    with django_assert_num_queries(2):  # session, user: the list of resources comes from the cache
        assert teacher.get(reverse("booking:resource-list")).content.decode().count("Chariot ") >= rows


def test_the_resource_list_shows_a_new_resource_at_once(booking_world, client_for, django_capture_on_commit_callbacks):
    w = booking_world
    kind = kind_for(w.a)
    teacher = client_for(w.a.teacher)
    assert "Salle polyvalente" not in teacher.get(reverse("booking:resource-list")).content.decode()
    body = {"kind": kind.pk, "name": "Salle polyvalente", "is_active": "on"}
    with django_capture_on_commit_callbacks(execute=True):
        assert client_for(w.a.head).post(reverse("booking:resource-create"), body).status_code == 302
    assert "Salle polyvalente" in teacher.get(reverse("booking:resource-list")).content.decode()


def test_named_managers_validate_their_resource_and_are_told(
    booking_world, client_for, django_capture_on_commit_callbacks
):
    w = booking_world
    kind = kind_for(w.a, needs_validation=True)
    head = client_for(w.a.head)
    body = {"kind": kind.pk, "name": "Salle de réunion", "is_active": "on", "managers": [f"user:{w.a.office.pk}"]}
    found = head.post(reverse("booking:resource-create"), {**body, "q": w.a.office.last_name, "picker_search": "1"})
    assert found.status_code == 200 and not Resource.objects.exists(), "the search saves nothing"
    forged = head.post(reverse("booking:resource-create"), {**body, "managers": [f"user:{w.c.office.pk}"]})
    assert "Choose teachers or staff of the establishment." in forged.content.decode()
    assert head.post(reverse("booking:resource-create"), body).status_code == 302
    resource = Resource.objects.get()
    assert list(resource.managers.all()) == [w.a.office]

    with django_capture_on_commit_callbacks(execute=True):
        client_for(w.a.teacher).post(_create_url(resource), _post(a_day()))
    assert Notification.objects.filter(recipient=w.a.office, kind="booking.to_validate").exists()
    office = client_for(w.a.office)
    assert "4e B, recherches" in office.get(reverse("booking:queue")).content.decode()
    office.post(reverse("booking:booking-validate", args=[Booking.objects.get().pk]))
    assert Booking.objects.get().status == Booking.Status.CONFIRMED
