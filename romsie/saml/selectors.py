"""Reads of the saml app: the sign-in page's buttons, the territory admins' list."""

from __future__ import annotations

from django.urls import reverse

from romsie.core.access.scope import Scope
from romsie.core.registry import SignInChoice

from . import access, protocol
from .models import IdentityProvider


def sign_in_choices() -> list[SignInChoice]:
    """One button per enabled identity provider (none while our key is not configured); one query."""
    if not protocol.is_configured():
        return []
    return [
        SignInChoice(label=provider.name, url=reverse("saml:login", args=[provider.slug]))
        for provider in access.enabled_providers().select_related(None).only("slug", "name")
    ]


def provider_list_for_admin(scope: Scope) -> list[IdentityProvider]:
    """The identity providers of the administered territories, by territory and name."""
    return list(access.managed_providers(scope))
