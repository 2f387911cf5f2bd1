"""Browser journeys: one Chromium for the session, one fresh context and page per test.

Every page a journey visits goes through :meth:`Journey.check`, which

* runs an axe-core scan and fails on any violation (printed readably);
* fails on any console error or uncaught page error seen so far — Content-Security-Policy
  violations are reported by Chromium as console errors;
* fails on any request to a host other than the live server (no CDN, no tracker, no font
  service), and on any page served without a Content-Security-Policy header.

Why the context does *not* bypass the CSP: ``axe_playwright_python`` injects axe-core with
``page.evaluate``, which goes through the DevTools protocol and is not subject to the page's
CSP (checked by ``test_guard.py``). Bypassing the CSP would only hide the very violations the
console guard is here to catch, so the journeys run under the real, strict policy.

The live server runs in another thread, so the data comes from ``transactional_db``; the
national levels loaded by a data migration come back after each flush through
``django_db_serialized_rollback``.
"""

from __future__ import annotations

import datetime
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from .support import Guard, Journey

BROWSER_DIR = Path(__file__).resolve().parent
CHROMIUM = os.environ.get("ROMSIE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

#: The two screens the journeys run on: a small phone and a laptop.
VIEWPORTS: dict[str, dict[str, Any]] = {
    "phone": {"viewport": {"width": 360, "height": 780}, "is_mobile": True, "has_touch": True},
    "desktop": {"viewport": {"width": 1280, "height": 800}},
}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test of this folder ``browser``; skip them when Chromium is missing."""
    chromium = shutil.which(CHROMIUM)
    skip = pytest.mark.skip(reason=f"Chromium not found at {CHROMIUM} (set ROMSIE_CHROMIUM)")
    for item in items:
        if BROWSER_DIR not in Path(str(item.path)).resolve().parents:
            continue
        item.add_marker(pytest.mark.browser)
        if chromium is None:
            item.add_marker(skip)


@pytest.fixture(scope="package")
def browser(live_server: Any) -> Iterator[Any]:
    """Launch the system Chromium once for all the browser tests.

    Package scope (not session) stops Playwright's event loop as soon as the last browser
    test is done, so the tests pytest runs afterwards find an ordinary thread. It depends
    on the live server so that it closes first: the server's request threads still held
    open by Chromium must end before the server gives its connection back.
    """
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an asyncio loop running in the test thread, and while a
    # loop runs Django looks its connections up in a context-local slot instead of the
    # thread-local one: without this, the tests would open a second connection to the
    # in-memory test database, which the live server (and the serialized rollback) ignore.
    opened = {alias: connections[alias] for alias in connections}
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        # The same loop makes Django refuse every ORM call of the tests (SynchronousOnlyOperation)
        # unless told the thread is safe. Set only while the browser runs, so that it does not
        # leak into later tests (nor into the subprocesses they start, e.g. check --deploy).
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        for alias, connection in opened.items():
            connections[alias] = connection
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def viewport() -> str:
    """The screen of the test; parametrize ``viewport`` with ``phone``/``desktop`` to change it."""
    return "desktop"


@pytest.fixture(autouse=True)
def _browser_database(transactional_db: None, django_db_serialized_rollback: None) -> Iterator[None]:
    """Give every browser test committed data and a clean sign-in throttling counter."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def guard(live_server: Any) -> Guard:
    """The problems seen by this test's page (see :class:`Guard`)."""
    return Guard(host=urlsplit(live_server.url).netloc)


@pytest.fixture
def page(browser: Any, live_server: Any, viewport: str, guard: Guard) -> Iterator[Any]:
    """Open a fresh context (cookies, storage) and page, French-speaking, at the given size."""
    context = browser.new_context(
        base_url=live_server.url, locale="fr-FR", timezone_id="Europe/Paris", **VIEWPORTS[viewport]
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    guard.attach(page)
    yield page
    context.close()


@pytest.fixture
def journey(page: Any, live_server: Any, guard: Guard) -> Iterator[Journey]:
    """Wrap the page in a :class:`Journey`; the guard is checked once more at the end."""
    walk = Journey(page=page, base_url=live_server.url, guard=guard)
    yield walk
    guard.assert_clean()


@pytest.fixture
def another_journey(browser: Any, live_server: Any, guard: Guard) -> Iterator[Callable[[str], Journey]]:
    """Open another person's browser in the same test: ``another_journey("phone")`` (own cookies, same guard)."""
    contexts: list[Any] = []

    def open_journey(viewport: str = "desktop") -> Journey:
        context = browser.new_context(
            base_url=live_server.url, locale="fr-FR", timezone_id="Europe/Paris", **VIEWPORTS[viewport]
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        guard.attach(page)
        return Journey(page=page, base_url=live_server.url, guard=guard)

    yield open_journey
    for context in contexts:
        context.close()


@pytest.fixture
def weekly_maths(world: Any) -> Any:
    """Maths every weekday at 8:30 for class ``a``, generated from this week on; return the school year."""
    from django.utils import timezone

    from romsie.schooling.models import SchoolYear
    from romsie.timetable import services
    from romsie.timetable.models import Lesson

    a = world.a
    year = SchoolYear.objects.get(establishment=a.establishment, is_current=True)
    for weekday in range(5):
        Lesson.objects.create(
            establishment=a.establishment, school_year=year, teaching=a.teaching, room=a.room, weekday=weekday,
            starts_at=datetime.time(8, 30), ends_at=datetime.time(9, 25),
        )  # fmt: skip
    today = timezone.localdate()
    services.weeks_generate(school_year=year, today=today - datetime.timedelta(days=today.weekday()))
    return year
