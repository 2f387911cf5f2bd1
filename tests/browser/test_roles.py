"""Every role's main journey: sign in, see the dashboard, open each service of the menu."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from romsie.core.testing.world import ROLES, World

from .support import Journey

MENU_LINKS = "header nav.services-nav a"
#: Services each role must find in its menu (at least), with the default habilitations.
EXPECTED_SERVICES = {
    "partner": [],
    "head": ["directory:person-search", "administration:home"],
    "digital_lead": ["directory:person-search", "administration:home"],
}


def hrefs(journey: Journey, selector: str) -> list[str]:
    """Return the addresses of the links matching ``selector``, in page order."""
    return [link.get_attribute("href") or "" for link in journey.page.locator(selector).all()]


@pytest.mark.parametrize("role", ROLES)
def test_role_reaches_every_service_of_their_menu(journey: Journey, world: World, role: str) -> None:
    person = world.a.people[role]
    journey.sign_in(person.username)
    expect(journey.page.locator("main h1")).to_be_visible()
    expect(journey.page.locator("header nav.services-nav a[aria-current=page]")).to_have_attribute(
        "href", journey.route("core:dashboard")
    )

    visited = {journey.route("core:dashboard")}
    for href in hrefs(journey, MENU_LINKS):
        if href in visited:
            continue
        journey.follow(f"{MENU_LINKS}[href='{href}']")
        visited.add(href)
        expect(journey.page.locator(f"{MENU_LINKS}[aria-current=page]")).to_have_attribute("href", href)
    for name in EXPECTED_SERVICES.get(role, ["directory:person-search"]):
        assert journey.route(name) in visited, f"{role} should find {name} in the menu"
