"""The demo's OpenID Connect client: a digital textbook platform registered by the territory.

Confidential, allowed ``openid profile establishment``, redirect URI
``https://manuels.example.test/callback``. Its secret is a fixed demo value (hashed like any
other), so the demo can be tried with an OIDC client by hand (docs/openid-connect.md).
"""

from __future__ import annotations

from collections.abc import Iterable

from oauth2_provider.models import Application

from romsie.establishments.models import Establishment

from .models import ClientRegistration

CLIENT_ID = "manuels-numeriques-demo"
CLIENT_SECRET = "demo-secret-manuels-not-for-production"  # noqa: S105 (a made-up client of the demo)
REDIRECT_URI = "https://manuels.example.test/callback"
SCOPES = "openid profile establishment"


def populate(establishment_ids: Iterable[int]) -> int:
    """Register the demo client for the territories of these establishments; return the rows created."""
    territories = sorted(
        set(Establishment.objects.filter(pk__in=list(establishment_ids)).values_list("territory_id", flat=True))
    )
    rows = 0
    for index, territory_id in enumerate(territories):
        client_id = CLIENT_ID if index == 0 else f"{CLIENT_ID}-{territory_id}"
        if Application.objects.filter(client_id=client_id).exists():
            continue
        application = Application.objects.create(
            name="Manuels numériques (démo)",
            client_id=client_id,
            client_secret=CLIENT_SECRET,
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
            redirect_uris=REDIRECT_URI,
            algorithm=Application.RS256_ALGORITHM,
        )
        ClientRegistration.objects.create(application=application, territory_id=territory_id, allowed_scopes=SCOPES)
        rows += 2
    return rows
