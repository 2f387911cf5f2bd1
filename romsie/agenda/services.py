"""Writes of the agendas: events, invitations, answers, reminders.

Every write is keyword-only and atomic; a refusal the person can act on is an
``ApplicationError``. Writes bump the cache versions read by the week view and the dashboard
widget (``agenda`` for the establishment's shared events, ``agenda-person`` for a person's own
events and invitations), after the transaction commits.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from romsie.communities.models import Community
from romsie.core import versions
from romsie.core.access.scope import Scope
from romsie.core.concurrency import claim_version
from romsie.core.errors import ApplicationError
from romsie.core.richtext import clean_rich_text
from romsie.identity.models import User
from romsie.notifications.kinds import local_date, local_date_time
from romsie.notifications.services import notify
from romsie.schooling import audiences
from romsie.schooling.audiences import AudienceChoice
from romsie.schooling.models import SchoolClass

from . import access
from .models import Event, Invitation

MAX_YEARS_AHEAD = 3


@dataclass(frozen=True)
class EventData:
    """What an event is made of, as a form or a CalDAV client gives it."""

    title: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    description: str = ""
    place: str = ""
    category: str = Event.Category.OTHER
    is_all_day: bool = False
    reminder_minutes: int | None = None


def _bump_after(event: Event, extra_people: Iterable[int] = ()) -> None:
    establishment_id, owner_id, personal = event.establishment_id, event.owner_id, event.is_personal
    people = list(extra_people)

    def bump() -> None:
        if not personal:
            versions.bump(versions.Kind.AGENDA, establishment_id)
        for person in {owner_id, *people}:
            versions.bump(versions.Kind.AGENDA_PERSON, person)

    bump()  # now, and again once committed: a reader between the two recomputes once more
    transaction.on_commit(bump)


def _check(data: EventData) -> None:
    if not data.title.strip():
        raise ApplicationError(_("Give the event a title."))
    if data.ends_at < data.starts_at:
        raise ApplicationError(_("The event ends before it starts: check its end."), extra={"reason": "ends_first"})
    if data.starts_at > timezone.now() + datetime.timedelta(days=365 * MAX_YEARS_AHEAD + 1):
        raise ApplicationError(
            _("An event may be planned at most %(years)d years ahead.") % {"years": MAX_YEARS_AHEAD},
            extra={"reason": "too_far"},
        )


def _fill(event: Event, data: EventData) -> None:
    event.title = data.title.strip()[:200]
    event.description = clean_rich_text(data.description)
    event.place = data.place.strip()[:200]
    event.category = data.category if data.category in Event.Category.values else Event.Category.OTHER
    event.starts_at, event.ends_at, event.is_all_day = data.starts_at, data.ends_at, data.is_all_day
    if event.reminder_minutes != data.reminder_minutes or event.starts_at != data.starts_at:
        event.reminded_at = None
    event.reminder_minutes = data.reminder_minutes


@transaction.atomic
def event_create(
    *,
    scope: Scope,
    agenda: str,
    data: EventData,
    school_class: SchoolClass | None = None,
    audience: AudienceChoice | None = None,
    uid: str = "",
    community: Community | None = None,
) -> Event:
    """Create an event in one of the agendas the person may publish in."""
    if agenda not in access.agendas_for(scope):
        raise ApplicationError(_("You may not publish in this agenda."))
    _check(data)
    event = Event(establishment_id=scope.establishment_id, agenda=agenda, owner_id=scope.user_id)
    if uid:
        event.uid = uid[:255]
    if agenda == Event.Agenda.CLASS:
        if school_class is None or not access.publishable_classes(scope).filter(pk=school_class.pk).exists():
            raise ApplicationError(_("Choose one of the classes whose agenda you may publish in."))
        event.school_class = school_class
    if agenda == Event.Agenda.COMMUNITY:
        if community is None or not access.publishable_communities(scope).filter(pk=community.pk).exists():
            raise ApplicationError(_("Choose one of the communities whose agenda you may publish in."))
        event.community = community
    _fill(event, data)
    try:
        with transaction.atomic():
            event.save()
    except IntegrityError as error:
        raise ApplicationError(_("This event already exists."), extra={"reason": "uid_taken"}) from error
    _set_audience(scope, event, audience)
    _bump_after(event)
    return event


def _set_audience(scope: Scope, event: Event, audience: AudienceChoice | None) -> None:
    if event.is_personal or event.agenda == Event.Agenda.COMMUNITY:
        return  # a community's event is for its members, never an audience of the establishment
    choice = audience or AudienceChoice()
    if event.agenda == Event.Agenda.CLASS and event.school_class_id is not None:
        # A class event is for its class: the roles chosen, narrowed to that class.
        choice = AudienceChoice(choice.roles, frozenset(), frozenset({event.school_class_id}))
        audiences.audience_apply(event, choice, classes=SchoolClass.objects.filter(pk=event.school_class_id))
    else:
        audiences.audience_apply(event, choice)


@transaction.atomic
def event_update(
    *, scope: Scope, event: Event, data: EventData, version: int | None, audience: AudienceChoice | None = None
) -> Event:
    """Change an event the person may edit; a stale ``version`` is refused (``StaleEdit``)."""
    if not access.can_edit_event(scope, event):
        raise ApplicationError(_("You may not change this event."))
    _check(data)
    claim_version(event, version)
    _fill(event, data)
    event.save()
    if audience is not None:
        _set_audience(scope, event, audience)
    _bump_after(event, event.invitations.values_list("invitee_id", flat=True))
    return event


@transaction.atomic
def event_delete(*, scope: Scope, event: Event, version: int | None = None) -> None:
    """Delete an event the person may edit (with its invitations)."""
    if not access.can_edit_event(scope, event):
        raise ApplicationError(_("You may not delete this event."))
    if version is not None:
        claim_version(event, version)
    invitees = list(event.invitations.values_list("invitee_id", flat=True))
    _bump_after(event, invitees)
    event.delete()


def event_params(params: dict[str, Any]) -> dict[str, Any]:
    """Word an event's notification in the reader's language (``%(when)s``)."""
    if "on" not in params:
        return params
    when = local_date(params["on"]) if not params.get("at") else local_date_time(params["on"], params["at"])
    return {**params, "when": when}


def _when(event: Event) -> dict[str, str]:
    local = timezone.localtime(event.starts_at)
    return {"on": local.date().isoformat(), "at": "" if event.is_all_day else local.strftime("%H:%M")}


@transaction.atomic
def event_invite(*, scope: Scope, event: Event, invitee_ids: Iterable[int]) -> int:
    """Invite people of the establishment to a shared event; notify the new invitees. Return how many."""
    if not access.can_invite(scope, event):
        raise ApplicationError(_("You may not invite people to this event."))
    wanted = set(invitee_ids) - {event.owner_id}
    allowed = set(access.invitable_people(scope).filter(pk__in=wanted).values_list("pk", flat=True))
    if allowed != wanted:
        raise ApplicationError(_("Some of the people chosen cannot be invited."))
    already = set(event.invitations.values_list("invitee_id", flat=True))
    new = sorted(allowed - already)
    Invitation.objects.bulk_create(
        [Invitation(establishment_id=event.establishment_id, event=event, invitee_id=pk) for pk in new]
    )
    organiser = User.objects.filter(pk=event.owner_id).first()
    params = {"title": event.title, "organiser": organiser.get_full_name() if organiser else "", **_when(event)}
    url = reverse("agenda:event-detail", args=[event.pk])
    establishment_id, actor_id = event.establishment_id, scope.user_id
    transaction.on_commit(
        lambda: notify(
            "agenda.invited", new, params=params, url=url, establishment_id=establishment_id, actor_id=actor_id
        )
    )
    _bump_after(event, new)
    return len(new)


@transaction.atomic
def event_invitations_set(*, scope: Scope, event: Event, invitee_ids: Iterable[int]) -> list[int]:
    """Make the invitations of the person's own event exactly these people; return the new ones.

    For another service that keeps an event for what its organiser planned there (a video
    meeting for people picked, a parent–teacher appointment): the event may be personal, and
    its invitees then see it too. No notification: the calling service words its own.
    """
    if event.owner_id != scope.user_id or event.establishment_id != scope.establishment_id:
        raise ApplicationError(_("You may not invite people to this event."))
    wanted = set(invitee_ids) - {event.owner_id}
    allowed = set(access.invitable_people(scope).filter(pk__in=wanted).values_list("pk", flat=True))
    if allowed != wanted:
        raise ApplicationError(_("Some of the people chosen cannot be invited."))
    already = set(event.invitations.values_list("invitee_id", flat=True))
    event.invitations.exclude(invitee_id__in=wanted).delete()
    new = sorted(wanted - already)
    Invitation.objects.bulk_create(
        [Invitation(establishment_id=event.establishment_id, event=event, invitee_id=pk) for pk in new]
    )
    _bump_after(event, already | wanted)
    return new


@transaction.atomic
def invitation_answer(*, scope: Scope, event: Event, answer: str) -> Invitation:
    """Record the person's answer to their invitation."""
    if answer not in (Invitation.Answer.ACCEPTED, Invitation.Answer.DECLINED, Invitation.Answer.MAYBE):
        raise ApplicationError(_("Choose accept, decline or maybe."))
    invitation = Invitation.objects.select_for_update().filter(event=event, invitee_id=scope.user_id).first()
    if invitation is None:
        raise ApplicationError(_("You are not invited to this event."))
    invitation.answer, invitation.answered_at = answer, timezone.now()
    invitation.save(update_fields=["answer", "answered_at"])
    _bump_after(event, [scope.user_id or 0])
    return invitation


