"""A teacher books the computer room on a free slot and sees it in its week; a taken slot is clearly refused."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from romsie.booking.tests.builders import a_day, at, booking_for, enable, kind_for, resource_for
from romsie.core.testing.world import World
from romsie.schooling.models import SchoolYear

from .support import Journey


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_teacher_books_the_computer_room_and_a_clash_is_refused(
    journey: Journey, world: World, weekly_maths: SchoolYear, viewport: str
) -> None:
    page = journey.page
    a = world.a
    enable(a)
    room = resource_for(a, kind=kind_for(a), name="Salle informatique", room=a.room)  # maths at 8:30 there
    day = a_day()
    booking_for(room, a.head, at(day, 14), purpose="Conseil pédagogique")

    journey.sign_in(a.teacher.username)
    journey.open_menu()
    journey.follow(f"header a[href='{journey.route('booking:resource-list')}']")
    journey.follow(f"main a[href='{journey.route('booking:resource-week', room.pk)}']")
    page.goto(journey.url("booking:resource-week", room.pk) + f"?semaine={day:%Y-%m-%d}")
    journey.check()
    monday = page.locator(f"#day-{day:%Y-%m-%d}").locator("xpath=..")
    expect(monday.locator("li.slot-lesson")).to_have_count(1)  # busy, without its class or teacher
    expect(monday.locator("li.slot-booking")).to_contain_text("Conseil pédagogique")

    journey.follow(f"main a[href*='jour={day:%Y-%m-%d}&debut=09:30']")  # after the 8:30 lesson
    expect(page.locator("#id_starts_at")).to_have_value("09:30")
    page.fill("#id_purpose", "5e A, recherches")
    journey.submit()
    journey.assert_at("booking:resource-week", room.pk)
    journey.check()
    expect(monday.locator("li.slot-own")).to_contain_text("5e A, recherches")

    # The head's 14:00 booking: typing that time by hand gets a clear refusal, what was typed is kept.
    page.goto(journey.url("booking:booking-create", room.pk) + f"?jour={day:%Y-%m-%d}&debut=14:30&fin=15:30")
    journey.check()
    page.fill("#id_purpose", "Atelier de code")
    journey.submit()
    expect(page.locator("main .form-errors")).to_be_visible()
    assert not room.bookings.filter(purpose="Atelier de code").exists()
    expect(page.locator("#id_purpose")).to_have_value("Atelier de code")
    journey.check()


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_the_head_validates_a_booking_and_opens_the_management_pages(
    journey: Journey, world: World, viewport: str
) -> None:
    page = journey.page
    a = world.a
    enable(a)
    room = resource_for(a, kind=kind_for(a, needs_validation=True), name="Salle de réunion")
    booking = booking_for(room, a.teacher, at(a_day(), 17), status="pending", purpose="Conseil de classe")

    journey.sign_in(a.head.username)
    journey.open("booking:resource-list")
    journey.follow(f"main a[href='{journey.route('booking:queue')}']")
    expect(page.locator("main")).to_contain_text("Conseil de classe")
    journey.submit(f"main form[action='{journey.route('booking:booking-validate', booking.pk)}'] button")
    journey.check()
    booking.refresh_from_db()
    assert booking.status == "confirmed"
    journey.open("booking:manage")
    journey.follow(f"main a[href='{journey.route('booking:resource-update', room.pk)}']")
    expect(page.locator("#id_name")).to_have_value("Salle de réunion")
    journey.open("booking:kind-create")
