"""The page shell on a phone: content first, a keyboard-usable menu, a switch that acts, the week offline."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from romsie.core.testing import factories as f
from romsie.core.testing.factories import TEST_PASSWORD
from romsie.core.testing.world import ROLES, World
from romsie.identity.models import Role

from .conftest import VIEWPORTS
from .support import Guard, Journey

#: Where the page's own content must start on a 360 × 780 phone: the header is a compact bar.
CONTENT_TOP_PX = 120
#: For each widget of the dashboard, in page order: is it folded?
FOLDED_OR_NOT = """() => [...document.querySelectorAll('main section.widget')]
    .map(section => section.classList.contains('widget-folded'))"""


def content_top(page: Any) -> float:
    """Return the distance from the top of the page to the main heading, in CSS pixels."""
    return float(page.evaluate("document.querySelector('main h1').getBoundingClientRect().top + window.scrollY"))


@pytest.mark.parametrize("viewport", ["phone"])
def test_every_roles_dashboard_starts_within_120_px_on_a_phone(journey: Journey, world: World) -> None:
    page = journey.page
    assert page.viewport_size == {"width": 360, "height": 780}
    tops = {}
    for role in [*ROLES, "territory"]:
        person = world.territory_admin if role == "territory" else world.a.people[role]
        journey.sign_in(person.username)
        expect(page.locator("header button.menu-button")).to_be_visible()
        expect(page.locator("header nav.services-nav")).to_be_hidden()  # folded behind the button
        tops[role] = content_top(page)
        page.context.clear_cookies()
    too_low = {role: top for role, top in tops.items() if top > CONTENT_TOP_PX}
    assert not too_low, f"content starts below {CONTENT_TOP_PX}px on a phone: {too_low}"


def test_dashboard_folds_the_facts_after_what_is_new(journey: Journey, world: World) -> None:
    page = journey.page
    journey.sign_in(world.a.parent.username)
    folded = page.locator("main section.widget-folded")
    expect(folded.first).to_be_visible()
    expect(page.locator("main section[aria-labelledby=widget-services] details")).not_to_have_attribute("open", "")
    # What is new comes before the folds.
    order = page.evaluate(FOLDED_OR_NOT)
    assert order == sorted(order), f"a folded widget comes before a new one: {order}"
    page.click("main section[aria-labelledby=widget-services] summary")
    expect(page.locator("main section[aria-labelledby=widget-services] .service-list")).to_be_visible()
    journey.check()


@pytest.mark.parametrize("viewport", ["phone"])
def test_menu_button_opens_and_closes_the_menu_with_the_keyboard(journey: Journey, world: World) -> None:
    page = journey.page
    journey.sign_in(world.a.parent.username)
    button = page.locator("header button.menu-button")
    nav = page.locator("header nav.services-nav")

    for _ in range(6):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('menu-button')"):
            break
    assert page.evaluate("document.activeElement.classList.contains('menu-button')"), "Tab never reached the menu"
    expect(button).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("Enter")
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(nav).to_be_visible()
    journey.check()

    # Tab goes into the menu, Escape closes it and gives the focus back to its button.
    page.keyboard.press("Tab")
    assert page.evaluate("document.getElementById('site-menu').contains(document.activeElement)")
    page.keyboard.press("Escape")
    expect(nav).to_be_hidden()
    expect(button).to_be_focused()
    page.keyboard.press("Space")
    expect(nav).to_be_visible()


def shown(locator: Any) -> bool:
    """Tell whether an element takes more than the 1 px square of a visually hidden one."""
    box = locator.bounding_box()
    return box is not None and box["width"] > 1 and box["height"] > 1


@pytest.fixture
def two_schools(world: World) -> World:
    """Give ``world.a.teacher`` a second role, as a teacher of establishment ``b``."""
    f.RoleAssignmentFactory(user=world.a.teacher, establishment=world.b.establishment, role=Role.TEACHER)
    return world


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_establishment_switch_acts_on_change(journey: Journey, two_schools: World) -> None:
    world = two_schools
    page = journey.page
    b = world.b.establishment
    journey.sign_in(world.a.teacher.username)
    journey.open_menu()
    button = page.locator("header form.context-switcher button[type=submit]")
    assert not shown(button), "no extra submit: the choice acts"

    with page.expect_navigation():
        page.select_option("header select#context-establishment", str(b.pk))
    journey.assert_at("core:dashboard")
    expect(page.locator("header select#context-establishment")).to_have_value(str(b.pk))
    journey.check()

    # The button stays reachable from the keyboard, and shows when focused.
    journey.open_menu()
    page.focus("header select#context-establishment")
    page.keyboard.press("Tab")
    expect(button).to_be_focused()
    assert shown(button), "the focused button must show"


def test_establishment_switch_works_without_a_script(browser: Any, live_server: Any, guard: Guard,
                                                     two_schools: World) -> None:  # fmt: skip
    world = two_schools
    context = browser.new_context(
        base_url=live_server.url, locale="fr-FR", java_script_enabled=False, **VIEWPORTS["phone"]
    )
    try:
        context.set_default_timeout(10_000)
        page = context.new_page()
        guard.attach(page)
        # No axe scan here: axe-core is a script, and scripts are off.
        page.goto("/compte/connexion/")
        page.fill("#id_username", world.a.teacher.username)
        page.fill("#id_password", TEST_PASSWORD)
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        expect(page.locator("header nav.services-nav")).to_be_visible()  # unfolded without a script
        page.select_option("header select#context-establishment", str(world.b.establishment.pk))
        with page.expect_navigation():
            page.click("header form.context-switcher button[type=submit]")
        expect(page.locator("header select#context-establishment")).to_have_value(str(world.b.establishment.pk))
    finally:
        context.close()


def cached_urls(page: Any) -> list[str]:
    """Return the addresses kept in the browser's Cache Storage, every cache together."""
    return list(
        page.evaluate(
            """async () => {
                const urls = [];
                for (const name of await caches.keys()) {
                    for (const request of await (await caches.open(name)).keys()) urls.push(request.url);
                }
                return urls;
            }"""
        )
    )


@pytest.mark.parametrize("viewport", ["phone"])
def test_week_timetable_is_readable_offline_and_forgotten_at_sign_out(
    journey: Journey, world: World, weekly_maths: Any, guard: Guard
) -> None:
    page = journey.page
    journey.sign_in(world.a.parent.username)
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.wait_for_function("navigator.serviceWorker.controller !== null")

    journey.open("timetable:week")  # visited online, through the worker: kept
    subject = world.a.teaching.subject.name
    expect(page.locator("main")).to_contain_text(subject)
    journey.open("directory:person-search")  # another page: never kept
    kept = cached_urls(page)
    week_url = journey.url("timetable:week")
    assert week_url in kept, kept
    pages = [url for url in kept if "/static/" not in url and not url.endswith(".webmanifest")]
    assert pages == [week_url], f"only the week may be kept, found {pages}"

    page.context.set_offline(True)
    page.goto(week_url)
    expect(page.locator("main h1")).to_be_visible()
    expect(page.locator("main")).to_contain_text(subject)
    page.context.set_offline(False)

    journey.open("core:dashboard")
    journey.open_menu()
    page.locator("header details.user-menu summary").click()
    journey.submit("header form[action$='/deconnexion/'] button[type=submit]")
    journey.assert_at("identity:sign-in")
    page.wait_for_function("caches.keys().then(names => names.length === 0)")
    assert cached_urls(page) == []
