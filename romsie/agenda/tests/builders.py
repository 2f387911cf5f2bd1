"""Agenda objects for tests: events of each agenda, invitations."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from romsie.agenda.models import Event, Invitation
from romsie.core.testing.world import EstablishmentWorld
from romsie.schooling import audiences
from romsie.schooling.audiences import AudienceChoice

SERVICES = ["directory", "timetable", "documents", "agenda"]


def enable(*worlds: EstablishmentWorld) -> None:
    """Switch the agenda service on in these establishments."""
    for ew in worlds:
        ew.establishment.enabled_services = SERVICES
        ew.establishment.save(update_fields=["enabled_services"])


def at(days: int = 1, hour: int = 10) -> datetime.datetime:
    """A local time ``days`` from today at ``hour``."""
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def event(
    ew: EstablishmentWorld,
    *,
    agenda: str = Event.Agenda.ESTABLISHMENT,
    owner: Any = None,
    title: str = "Conseil d'administration",
    starts_at: datetime.datetime | None = None,
    hours: int = 2,
    audience: AudienceChoice | None = None,
    school_class: Any = None,
    **fields: Any,
) -> Event:
    """An event of ``ew``'s establishment (default: the head's, for everyone)."""
    starts_at = starts_at or at()
    row = Event.objects.create(
        establishment=ew.establishment,
        agenda=agenda,
        owner=owner or ew.head,
        title=title,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=hours),
        school_class=school_class,
        **fields,
    )
    if agenda != Event.Agenda.PERSONAL:
        choice = audience or AudienceChoice()
        if school_class is not None:
            choice = AudienceChoice(choice.roles, frozenset(), frozenset({school_class.pk}))
        audiences.audience_apply(row, choice)
    return row


def invite(row: Event, *people: Any) -> list[Invitation]:
    return [Invitation.objects.create(establishment_id=row.establishment_id, event=row, invitee=p) for p in people]
