"""Helpers shared by the messaging tests and the permission matrix rows."""

from __future__ import annotations

from typing import Any

from django.test import RequestFactory

from romsie.core.access.scope import Scope
from romsie.core.testing.world import World
from romsie.identity.models import User
from romsie.identity.scope import compute_scope


def enable_messaging(world: World) -> None:
    """Switch the messaging on in the world's establishments (once)."""
    for est_world in (world.a, world.b, world.c):
        establishment = est_world.establishment
        if "messaging" not in establishment.enabled_services:
            establishment.enabled_services = [*establishment.enabled_services, "messaging"]
            establishment.save()


def scope_of(user: User, establishment_id: int | None = None) -> Scope:
    """Compute the scope of a person as a request would (optionally in a chosen establishment)."""
    from django.contrib.sessions.backends.db import SessionStore

    request: Any = RequestFactory().get("/")
    request.user = user
    request.session = SessionStore()
    if establishment_id is not None:
        from romsie.identity.scope import SESSION_ESTABLISHMENT

        request.session[SESSION_ESTABLISHMENT] = establishment_id
    return compute_scope(request)


def send(sender: User, tokens: list[str], subject: str = "Hello", body: str = "Hi", **kwargs: Any) -> Any:
    """Send a message as ``sender`` through the service."""
    from romsie.messaging import services

    return services.message_save(scope=scope_of(sender), subject=subject, body=body, tokens=tokens, send=True, **kwargs)
