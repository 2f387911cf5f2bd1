"""A parent creates a personal access token on a phone, a program reads the API with it, the parent revokes it."""

from __future__ import annotations

import pytest
from django.test import Client
from playwright.sync_api import expect

from romsie.core.testing.world import World

from .support import Guard, Journey


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_a_parent_creates_a_personal_token_uses_it_and_revokes_it(
    journey: Journey, world: World, guard: Guard, viewport: str
) -> None:
    page = journey.page
    journey.sign_in(world.a.parent.username)
    journey.open("api:token-list")
    page.fill("#id_name", "Calendrier familial")
    page.check("input[name=scopes][value=timetable]")
    page.check("input[name=scopes][value=homework]")
    journey.submit("main form button[type=submit]")
    journey.check()  # the token, shown once
    secret = page.locator("#personal-token-secret").inner_text().strip()
    expect(page.locator("main")).to_contain_text("Calendrier familial")

    # A program on the parent's phone reads the API with it.
    program = Client()
    answer = program.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert answer.status_code == 200
    assert answer.json()["username"] == world.a.parent.username

    journey.open("api:token-list")
    journey.submit("main form[action*='revoquer'] button[type=submit]")
    journey.check()
    expect(page.locator("main")).not_to_contain_text("Calendrier familial")
    assert program.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401

    # The API's browsable description is served by the ENT itself, under its strict policy.
    response = page.goto(journey.base_url + "/api/v1/docs/")
    assert response is not None and response.ok
    page.wait_for_load_state("load")
    guard.assert_clean()  # no request to another host, no CSP violation, no script error
