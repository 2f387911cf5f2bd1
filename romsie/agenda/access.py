"""Who sees and who writes which event.

* A personal event is its owner's alone: nobody else ever finds it (404), whatever their role,
  except the people another service of its owner invited to it (``services.event_invitations_set``:
  the guests of a video meeting), who see it as any invitee does.
* A class or establishment event is found in its own establishment only (another
  establishment's is a 404), by the people of its audience (``schooling.audiences``: its roles,
  narrowed to its levels and classes; staff establishment-wide), by its invitees and by its
  organiser; those holding ``agenda.publish`` see every shared event of the establishment.
* Writing: the owner edits and deletes their personal events; a shared event is edited by its
  organiser, and by anyone holding ``agenda.publish``. ``agenda.publish`` publishes in the
  establishment's agenda and any class's; ``agenda.publish_class`` (teachers) in the agendas of
  the classes one teaches.
* A community event (``community`` agenda) is seen by the community's active members only
  (``communities.access``: a removed member stops seeing it at once), by its invitees and its
  organiser — never through ``agenda.publish``; it is created by the community's owners and
  managers, and edited by its organiser or them.
* Invitations: the organiser of a shared event invites people of the establishment; an invitee
  answers their own invitation only. What an invitee sees is the event's page, never more.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from romsie.communities import access as communities_access
from romsie.communities.models import Community
from romsie.core.access.lookup import first_or_404, found_or_404
from romsie.core.access.scope import Scope
from romsie.identity.models import RoleAssignment, User
from romsie.identity.selectors import BY_NAME
from romsie.schooling import audiences
from romsie.schooling.access import visible_school_classes
from romsie.schooling.models import SchoolClass

from .habilitations import AgendaHabilitation as H
from .models import Event, Invitation


def _visible_ids(scope: Scope) -> QuerySet[Any, Any]:
    """The ids of the events the person may see: one UNION of index lookups."""
    own = Event.objects.filter(owner_id=scope.user_id).values("pk").order_by()
    invited = (
        Invitation.objects.filter(invitee_id=scope.user_id, establishment_id=scope.establishment_id)
        .values("event_id")
        .order_by()
    )
    communities = (
        Event.objects.filter(
            establishment_id=scope.establishment_id,
            community_id__in=communities_access.member_community_ids(scope),
        )
        .values("pk")
        .order_by()
    )
    parts = [own, invited, communities, *audiences.audience_parts(Event, scope)]
    if scope.has(H.PUBLISH):
        parts.append(
            Event.objects.filter(establishment_id=scope.establishment_id)
            .exclude(agenda__in=[Event.Agenda.PERSONAL, Event.Agenda.COMMUNITY])
            .values("pk")
            .order_by()
        )
    first, *others = parts
    return first.union(*others)


def visible_events(scope: Scope) -> QuerySet[Event]:
    """Return the events the person may see (see the rules at the top)."""
    if scope.user_id is None or scope.establishment_id is None or not scope.has(H.VIEW):
        return Event.objects.none()
    return Event.objects.filter(pk__in=_visible_ids(scope))


def get_event(scope: Scope, pk: int) -> Event:
    """Return an event the person may see, or raise 404."""
    return first_or_404(visible_events(scope).select_related("owner", "school_class").filter(pk=pk))


def publishable_classes(scope: Scope) -> QuerySet[SchoolClass]:
    """Return the classes in whose agenda the person may publish (none without a right)."""
    classes = visible_school_classes(scope)
    if scope.has(H.PUBLISH):
        return classes
    if scope.has(H.PUBLISH_CLASS):
        return classes.filter(pk__in=audiences.taught_class_ids(scope.establishment_id, scope.user_id))
    return classes.none()


def publishable_communities(scope: Scope) -> QuerySet[Community]:
    """Return the communities in whose agenda the person may publish: those they own or manage."""
    return communities_access.visible_communities(scope).filter(pk__in=communities_access.managed_community_ids(scope))


def agendas_for(scope: Scope) -> list[str]:
    """Return the agendas the person may publish in, personal first."""
    found = [Event.Agenda.PERSONAL.value]
    if scope.has(H.PUBLISH_CLASS) or scope.has(H.PUBLISH):
        found.append(Event.Agenda.CLASS.value)
    if scope.has(H.PUBLISH):
        found.append(Event.Agenda.ESTABLISHMENT.value)
    if publishable_communities(scope).exists():
        found.append(Event.Agenda.COMMUNITY.value)
    return found


def community_events(scope: Scope, community: Community) -> QuerySet[Event]:
    """The events of a community's agenda (the community comes from its gate: the person is a member)."""
    return Event.objects.filter(
        establishment_id=scope.establishment_id, agenda=Event.Agenda.COMMUNITY, community_id=community.pk
    )


def can_edit_event(scope: Scope, event: Event) -> bool:
    """Whether the person may edit or delete the event (they can already see it)."""
    if event.is_personal:
        return event.owner_id == scope.user_id
    if event.establishment_id != scope.establishment_id:
        return False
    if event.agenda == Event.Agenda.COMMUNITY:
        managed = communities_access.managed_community_ids(scope).filter(community_id=event.community_id)
        return event.owner_id == scope.user_id or managed.exists()
    return event.owner_id == scope.user_id or scope.has(H.PUBLISH)


def can_invite(scope: Scope, event: Event) -> bool:
    """Whether the person may invite people to the event: its editor, shared events only."""
    return not event.is_personal and can_edit_event(scope, event)


def get_editable_event(scope: Scope, pk: int) -> Event:
    """Return an event the person may edit, or raise 404 (another's event is not found)."""
    event = get_event(scope, pk)
    return found_or_404(event if can_edit_event(scope, event) else None)


def own_invitation(scope: Scope, event: Event) -> Invitation | None:
    """The person's invitation to the event, if any."""
    return Invitation.objects.filter(event=event, invitee_id=scope.user_id).first()


def invitable_people(scope: Scope) -> QuerySet[User]:
    """The people one may invite: active role holders of the current establishment."""
    holders = RoleAssignment.objects.filter(establishment_id=scope.establishment_id, is_active=True)
    return User.objects.filter(pk__in=holders.values("user_id"), is_active=True).order_by(*BY_NAME)
