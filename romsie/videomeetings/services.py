"""Writes of the video meetings: the territory's server, meetings, their agenda events, joining.

Every write is keyword-only and atomic and takes the actor's scope; a refusal the person can
act on is an ``ApplicationError``. A meeting keeps one agenda event (``agenda.services``): in
the class's agenda for a class meeting, in the organiser's agenda with the invitees invited for
the others; its description links to the join page of the ENT, never to the server itself.
Notifications are sent once the transaction commits.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

from romsie.agenda import services as agenda_services
from romsie.agenda.models import Event
from romsie.communities.models import Community
from romsie.core.access.scope import Scope
from romsie.core.concurrency import claim_version
from romsie.core.errors import ApplicationError
from romsie.core.services import audit_record
from romsie.establishments.models import Territory
from romsie.identity.models import User
from romsie.meetings.models import Appointment
from romsie.notifications.kinds import local_date, local_date_time
from romsie.notifications.services import notify
from romsie.schooling.audiences import PARENTS, STUDENTS, TEACHERS, AudienceChoice
from romsie.schooling.models import SchoolClass

from . import access, conference
from .habilitations import VideoMeetingsHabilitation as H
from .models import VideoMeeting, VideoMeetingInvitee, VideoServer

MAX_DAYS_AHEAD = 400
MAX_INVITEES = 200


@dataclass(frozen=True)
class MeetingData:
    """What a meeting's form gives: its title, start and duration."""

    title: str
    starts_at: datetime.datetime
    duration_minutes: int


# -- the territory's server -------------------------------------------------------------------------


@transaction.atomic
def server_save(
    *,
    scope: Scope,
    territory: Territory,
    kind: str,
    url: str,
    secret: str,
    checksum_algorithm: str = VideoServer.Checksum.SHA256,
    app_id: str = "",
    version: int | None,
) -> VideoServer:
    """Configure the territory's video-conference server; a blank ``secret`` keeps the one saved."""
    if territory.pk not in scope.territory_ids:
        raise ApplicationError(_("You do not administer this territory."))
    server = VideoServer.objects.filter(territory=territory).first()
    if server is not None:
        claim_version(server, version)
    else:
        server = VideoServer(territory=territory)
    if kind not in VideoServer.Kind.values:
        raise ApplicationError(_("Choose BigBlueButton or Jitsi."))
    if not url.startswith(("https://", "http://")):
        raise ApplicationError(_("Give the server's address, starting with https://."))
    if not (secret or server.secret):
        raise ApplicationError(_("Give the server's secret."))
    if kind == VideoServer.Kind.JITSI and not app_id.strip():
        raise ApplicationError(_("Give the application identifier Jitsi's tokens are issued for."))
    server.kind, server.url, server.app_id = kind, url.strip(), app_id.strip()
    server.checksum_algorithm = (
        checksum_algorithm if checksum_algorithm in VideoServer.Checksum.values else VideoServer.Checksum.SHA256
    )
    if secret:
        server.secret = secret
    server.save()
    # The secret is never written in the audit log.
    audit_record(scope=scope, action="videomeetings.server_saved", target=territory, kind=kind, url=server.url)
    return server


# -- meetings ----------------------------------------------------------------------------------------


def meeting_params(params: dict[str, Any]) -> dict[str, Any]:
    """Word a meeting's notification in the reader's language (``%(when)s``)."""
    if "on" not in params:
        return params
    return {
        **params,
        "when": local_date_time(params["on"], params["at"]) if params.get("at") else local_date(params["on"]),
    }


def _when(meeting: VideoMeeting) -> dict[str, str]:
    local = timezone.localtime(meeting.starts_at)
    return {"on": local.date().isoformat(), "at": local.strftime("%H:%M")}


def _check(data: MeetingData) -> None:
    if not data.title.strip():
        raise ApplicationError(_("Give the meeting a title."))
    if not 5 <= data.duration_minutes <= 600:
        raise ApplicationError(_("A meeting lasts between 5 minutes and 10 hours."))
    if data.starts_at > timezone.now() + datetime.timedelta(days=MAX_DAYS_AHEAD):
        raise ApplicationError(_("A meeting may be scheduled at most a year ahead."))


def _event_data(meeting: VideoMeeting) -> agenda_services.EventData:
    join = reverse("videomeetings:meeting-join", args=[meeting.pk])
    description = format_html('<p><a href="{}">{}</a></p>', join, _("Join the video meeting"))
    return agenda_services.EventData(
        title=meeting.title,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        description=str(description),
        place=_("Video meeting"),
        category=Event.Category.MEETING,
    )


