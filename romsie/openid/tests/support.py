"""A real OpenID Connect client (authlib) talking to the test server through Django's test client.

``DjangoTransport`` is a ``requests`` adapter: authlib's ``OAuth2Session`` (a ``requests.Session``)
sends its HTTP requests to the Django application in-process, so the whole protocol runs as on the
wire (headers, form bodies, Basic authentication, JSON answers) without a live server.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import requests
from authlib.integrations.requests_client import OAuth2Session
from django.test import Client
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

from romsie.core.testing.factories import scope_of
from romsie.establishments.models import Territory
from romsie.identity.models import User
from romsie.openid import services
from romsie.openid.services import NewClient

ISSUER = "http://testserver"
REDIRECT_URI = "https://manuels.example.test/callback"


class DjangoTransport(BaseAdapter):
    """Send ``requests``' requests to the Django application through a test client."""

    def __init__(self, client: Client | None = None) -> None:
        super().__init__()
        self.client = client or Client()

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        parts = urlsplit(request.url or "")
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        extra = {
            "HTTP_" + name.upper().replace("-", "_"): value
            for name, value in request.headers.items()
            if name.lower() not in ("content-type", "content-length")
        }
        body = request.body or b""
        if isinstance(body, str):
            body = body.encode()
        answer = self.client.generic(
            str(request.method), path, data=body, content_type=request.headers.get("Content-Type", ""), **extra
        )
        response = requests.Response()
        response.status_code = answer.status_code
        response._content = answer.content
        response.headers = CaseInsensitiveDict(dict(answer.items()))
        response.url = request.url or ""
        response.request = request
        response.encoding = "utf-8"
        return response

    def close(self) -> None:
        return None


def session(registered: NewClient, scope: str = "openid profile establishment", **kwargs: Any) -> OAuth2Session:
    """An authlib client for a registered client, speaking to the test server."""
    application = registered.registration.application
    client = OAuth2Session(
        client_id=application.client_id,
        client_secret=registered.secret or None,
        scope=scope,
        redirect_uri=REDIRECT_URI,
        code_challenge_method="S256",
        token_endpoint_auth_method="client_secret_basic" if registered.secret else "none",
        **kwargs,
    )
    client.mount("http://testserver/", DjangoTransport())
    return client


def register(
    admin: User,
    territory: Territory,
    *,
    scopes: str = "openid profile email establishment",
    confidential: bool = True,
    name: str = "Manuels",
    redirect_uris: list[str] | None = None,
) -> NewClient:
    return services.client_create(
        scope=scope_of(admin),
        territory=territory,
        name=name,
        redirect_uris=redirect_uris or [REDIRECT_URI],
        scopes=scopes.split(),
        confidential=confidential,
    )


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def authorize_url(client_id: str, challenge: str, *, scope: str = "openid profile", **extra: str) -> str:
    params = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": REDIRECT_URI,
        "scope": scope,
        "state": "state-123",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        **extra,
    }
    return "/oauth/authorize/?" + urlencode(params)


def query_of(location: str) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(urlsplit(location).query).items()}


def consent(browser: Client, url: str) -> str:
    """Show the consent screen, allow, and return where the browser is sent (the client's callback)."""
    page = browser.get(url)
    if page.status_code == 302:  # consent remembered: no screen
        return str(page["Location"])
    assert page.status_code == 200, page.content[:500]
    form = page.context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data["allow"] = "on"
    answer = browser.post("/oauth/authorize/", data)
    assert answer.status_code == 302, answer.content[:500]
    return str(answer["Location"])
