"""The demo agendas: the establishment's coming month, class trips, invitations, personal events."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from romsie.agenda import demo, selectors
from romsie.agenda.models import Event, Invitation
from romsie.core.testing.world import World

from .builders import enable


def test_the_demo_fills_each_establishments_coming_month(world: World, client_for: Any) -> None:
    enable(world.a, world.b)
    rows = demo.populate([world.a.establishment.pk, world.b.establishment.pk], seed=1)
    assert rows > 0
    events = Event.objects.filter(establishment=world.a.establishment)
    assert events.filter(agenda="establishment").count() == len(demo.SHARED) + 1
    assert events.filter(agenda="class", school_class=world.a.school_class).exists()
    assert events.filter(agenda="personal", owner=world.a.head).exists()
    assert Invitation.objects.filter(event__establishment=world.a.establishment, invitee=world.a.teacher).exists()
    scope = client_for(world.a.parent).get(reverse("core:dashboard")).wsgi_request.scope
    titles = {e.title for e in selectors.upcoming(scope)}
    assert "Portes ouvertes" in titles and "Conseil d'administration" not in titles
