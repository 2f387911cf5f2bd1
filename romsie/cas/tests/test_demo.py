"""The demo territory's CAS service: the library catalogue, once per territory, usable at once."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from romsie.core.testing.world import World

from .. import demo, services
from ..models import CasService


def test_the_demo_registers_the_library_catalogue_once_per_territory(world: World, client_for: Any) -> None:
    ids = [world.a.establishment.pk, world.b.establishment.pk]
    assert demo.populate(ids) == 1
    assert demo.populate(ids) == 0
    service = CasService.objects.get()
    assert service.territory == world.north and service.pattern == demo.DEMO_PREFIX

    url = demo.DEMO_PREFIX + "opac/login"
    answer = client_for(world.a.student).get(reverse("cas:login"), {"service": url})
    ticket = answer["Location"].split("ticket=")[1]
    outcome = services.ticket_validate(ticket=ticket, service_url=url)
    assert outcome.ok and outcome.attributes is not None
    assert outcome.attributes["ENTStructureUAI"] == [world.a.establishment.uai]
