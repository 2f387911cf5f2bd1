"""Staff record a cancelled lesson; a parent sees it in the child's week on a phone, a teacher in theirs."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from romsie.core.testing.world import World
from romsie.schooling.models import SchoolYear
from romsie.timetable.models import Session

from .support import Journey


@pytest.fixture
def timetable(weekly_maths: SchoolYear) -> Session:
    """Tomorrow's (or the next school day's) maths session of class ``a``."""
    today = timezone.localdate()
    return Session.objects.filter(lesson__school_year=weekly_maths, date__gt=today).order_by("date").first()


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_school_life_cancels_a_lesson_and_the_family_sees_it(journey: Journey, world: World, timetable: Session,
                                                             viewport: str) -> None:  # fmt: skip
    page = journey.page
    a = world.a
    session = timetable
    week = f"?semaine={session.date:%Y-%m-%d}"

    journey.sign_in(a.school_life.username)
    page.goto(journey.url("timetable:class-week", a.school_class.pk) + week)
    journey.check()
    journey.follow(f"main a[href='{journey.route('timetable:session-detail', session.pk)}']")
    journey.follow(f"main a[href='{journey.route('timetable:session-change', session.pk)}']")
    page.check("#id_cancelled")
    page.fill("#id_note", "Sortie pédagogique")
    journey.submit("main form button[type=submit]")
    journey.assert_at("timetable:session-detail", session.pk)
    expect(page.locator("main")).to_contain_text("Sortie pédagogique")
    journey.check()
    page.context.clear_cookies()  # another person on another device

    journey.sign_in(a.parent.username)
    page.goto(journey.url("timetable:week") + week)
    journey.check()
    cancelled = page.locator("main li.session-cancelled")
    expect(cancelled).to_have_count(1)
    expect(cancelled).to_contain_text("Sortie pédagogique")
    journey.follow(f"main nav.sub-nav a[href='{journey.route('timetable:day')}']")
    journey.open("timetable:feed-settings")
    journey.submit("main form button[name=new]")
    expect(page.locator("#feed-url")).to_contain_text("/emploi-du-temps/ical/")
    journey.check()
