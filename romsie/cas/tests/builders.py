"""Builders of the CAS tests: a registered service and a ticket."""

from __future__ import annotations

from typing import Any

from romsie.establishments.models import Territory

from .. import protocol
from ..models import CasService

SERVICE_URL = "https://cdi.example.test/login/cas"
PREFIX = "https://cdi.example.test/"


def register(territory: Territory, **fields: Any) -> CasService:
    """A library catalogue registered by the territory, receiving every attribute."""
    values: dict[str, Any] = {
        "name": "Catalogue du CDI",
        "match": CasService.Match.PREFIX,
        "pattern": PREFIX,
        "attributes": list(protocol.ATTRIBUTES),
        "single_logout": False,
    }
    values.update(fields)
    return CasService.objects.create(territory=territory, **values)