def _class_audience(meeting: VideoMeeting) -> AudienceChoice:
    roles = {STUDENTS, TEACHERS} | ({PARENTS} if meeting.with_guardians else set())
    return AudienceChoice.of(roles)


def _notify(kind: str, meeting: VideoMeeting, people: Iterable[int], organiser: str) -> None:
    recipients = sorted(set(people))
    params = {"title": meeting.title, "organiser": organiser, **_when(meeting)}
    url = reverse("videomeetings:meeting-list")
    establishment_id, actor_id = meeting.establishment_id, meeting.organiser_id
    transaction.on_commit(
        lambda: notify(kind, recipients, params=params, url=url, establishment_id=establishment_id, actor_id=actor_id)
    )


def _organiser_name(scope: Scope) -> str:
    user = User.objects.filter(pk=scope.user_id).first()
    return user.get_full_name() if user else ""


def _check_people(scope: Scope, invitee_ids: Iterable[int]) -> set[int]:
    wanted = set(invitee_ids) - {scope.user_id}
    if len(wanted) > MAX_INVITEES:
        raise ApplicationError(_("Invite at most %(count)d people.") % {"count": MAX_INVITEES})
    if set(access.invitable_people(scope).filter(pk__in=wanted).values_list("pk", flat=True)) != wanted:
        raise ApplicationError(_("Some of the people chosen cannot be invited."))
    return wanted


@transaction.atomic
def meeting_create(
    *,
    scope: Scope,
    data: MeetingData,
    kind: str,
    school_class: SchoolClass | None = None,
    with_guardians: bool = False,
    appointment: Appointment | None = None,
    invitee_ids: Iterable[int] = (),
    community: Community | None = None,
) -> VideoMeeting:
    """Schedule a meeting, put it in the agenda and tell the people it is for."""
    if not scope.has(H.ORGANISE) or scope.establishment_id is None:
        raise ApplicationError(_("You may not schedule video meetings."))
    _check(data)
    meeting = VideoMeeting(
        establishment_id=scope.establishment_id,
        organiser_id=scope.user_id,
        title=data.title.strip()[:200],
        starts_at=data.starts_at,
        duration_minutes=data.duration_minutes,
        kind=kind,
    )
    people: set[int] = set()
    if kind == VideoMeeting.For.CLASS:
        if school_class is None or not access.organisable_classes(scope).filter(pk=school_class.pk).exists():
            raise ApplicationError(_("Choose one of the classes you may schedule a meeting for."))
        meeting.school_class, meeting.with_guardians = school_class, with_guardians
    elif kind == VideoMeeting.For.APPOINTMENT:
        if appointment is None or not access.organisable_appointments(scope).filter(pk=appointment.pk).exists():
            raise ApplicationError(_("Choose one of your parent–teacher appointments."))
        meeting.appointment = appointment
        people = {appointment.guardian_id}
    elif kind == VideoMeeting.For.COMMUNITY:
        if community is None or not access.organisable_communities(scope).filter(pk=community.pk).exists():
            raise ApplicationError(_("Choose one of the communities you own or manage."))
        meeting.community = community
    elif kind == VideoMeeting.For.PEOPLE:
        people = _check_people(scope, invitee_ids)
        if not people:
            raise ApplicationError(_("Choose the people to invite."))
    else:
        raise ApplicationError(_("Choose whom the meeting is for."))
    meeting.save()
    VideoMeetingInvitee.objects.bulk_create(
        [VideoMeetingInvitee(establishment_id=meeting.establishment_id, meeting=meeting, person_id=pk) for pk in people]
    )
    meeting.event = _event_create(scope, meeting, people)
    meeting.save(update_fields=["event"])
    _notify("videomeetings.invited", meeting, access.invited_ids(meeting), _organiser_name(scope))
    return meeting


def _event_create(scope: Scope, meeting: VideoMeeting, people: set[int]) -> Event:
    if meeting.kind == VideoMeeting.For.CLASS:
        return agenda_services.event_create(
            scope=scope,
            agenda=Event.Agenda.CLASS,
            data=_event_data(meeting),
            school_class=meeting.school_class,
            audience=_class_audience(meeting),
        )
    if meeting.kind == VideoMeeting.For.COMMUNITY:
        return agenda_services.event_create(
            scope=scope, agenda=Event.Agenda.COMMUNITY, data=_event_data(meeting), community=meeting.community
        )
    event = agenda_services.event_create(scope=scope, agenda=Event.Agenda.PERSONAL, data=_event_data(meeting))
    agenda_services.event_invitations_set(scope=scope, event=event, invitee_ids=people)
    return event


