"""Reads of the OpenID Connect pages."""

from __future__ import annotations

from dataclasses import dataclass

from oauth2_provider.models import Application

from romsie.core.access.scope import Scope
from romsie.identity.models import User

from . import access
from .models import ClientRegistration, Consent
from .scopes import describe


@dataclass(frozen=True)
class ConnectedApp:
    consent: Consent
    scopes: list[tuple[str, str]]


def client_list(scope: Scope) -> list[ClientRegistration]:
    """The clients of the administered territories, by territory and name."""
    return list(access.visible_clients(scope).order_by("territory__name", "application__name"))


def connected_apps(user: User) -> list[ConnectedApp]:
    """The applications the person connected, with the scopes they allowed in plain words."""
    consents = access.visible_consents(user).order_by("application__name")
    return [ConnectedApp(consent, describe(consent.scope_list)) for consent in consents]


def consent_covers(user: User, application_id: int, scopes: list[str]) -> bool:
    """Whether the person already allowed the application every one of ``scopes``."""
    consent = access.visible_consents(user).filter(application_id=application_id).first()
    return consent is not None and set(scopes) <= set(consent.scope_list)


def application_by_client_id(client_id: str) -> Application | None:
    """The registered client with this client id, if any."""
    return Application.objects.filter(client_id=client_id).first()
