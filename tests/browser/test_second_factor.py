"""A head sets up two-step verification at sign-in, then signs in with a code (phone and desktop)."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import pytest
from django_otp.oath import totp

from romsie.core.testing.factories import TEST_PASSWORD
from romsie.core.testing.world import World

from .support import Journey


def code_for(secret_text: str, drift: int = 0) -> str:
    """What the head's authenticator app shows for the key printed on the page."""
    key = base64.b32decode(secret_text.replace(" ", ""))
    return f"{totp(key, 30, 0, 6, drift):06d}"


def password_step(journey: Journey, username: str) -> None:
    journey.open("identity:sign-in")
    journey.page.fill("#id_username", username)
    journey.page.fill("#id_password", TEST_PASSWORD)
    journey.submit()
    journey.assert_at("identity:second-factor")
    journey.check()


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_a_head_sets_up_an_app_then_signs_in_with_a_code(
    journey: Journey, world: World, settings: Any, another_journey: Callable[[str], Journey], viewport: str
) -> None:
    settings.ROMSIE_SECOND_FACTOR_REQUIRED = True
    head = world.a.head
    page = journey.page

    # After the password, a head without an app must set one up: the QR code and the key as text.
    password_step(journey, head.username)
    assert page.locator("main svg.qr-code").is_visible()
    secret = page.inner_text("main code.secret-key")

    # The dashboard is out of reach until then.
    page.goto(journey.url("core:dashboard"))
    journey.assert_at("identity:sign-in")
    page.goto(journey.url("identity:second-factor"))
    journey.check()

    page.fill("#id_code", code_for(secret))
    journey.submit()
    codes = page.locator("main .recovery-codes li").all_inner_texts()
    assert len(codes) == 10
    journey.check()
    journey.follow("main a.button")
    journey.assert_at("core:dashboard")

    # Next time, on another browser: the password, then a code of the app.
    later = another_journey(viewport)
    password_step(later, head.username)
    assert later.page.locator("#id_code").is_visible()
    later.page.fill("#id_code", code_for(secret, drift=1))  # the next code: the first one is spent
    later.submit()
    later.assert_at("core:dashboard")
    later.check()
