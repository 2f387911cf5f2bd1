"""Every role's main journey: sign in, see the dashboard, open each service of the menu."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from romsie.core.testing.world import ROLES, World

from .support import Journey

MENU_LINKS = "header nav.services-nav a"
SUB_NAV_LINKS = "main nav.sub-nav a"


def hrefs(journey: Journey, selector: str) -> list[str]:
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
        # A service's own sub-menu (the directory's search, classes, staff) is part of it.
        for sub_href in hrefs(journey, SUB_NAV_LINKS):
            if sub_href not in visited:
                journey.follow(f"{SUB_NAV_LINKS}[href='{sub_href}']")
                visited.add(sub_href)
    assert len(journey.scanned) >= 3, journey.scanned
