"""Reads of the CAS server: which registered service a ``service`` address belongs to."""

from __future__ import annotations

from django.db.models import QuerySet

from romsie.core.access.scope import Scope
from romsie.establishments.models import Territory

from . import access, protocol
from .models import CasService


def _first_matching(services: QuerySet[CasService], service_url: str) -> CasService | None:
    clean = protocol.clean_service_url(service_url)
    if clean is None:
        return None
    return next((s for s in services if protocol.matches(s.match, s.pattern, clean)), None)


def service_for_person(scope: Scope, service_url: str) -> CasService | None:
    """The service of the person's territory the address belongs to, if any (one query)."""
    return _first_matching(access.services_open_to(scope), service_url)


def service_anywhere(service_url: str) -> CasService | None:
    """The service of any territory the address belongs to (before sign-in, and after sign-out)."""
    return _first_matching(CasService.objects.order_by("pk"), service_url)


def service_list(scope: Scope, territory: Territory) -> QuerySet[CasService]:
    """A territory's services, for its admins' page."""
    return access.administered_services(scope, territory)