def reminders_send(*, now: datetime.datetime | None = None) -> int:
    """Send the reminders that are due: the owner of a personal event, the accepted invitees.

    Idempotent: each reminder is marked sent (``reminded_at``) in the same transaction as its
    notification, and rows are claimed with ``SELECT ... FOR UPDATE SKIP LOCKED`` where the
    database has it, so two runs at once send each reminder once.
    """
    now = now or timezone.now()
    horizon = now + datetime.timedelta(minutes=max(Event.Reminder.values))
    sent = 0
    due = Event.objects.filter(
        reminder_minutes__isnull=False, reminded_at__isnull=True, starts_at__gt=now, starts_at__lte=horizon
    ).order_by("starts_at", "pk")
    for pk in list(due.values_list("pk", flat=True)[:1000]):
        with transaction.atomic():
            event = Event.objects.select_for_update(skip_locked=True).filter(pk=pk, reminded_at__isnull=True).first()
            if event is None or event.reminder_minutes is None:
                continue
            if event.starts_at - datetime.timedelta(minutes=event.reminder_minutes) > now:
                continue
            people = [event.owner_id] if event.is_personal else []
            invitations = event.invitations.filter(answer=Invitation.Answer.ACCEPTED, reminded_at__isnull=True)
            people += list(invitations.values_list("invitee_id", flat=True))
            invitations.update(reminded_at=now)
            event.reminded_at = now
            event.save(update_fields=["reminded_at"])
            params = {"title": event.title, **_when(event)}
            url = reverse("agenda:event-detail", args=[event.pk])
            sent += notify("agenda.reminder", people, params=params, url=url, establishment_id=event.establishment_id)
    return sent
