"""A parent signs in with "their EduConnect account": the sign-in page's button, the provider, back signed in.

The provider is the tests' local SAML identity provider (pysaml2), answering at an address the
browser is routed to; its signed answer goes through the real assertion consumer service.
"""

from __future__ import annotations

import base64
import html
import zlib
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect
from saml2.samlp import authn_request_from_string

from romsie.core.testing.world import World
from romsie.saml.tests.conftest import register
from romsie.saml.tests.idp import LocalIdP

from .support import Guard, Journey

IDP = "http://idp.test.invalid/educonnect"


def _request_id(url: str) -> str:
    encoded = parse_qs(urlsplit(url).query)["SAMLRequest"][0]
    return str(authn_request_from_string(zlib.decompress(base64.b64decode(encoded), -15).decode()).id)


@pytest.mark.parametrize("viewport", ["phone"])
def test_a_parent_signs_in_with_educonnect(
    journey: Journey, world: World, guard: Guard, live_server: Any, settings: Any, tmp_path: Path
) -> None:
    settings.ROMSIE_PUBLIC_URL = live_server.url
    world.a.parent.external_id = "FAM-0001"
    world.a.parent.save()
    idp = LocalIdP(tmp_path, entity_id=IDP)
    register(idp, world.north)
    page = journey.page

    def answer(route: Any) -> None:
        # The provider's page: the person has signed in there; its form posts the signed answer back.
        saml = idp.response(in_response_to=_request_id(route.request.url), attributes={"FrEduCtId": ["FAM-0001"]})
        body = (
            f'<!doctype html><html lang="fr"><head><title>EduConnect</title></head><body><main>'
            f'<form method="post" action="{html.escape(journey.url("saml:acs"))}">'
            f'<input type="hidden" name="SAMLResponse" value="{html.escape(saml)}">'
            f'<button type="submit">Continuer</button></form></main></body></html>'
        )
        route.fulfill(status=200, content_type="text/html", body=body)

    page.route(f"{IDP}/**", answer)
    journey.open("identity:sign-in")
    button = page.locator(f"main a[href='{journey.route('saml:login', 'educonnect')}']")
    expect(button).to_contain_text("ÉduConnect")
    with page.expect_navigation():
        button.click()
    assert page.url.startswith(f"{IDP}/sso?SAMLRequest=")
    assert guard.foreign_requests and all(url.startswith(IDP) for url in guard.foreign_requests)
    guard.foreign_requests.clear()  # the provider is the one other host this journey reaches

    with page.expect_navigation():
        page.click("button[type=submit]")
    journey.assert_at("core:dashboard")
    journey.check()
    expect(page.locator("header")).to_contain_text(world.a.parent.first_name)
