"""Helpers of the SAML tests: start a sign-in as a browser does, post the provider's answer."""

from __future__ import annotations

from django.core import signing
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from romsie.saml.views import REQUEST_COOKIE, REQUEST_SALT

#: Tables whose rows would betray a sign-in that should not have happened.
WATCHED = ["identity_user", "identity_connectionlog", "saml_seenassertion", "django_session", "axes_accesslog"]


def start(client: Client, slug: str = "educonnect") -> str:
    """Follow the sign-in button; return the id of the AuthnRequest the browser carries to the provider."""
    response = client.get(reverse("saml:login", args=[slug]))
    assert response.status_code == 302
    assert "SAMLRequest=" in response["Location"]
    state = signing.loads(client.cookies[REQUEST_COOKIE].value, salt=REQUEST_SALT)
    return str(state["id"])


def post_response(client: Client, saml_response: str) -> HttpResponse:
    return client.post(reverse("saml:acs"), {"SAMLResponse": saml_response})


def row_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        counts = {}
        for table in WATCHED:
            cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 (fixed names above)
            counts[table] = cursor.fetchone()[0]
        return counts


def assert_refused(client: Client, response: HttpResponse, before: dict[str, int]) -> None:
    """A clear refusal page, no session, nothing created."""
    assert row_counts() == before
    assert response.status_code == 403
    assert "Sign-in refused" in response.content.decode()
    assert "_auth_user_id" not in client.session
