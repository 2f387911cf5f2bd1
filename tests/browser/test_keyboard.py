"""Keyboard only: signing in and skipping the header work without a mouse."""

from __future__ import annotations

from typing import Any

import pytest

from romsie.core.testing.factories import TEST_PASSWORD
from romsie.core.testing.world import World

from .support import Journey


def focused(page: Any) -> dict[str, str]:
    """Describe the focused element: tag, id, class, text and name."""
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            return {tag: el.tagName.toLowerCase(), id: el.id, cls: String(el.className),
                    text: el.textContent.trim(), type: el.getAttribute('type') || ''};
        }"""
    )


def tab_stops(page: Any, count: int) -> list[dict[str, str]]:
    """Press Tab ``count`` times and return where the focus went each time."""
    stops = []
    for _ in range(count):
        page.keyboard.press("Tab")
        stops.append(focused(page))
    return stops


def test_first_tab_on_the_sign_in_page_reaches_the_skip_link_then_the_form(journey: Journey) -> None:
    page = journey.page
    journey.open("identity:sign-in")

    stops = tab_stops(page, 4)
    ids = [stop["id"] for stop in stops]

    assert "skip-link" in stops[0]["cls"], stops
    assert "id_username" in ids and ids.index("id_username") < ids.index("id_password"), ids


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_person_signs_in_with_the_keyboard_alone(journey: Journey, world: World) -> None:
    page = journey.page
    journey.open("identity:sign-in")

    # Whether the username is focused on arrival or reached with Tab, the skip link comes first.
    if focused(page)["id"] != "id_username":
        page.keyboard.press("Tab")
        assert "skip-link" in focused(page)["cls"], focused(page)
        for _ in range(6):
            if focused(page)["id"] == "id_username":
                break
            page.keyboard.press("Tab")
        assert focused(page)["id"] == "id_username", focused(page)
    page.keyboard.type(world.a.teacher.username)
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "id_password"
    page.keyboard.type(TEST_PASSWORD)
    page.keyboard.press("Tab")
    assert (focused(page)["tag"], focused(page)["type"]) == ("button", "submit"), "the button follows the password"
    page.keyboard.press("Shift+Tab")

    with page.expect_navigation():
        page.keyboard.press("Enter")

    journey.assert_at("core:dashboard")
    journey.check()


def test_skip_link_is_the_first_stop_and_moves_focus_to_the_content(journey: Journey, world: World) -> None:
    page = journey.page
    journey.sign_in(world.a.parent.username)
    page.reload()

    page.keyboard.press("Tab")
    assert "skip-link" in focused(page)["cls"], focused(page)
    assert page.locator(".skip-link").is_visible(), "the skip link must show when focused"
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "main"

    page.keyboard.press("Tab")
    inside_main = page.evaluate("document.getElementById('main').contains(document.activeElement)")
    assert inside_main, f"after the skip link, Tab went to {focused(page)} instead of the content"
