"""A parent activates their account from the letter, on a phone."""

from __future__ import annotations

from typing import Any

import pytest

from romsie.core.testing.world import World
from romsie.identity import services
from romsie.identity.models import User

from .support import Journey

NEW_PASSWORD = "un vélo rouge sous la pluie"


@pytest.fixture
def letter(world: World) -> tuple[User, str]:
    """Make ``world.a.parent`` a person who never signed in, and issue their letter's code."""
    parent = world.a.parent
    parent.set_unusable_password()
    parent.activated_at = None
    parent.save()
    codes = services.activation_codes_issue(users=[parent], establishment=world.a.establishment)
    return parent, services.format_code(codes[parent.pk])


def field_errors(page: Any) -> list[str]:
    return [text.strip() for text in page.locator("main .error").all_inner_texts()]


@pytest.mark.parametrize("viewport", ["phone"])
def test_parent_activates_their_account_and_sees_their_child(
    journey: Journey, world: World, letter: tuple[User, str]
) -> None:
    parent, code = letter
    page = journey.page
    journey.open("identity:sign-in")

    with page.expect_navigation():
        page.click(f"main a[href='{journey.route('identity:activate')}']")
    journey.check()

    # A mistyped code: an explanation, and the person stays on the page to try again.
    page.fill("#id_username", parent.username)
    page.fill("#id_code", "ABCD-EFGH")
    journey.submit()
    journey.assert_at("identity:activate")
    assert page.locator("main .form-errors[role=alert]").is_visible()
    assert page.input_value("#id_username") == parent.username
    journey.check()

    page.fill("#id_code", code)
    journey.submit()
    journey.assert_at("identity:activate-password")
    assert parent.username in page.inner_text("main")
    journey.check()

    # Too short a password is refused with a message next to the field.
    page.fill("#id_password1", "court")
    page.fill("#id_password2", "court")
    page.check("#id_accept_charter")
    journey.submit()
    journey.assert_at("identity:activate-password")
    assert field_errors(page), "a too-short password must be explained"
    assert page.locator("main .error").first.is_visible()
    journey.check()

    page.fill("#id_password1", NEW_PASSWORD)
    page.fill("#id_password2", NEW_PASSWORD)
    if not page.is_checked("#id_accept_charter"):
        page.check("#id_accept_charter")
    journey.submit()

    journey.assert_at("core:dashboard")
    children = page.locator("section[aria-labelledby=widget-context]")
    children.locator("summary").click()  # the dashboard folds the facts after what is new
    assert world.a.student.get_full_name() in children.inner_text()
    journey.check()
    parent.refresh_from_db()
    assert parent.activated_at is not None and parent.check_password(NEW_PASSWORD)


@pytest.mark.parametrize("viewport", ["phone"])
def test_charter_must_be_accepted_to_activate(journey: Journey, letter: tuple[User, str]) -> None:
    parent, code = letter
    page = journey.page
    journey.open("identity:activate")
    page.fill("#id_username", parent.username)
    page.fill("#id_code", code)
    journey.submit()

    page.fill("#id_password1", NEW_PASSWORD)
    page.fill("#id_password2", NEW_PASSWORD)
    journey.submit()

    journey.assert_at("identity:activate-password")
    assert field_errors(page)
    journey.check()
    parent.refresh_from_db()
    assert parent.activated_at is None and not parent.has_usable_password()
