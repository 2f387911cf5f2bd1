"""Demo content of the agendas: the establishment's coming month, class events, invitations, personal events.

For each establishment (bounded: a dozen events and a few classes each, written in bulk): the
establishment's events of the coming month (open day, board meeting, class councils, a mock
exam for the last level, a parents' meeting), a trip in the agenda of up to three classes
(published by a teacher of the class), a staff meeting with its teachers invited, and a few
personal events for the head, a teacher, a parent and a student; a rehearsal in the agenda of
each community. Deterministic for a seed.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from romsie.communities.models import Membership
from romsie.identity.models import Guardianship, Role, RoleAssignment, StaffFunction
from romsie.schooling.models import SchoolClass, Teaching

from .models import Event, Invitation

MAX_CLASSES = 3
MAX_INVITEES = 6

SHARED = [
    # title, category, day offset, hour, hours, roles, narrowed to the last level
    ("Portes ouvertes", Event.Category.OPEN_DAY, 12, 9, 3, ("students", "parents", "teachers", "staff"), False),
    ("Conseil d'administration", Event.Category.MEETING, 5, 18, 2, ("teachers", "staff"), False),
    ("Conseils de classe du 1er trimestre", Event.Category.CLASS_COUNCIL, 19, 17, 3, ("teachers", "staff"), False),
    ("Épreuve commune", Event.Category.EXAM, 9, 8, 4, ("students", "parents"), True),
    ("Réunion parents-professeurs", Event.Category.MEETING, 15, 17, 3, ("parents", "teachers"), False),
    ("Cross de l'établissement", Event.Category.OTHER, 23, 13, 3, ("students", "parents", "teachers"), False),
]
PERSONAL = [("Rendez-vous médical", 3, 16), ("Appeler la mairie", 1, 11), ("Préparer la sortie", 6, 14)]


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def populate(
    establishment_ids: Iterable[int],
    *,
    seed: int = 2026,
    today: datetime.date | None = None,
    featured_user_ids: Iterable[int] = (),
) -> int:
    """Write the demo agendas of the establishments; return the number of rows created.

    ``featured_user_ids`` (the demo's key accounts) get personal events too, in the first of
    these establishments where they hold a role.
    """
    rng = random.Random(seed)
    today = today or timezone.localdate()
    ids = list(establishment_ids)
    heads = dict(
        RoleAssignment.objects.filter(
            establishment_id__in=ids, role=Role.STAFF, function=StaffFunction.HEAD, is_active=True
        )
        .order_by("-pk")
        .values_list("establishment_id", "user_id")
    )
    featured: dict[int, int] = {}
    for user, place in RoleAssignment.objects.filter(
        user_id__in=list(featured_user_ids), establishment_id__in=ids, is_active=True
    ).values_list("user_id", "establishment_id"):
        featured.setdefault(user, place)
    events: list[Event] = []
    class_links: list[tuple[int, int]] = []  # (index of the event, class id)
    level_links: list[tuple[int, int]] = []
    invitations: list[tuple[int, int, int]] = []  # (index of the event, establishment, invitee)
    for establishment_id in ids:
        head = heads.get(establishment_id)
        if head is None:
            continue
        classes = list(
            SchoolClass.objects.filter(establishment_id=establishment_id, school_year__is_current=True).order_by(
                "-level__order", "name"
            )
        )
        teachings = list(
            Teaching.objects.filter(establishment_id=establishment_id, school_class__in=classes)
            .order_by("pk")
            .values_list("school_class_id", "teacher_id")
        )
        teacher_of = dict(teachings)
        teachers = sorted({teacher for _c, teacher in teachings})
        for title, category, offset, hour, hours, roles, narrowed in SHARED:
            starts = _at(today + datetime.timedelta(days=offset + rng.randint(0, 2)), hour)
            events.append(
                _event(establishment_id, Event.Agenda.ESTABLISHMENT, head, title, category, starts, hours, roles)
            )
            if narrowed and classes:
                level_links.append((len(events) - 1, classes[0].level_id))
                events[-1].is_narrowed = True
        staff_meeting = len(events)
        events.append(
            _event(
                establishment_id,
                Event.Agenda.ESTABLISHMENT,
                head,
                "Réunion de l'équipe pédagogique",
                Event.Category.MEETING,
                _at(today + datetime.timedelta(days=4), 17),
                1,
                ("staff",),
            )
        )
        invitations += [(staff_meeting, establishment_id, teacher) for teacher in teachers[:MAX_INVITEES]]
        for school_class in [c for c in classes if c.pk in teacher_of][:MAX_CLASSES]:
            starts = _at(today + datetime.timedelta(days=rng.randint(7, 27)), 8)
            trip = _event(
                establishment_id,
                Event.Agenda.CLASS,
                teacher_of[school_class.pk],
                f"Sortie pédagogique — {school_class.name}",
                Event.Category.TRIP,
                starts,
                8,
                ("students", "parents", "teachers"),
            )
            trip.school_class_id, trip.is_narrowed = school_class.pk, True
            trip.place = "Muséum d'histoire naturelle"
            events.append(trip)
            class_links.append((len(events) - 1, school_class.pk))
        owners = [head, *teachers[:1], *_first(establishment_id, Role.PARENT), *_first(establishment_id, Role.STUDENT)]
        owners += [user for user, place in featured.items() if place == establishment_id and user not in owners]
        for owner in owners:
            for title, offset, hour in PERSONAL[: 1 + rng.randint(0, 2)]:
                starts = _at(today + datetime.timedelta(days=offset), hour)
                personal = _event(
                    establishment_id, Event.Agenda.PERSONAL, owner, title, Event.Category.OTHER, starts, 1, ()
                )
                personal.reminder_minutes = Event.Reminder.HOUR_1
                events.append(personal)
    created = Event.objects.bulk_create(events, batch_size=500)
    through_classes: Any = Event.school_classes.through
    through_levels: Any = Event.levels.through
    through_classes.objects.bulk_create(
        [through_classes(event_id=created[i].pk, schoolclass_id=c) for i, c in class_links], batch_size=500
    )
    through_levels.objects.bulk_create(
        [through_levels(event_id=created[i].pk, level_id=lv) for i, lv in level_links], batch_size=500
    )
    invited = Invitation.objects.bulk_create(
        [
            Invitation(
                establishment_id=e,
                event_id=created[i].pk,
                invitee_id=p,
                answer=rng.choice(list(Invitation.Answer.values)),
            )
            for i, e, p in invitations
        ],
        batch_size=500,
    )
    return len(created) + len(class_links) + len(level_links) + len(invited) + _community_events(ids, today)


def _community_events(establishment_ids: list[int], today: datetime.date) -> int:
    """A rehearsal next week in the agenda of every community of these establishments (its owner's)."""
    owners = Membership.objects.filter(
        establishment_id__in=establishment_ids, role=Membership.Role.OWNER, status=Membership.Status.ACTIVE
    ).order_by("community_id", "pk")
    first_owner: dict[int, tuple[int, int]] = {}
    for community_id, establishment_id, user_id in owners.values_list("community_id", "establishment_id", "user_id"):
        first_owner.setdefault(community_id, (establishment_id, user_id))
    day = today + datetime.timedelta(days=7 - today.weekday() + 3)  # Thursday next week
    events = [
        Event(
            establishment_id=establishment_id,
            agenda=Event.Agenda.COMMUNITY,
            community_id=community_id,
            owner_id=owner_id,
            title="Répétition",
            place="Salle polyvalente",
            category=Event.Category.OTHER,
            starts_at=_at(day, 13),
            ends_at=_at(day, 15),
        )
        for community_id, (establishment_id, owner_id) in sorted(first_owner.items())
    ]
    return len(Event.objects.bulk_create(events))


def _first(establishment_id: int, role: str) -> list[int]:
    """The first guardian (a parent) or the first role holder (a student) of the establishment."""
    if role == Role.PARENT:
        guardians = Guardianship.objects.filter(establishment_id=establishment_id).order_by("pk")
        return list(guardians.values_list("guardian_id", flat=True)[:1])
    holders = RoleAssignment.objects.filter(establishment_id=establishment_id, role=role, is_active=True)
    return list(holders.order_by("pk").values_list("user_id", flat=True)[:1])


def _event(
    establishment_id: int,
    agenda: str,
    owner: int,
    title: str,
    category: str,
    starts: datetime.datetime,
    hours: int,
    roles: tuple[str, ...],
) -> Event:
    return Event(
        establishment_id=establishment_id,
        agenda=agenda,
        owner_id=owner,
        title=title,
        category=category,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=hours),
        for_students="students" in roles,
        for_parents="parents" in roles,
        for_teachers="teachers" in roles,
        for_staff="staff" in roles,
    )
