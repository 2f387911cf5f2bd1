"""Check the checkers: the guard must see what the journeys rely on it to see."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from .support import AXE, Guard, Journey


def test_axe_runs_and_csp_violations_surface_under_the_strict_policy(page: Any, live_server: Any, guard: Guard) -> None:
    page.goto(live_server.url + reverse("identity:sign-in"))

    results = AXE.run(page)
    assert results.response["testEngine"]["name"] == "axe-core"
    assert guard.problems() == []

    # An inline style attribute is exactly what the policy forbids: Chromium blocks it and
    # logs a console error, which the guard must report.
    page.evaluate("document.body.insertAdjacentHTML('beforeend', '<p style=\"color: red\">inline</p>')")
    page.wait_for_timeout(100)
    assert any("Content Security Policy" in error for error in guard.console_errors), guard.console_errors


def test_requests_to_another_host_are_reported(page: Any, live_server: Any, guard: Guard) -> None:
    page.goto(live_server.url + reverse("identity:sign-in"))

    # The CSP already blocks scripts, styles and fetches from elsewhere (and the console
    # guard reports it); a link followed to another site is what is left to notice.
    page.route("http://elsewhere.invalid/**", lambda route: route.fulfill(body="elsewhere"))
    page.evaluate("window.location.href = 'http://elsewhere.invalid/tracker'")
    page.wait_for_url("http://elsewhere.invalid/tracker")

    assert guard.foreign_requests == ["http://elsewhere.invalid/tracker"]


def test_an_accessibility_violation_fails_the_check(journey: Journey) -> None:
    journey.open("identity:sign-in")

    # A form field nobody labelled: axe-core must report it, and the check must fail.
    journey.page.evaluate("document.querySelector('main form').insertAdjacentHTML('beforeend', '<input type=text>')")

    with pytest.raises(AssertionError, match="label"):
        journey.check()
