"""A person sees the notification badge, reads the timeline and chooses how to be notified."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from romsie.core.testing.world import World
from romsie.notifications.kinds import NotificationKind, register_kind
from romsie.notifications.models import NotificationPreference, QuietHours
from romsie.notifications.services import notify

from .support import Journey

register_kind(
    NotificationKind(key="tests.journey", label="Journey event", text="%(what)s happened", default_delivery="app")
)


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_teacher_reads_notifications_and_chooses_quiet_hours(journey: Journey, world: World) -> None:
    page = journey.page
    teacher = world.a.teacher
    notify("tests.journey", [teacher.pk], params={"what": "A class list change"}, url="/annuaire/classes/")
    for what in ("A first thing", "A second thing"):
        notify("tests.journey", [teacher.pk], params={"what": what}, url="/")
    journey.sign_in(teacher.username)

    bell = page.locator("header a.notification-bell")
    expect(bell.locator(".notification-count")).to_have_text("3")
    journey.follow("header a.notification-bell")
    journey.assert_at("notifications:notification-list")
    expect(page.locator("ol.notification-list li.is-unread")).to_have_count(3)

    # Opening an entry marks it read and leads to its page.
    journey.follow("ol.notification-list a:has-text('A class list change')")
    journey.assert_at("directory:class-list")
    expect(bell.locator(".notification-count")).to_have_text("2")

    journey.open("notifications:notification-list")
    expect(page.locator("ol.notification-list li.is-unread")).to_have_count(2)
    journey.submit("main form.notification-actions button[type=submit]")
    journey.check()
    expect(page.locator("ol.notification-list li.is-unread")).to_have_count(0)
    expect(bell.locator(".notification-count")).to_have_count(0)

    journey.follow(f"main a[href='{journey.route('notifications:notification-preferences')}']")
    page.select_option("#id_kind_tests__journey", "off")
    page.fill("#id_quiet_starts_at", "22:00")
    page.fill("#id_quiet_ends_at", "07:00")
    journey.submit("main form button[type=submit]")
    journey.check()
    assert NotificationPreference.objects.get(user=teacher, kind="tests.journey").delivery == "off"
    assert QuietHours.objects.get(user=teacher).starts_at.hour == 22

    # Half quiet hours are refused with a message tied to the form.
    page.fill("#id_quiet_ends_at", "")
    journey.submit("main form button[type=submit]")
    journey.check()
    expect(page.locator("main .form-errors")).to_be_visible()
