"""The scopes a client may ask for: those of the settings, narrowed to what its territory allowed it."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from oauth2_provider.scopes import SettingsScopes


def describe(scopes: list[str]) -> list[tuple[str, str]]:
    """Each scope with its description in plain words (in the person's language)."""
    known: dict[str, Any] = settings.OAUTH2_SCOPES
    return [(name, str(known[name])) for name in scopes if name in known]


def allowed_for(application: Any) -> list[str]:
    """The scopes a client was registered for (none for a client without a registration)."""
    registration = getattr(application, "registration", None) if application is not None else None
    return registration.scopes if registration is not None else []


class ClientScopes(SettingsScopes):
    """A client may only ask for the scopes it was registered for (``ClientRegistration``)."""

    def get_available_scopes(
        self, application: Any = None, request: Any = None, *args: Any, **kwargs: Any
    ) -> list[str]:
        known = list(super().get_available_scopes(application, request, *args, **kwargs))
        if application is None and request is None:
            return known  # the discovery document: every scope of the provider
        return [name for name in allowed_for(application) if name in known]

    def get_default_scopes(self, application: Any = None, request: Any = None, *args: Any, **kwargs: Any) -> list[str]:
        return [name for name in ("openid",) if name in allowed_for(application)]
