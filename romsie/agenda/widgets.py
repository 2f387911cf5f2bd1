"""Dashboard contribution of the agendas: the establishment's next events the person may see.

Cached for a minute per person against version stamps: ``agenda`` (the establishment's shared
events), ``agenda-person`` (the person's invitations) and ``structure`` (classes, enrolments,
teachings: who is in an audience), plus the date and hour (past events leave the list).
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from romsie.core import registry, versions
from romsie.core.access.scope import ScopedRequest

from . import selectors
from .habilitations import AgendaHabilitation

SERVICE = "agenda"


def next_events_context(request: ScopedRequest) -> dict[str, Any] | None:
    return {"events": selectors.next_shared_events(request.scope)}


def next_events_stamp(request: ScopedRequest) -> tuple[Any, ...]:
    scope = request.scope
    keys = [
        versions.key(versions.Kind.AGENDA, scope.establishment_id),
        versions.key(versions.Kind.AGENDA_PERSON, scope.user_id),
        versions.key(versions.Kind.STRUCTURE, scope.establishment_id),
    ]
    now = timezone.localtime()
    return (now.date(), now.hour, *versions.stamp(*keys))


NEXT_EVENTS_WIDGET = registry.Widget(
    key="agenda-next",
    template_name="agenda/_widget_next.html",
    get_context=next_events_context,
    order=9,
    service=SERVICE,
    habilitation=AgendaHabilitation.VIEW,
    css=("agenda/agenda.css",),
    cache_stamp=next_events_stamp,
)
