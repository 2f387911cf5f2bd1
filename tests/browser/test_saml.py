"""A parent signs in with "their EduConnect account": the sign-in page's button, the provider, back signed in.

The provider is the tests' local SAML identity provider (pysaml2) behind a small HTTP server on
this machine; its signed answer goes through the real assertion consumer service.
"""

from __future__ import annotations

import base64
import html
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
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


class StandInProvider(ThreadingHTTPServer):
    """The identity provider's site on this machine: its sign-in page answers at once with a signed answer."""

    def __init__(self, tmp_path: Path, external_id: str, acs_url: str) -> None:
        super().__init__(("127.0.0.1", 0), _ProviderPage)
        self.url = f"http://127.0.0.1:{self.server_address[1]}"
        self.idp = LocalIdP(tmp_path, entity_id=f"{self.url}/educonnect")
        self.external_id = external_id
        self.acs_url = acs_url
        threading.Thread(target=self.serve_forever, daemon=True).start()


class _ProviderPage(BaseHTTPRequestHandler):
    server: StandInProvider

    def do_GET(self) -> None:
        # The person has signed in at the provider; its page posts the signed answer back.
        query = parse_qs(urlsplit(self.path).query)
        if "SAMLRequest" not in query:
            self.send_response(404)
            self.end_headers()
            return
        encoded = query["SAMLRequest"][0]
        request = authn_request_from_string(zlib.decompress(base64.b64decode(encoded), -15).decode())
        saml = self.server.idp.response(in_response_to=request.id, attributes={"FrEduCtId": [self.server.external_id]})
        body = (
            '<!doctype html><html lang="fr"><head><title>EduConnect</title><link rel="icon" href="data:,"></head>'
            "<body><main>"
            f'<form method="post" action="{html.escape(self.server.acs_url)}">'
            f'<input type="hidden" name="SAMLResponse" value="{html.escape(saml)}">'
            '<button type="submit">Continuer</button></form></main></body></html>'
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.mark.parametrize("viewport", ["phone"])
def test_a_parent_signs_in_with_educonnect(
    journey: Journey, world: World, guard: Guard, live_server: Any, settings: Any, tmp_path: Path
) -> None:
    settings.ROMSIE_PUBLIC_URL = live_server.url
    world.a.parent.external_id = "FAM-0001"
    world.a.parent.save()
    provider = StandInProvider(tmp_path, "FAM-0001", journey.url("saml:acs"))
    register(provider.idp, world.north)
    page = journey.page
    try:
        journey.open("identity:sign-in")
        button = page.locator(f"main a[href='{journey.route('saml:login', 'educonnect')}']")
        expect(button).to_contain_text("ÉduConnect")
        with page.expect_navigation():
            button.click()
        assert page.url.startswith(f"{provider.url}/educonnect/sso?SAMLRequest=")
        assert guard.foreign_requests and all(url.startswith(provider.url) for url in guard.foreign_requests)
        guard.foreign_requests.clear()  # the provider is the one other host this journey reaches

        with page.expect_navigation():
            page.click("button[type=submit]")
        journey.assert_at("core:dashboard")
        journey.check()
        expect(page.locator("header")).to_contain_text(world.a.parent.first_name)
    finally:
        provider.shutdown()
        provider.server_close()