@transaction.atomic
def meeting_update(
    *,
    scope: Scope,
    meeting: VideoMeeting,
    data: MeetingData,
    version: int | None,
    with_guardians: bool | None = None,
    invitee_ids: Iterable[int] | None = None,
) -> VideoMeeting:
    """Change a meeting one organises and its agenda event; tell the new invitees, and the others if it moved."""
    if meeting.organiser_id != scope.user_id or meeting.establishment_id != scope.establishment_id:
        raise ApplicationError(_("You may not change this meeting."))
    _check(data)
    claim_version(meeting, version)
    before = access.invited_ids(meeting)
    moved = (meeting.starts_at, meeting.duration_minutes) != (data.starts_at, data.duration_minutes)
    meeting.title, meeting.starts_at = data.title.strip()[:200], data.starts_at
    meeting.duration_minutes = data.duration_minutes
    if meeting.kind == VideoMeeting.For.CLASS and with_guardians is not None:
        meeting.with_guardians = with_guardians
    meeting.save()
    if meeting.kind == VideoMeeting.For.PEOPLE and invitee_ids is not None:
        people = _check_people(scope, invitee_ids)
        if not people:
            raise ApplicationError(_("Choose the people to invite."))
        VideoMeetingInvitee.objects.filter(meeting=meeting).exclude(person_id__in=people).delete()
        already = set(VideoMeetingInvitee.objects.filter(meeting=meeting).values_list("person_id", flat=True))
        VideoMeetingInvitee.objects.bulk_create(
            [
                VideoMeetingInvitee(establishment_id=meeting.establishment_id, meeting=meeting, person_id=pk)
                for pk in sorted(people - already)
            ]
        )
    _event_update(scope, meeting)
    after = access.invited_ids(meeting)
    organiser = _organiser_name(scope)
    _notify("videomeetings.invited", meeting, after - before, organiser)
    if moved:
        _notify("videomeetings.changed", meeting, after & before, organiser)
    return meeting


def _event_update(scope: Scope, meeting: VideoMeeting) -> None:
    event = Event.objects.filter(pk=meeting.event_id).first() if meeting.event_id else None
    if event is None:  # deleted from the agenda meanwhile: put it back
        meeting.event = _event_create(scope, meeting, set(meeting.invitees.values_list("person_id", flat=True)))
        meeting.save(update_fields=["event"])
        return
    audience = _class_audience(meeting) if meeting.kind == VideoMeeting.For.CLASS else None
    agenda_services.event_update(
        scope=scope, event=event, data=_event_data(meeting), version=event.version, audience=audience
    )
    if meeting.kind != VideoMeeting.For.CLASS:
        people = set(meeting.invitees.values_list("person_id", flat=True))
        agenda_services.event_invitations_set(scope=scope, event=event, invitee_ids=people)


@transaction.atomic
def meeting_cancel(*, scope: Scope, meeting: VideoMeeting) -> None:
    """Cancel a meeting one organises: its agenda event goes, the people it was for are told."""
    if meeting.organiser_id != scope.user_id or meeting.establishment_id != scope.establishment_id:
        raise ApplicationError(_("You may not cancel this meeting."))
    people = access.invited_ids(meeting)
    event = Event.objects.filter(pk=meeting.event_id).first() if meeting.event_id else None
    if event is not None:
        agenda_services.event_delete(scope=scope, event=event)
    _notify("videomeetings.cancelled", meeting, people, _organiser_name(scope))
    audit_record(scope=scope, action="videomeetings.cancelled", target=meeting, starts_at=meeting.starts_at)
    meeting.delete()


# -- joining -----------------------------------------------------------------------------------------


def meeting_join_url(*, scope: Scope, meeting: VideoMeeting, display_name: str) -> str:
    """Where the person's browser goes to join: BigBlueButton's signed join URL, or Jitsi's room with a token.

    Raises ``ApplicationError`` (``extra["reason"]``: ``no_server``, or the server's refusal)
    when no server is configured, or when the server cannot be reached or refuses the call.
    """
    server = access.server_of(meeting.establishment_id)
    if server is None:
        raise ApplicationError(
            _("No video-conference server is configured for your territory yet: ask its administrators."),
            extra={"reason": "no_server"},
        )
    person = conference.Participant(
        user_id=scope.user_id or 0, name=display_name, is_moderator=access.is_moderator(scope, meeting)
    )
    try:
        return conference.join_url(server, meeting, person)
    except conference.ServerError as error:
        if error.reason == "unreachable" or error.reason == "http_error":
            message = _("The video-conference server does not answer. Try again in a few minutes.")
        else:
            message = _(
                "The video-conference server refused to open the meeting (%(reason)s). "
                "Tell your territory's administrators."
            ) % {"reason": error.reason}
        raise ApplicationError(message, extra={"reason": error.reason}) from error
