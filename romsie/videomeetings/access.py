"""Who sees, joins and organises which video meeting; who configures the territory's server.

* Everything is within the current establishment: another establishment's meeting is a 404.
* A meeting is seen and joined by its organiser and by the people it is for (one rule, written
  twice below over the same tables: :func:`_invited_parts` for the pages, :func:`invited_ids`
  for the fan-out):
  - a class meeting: the class's current students, the teachers who teach the class, and the
    guardians of its students when the organiser invited them (``with_guardians``);
  - an appointment meeting, or one for people picked: the people invited one by one (the
    guardian and the teacher of the appointment, or the people chosen).
  Membership decides, at each request: a student who leaves the class loses access at once.
* ``videomeetings.join`` is needed to see any meeting; ``videomeetings.organise`` to schedule
  one. A meeting is changed and cancelled by its organiser only.
* The organiser, teachers and staff join as moderators; everyone else as a viewer.
* The territory's video-conference server is configured by the territory's admins only
  (another territory's is a 404 to them).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from romsie.agenda.access import publishable_classes, publishable_communities
from romsie.communities import access as communities_access
from romsie.communities import selectors as communities_selectors
from romsie.communities.models import Community
from romsie.core.access.lookup import first_or_404
from romsie.core.access.scope import Scope
from romsie.establishments.models import Establishment, Territory
from romsie.identity.models import Guardianship, RoleAssignment, User
from romsie.identity.selectors import BY_NAME, guardian_ids_receiving_mail
from romsie.meetings.models import Appointment
from romsie.schooling.access import current_class_ids, visible_school_classes
from romsie.schooling.audiences import taught_class_ids
from romsie.schooling.models import Enrollment, SchoolClass, Teaching

from .habilitations import VideoMeetingsHabilitation as H
from .models import VideoMeeting, VideoMeetingInvitee, VideoServer


def _invited_parts(scope: Scope) -> list[QuerySet[Any, Any]]:
    """The ways a person is invited to the establishment's meetings, as lookups of meeting ids."""
    establishment_id = scope.establishment_id
    meetings = VideoMeeting.objects.filter(establishment_id=establishment_id)
    parts: list[QuerySet[Any, Any]] = [
        meetings.filter(organiser_id=scope.user_id).values("pk"),
        VideoMeetingInvitee.objects.filter(person_id=scope.user_id, establishment_id=establishment_id).values(
            "meeting_id"
        ),
    ]
    parts.append(
        meetings.filter(
            kind=VideoMeeting.For.COMMUNITY, community_id__in=communities_access.member_community_ids(scope)
        ).values("pk")
    )
    if scope.is_student:
        classes = current_class_ids(establishment_id, scope.user_id or 0)
        parts.append(meetings.filter(kind=VideoMeeting.For.CLASS, school_class_id__in=classes).values("pk"))
    if scope.is_teacher:
        taught = taught_class_ids(establishment_id, scope.user_id)
        parts.append(meetings.filter(kind=VideoMeeting.For.CLASS, school_class_id__in=taught).values("pk"))
    if scope.is_parent:
        children = Guardianship.objects.filter(establishment_id=establishment_id, guardian_id=scope.user_id)
        of_children = current_class_ids(establishment_id, children.values("student_id"))
        parts.append(
            meetings.filter(kind=VideoMeeting.For.CLASS, with_guardians=True, school_class_id__in=of_children).values(
                "pk"
            )
        )
    return [part.order_by() for part in parts]


def invited_ids(meeting: VideoMeeting) -> set[int]:
    """The people a meeting is for now, its organiser left out (the same rule as the pages)."""
    establishment_id = meeting.establishment_id
    found = set(VideoMeetingInvitee.objects.filter(meeting=meeting).values_list("person_id", flat=True))
    if meeting.kind == VideoMeeting.For.CLASS and meeting.school_class_id is not None:
        students = Enrollment.objects.filter(
            establishment_id=establishment_id,
            school_class_id=meeting.school_class_id,
            school_class__school_year__is_current=True,
        ).values("student_id")
        found |= set(students.values_list("student_id", flat=True))
        found |= set(
            Teaching.objects.filter(
                establishment_id=establishment_id, school_class_id=meeting.school_class_id
            ).values_list("teacher_id", flat=True)
        )
        if meeting.with_guardians:
            found |= set(guardian_ids_receiving_mail(establishment_id=establishment_id, students=students))
    if meeting.kind == VideoMeeting.For.COMMUNITY and meeting.community is not None:
        found |= set(communities_selectors.member_ids(meeting.community).values_list("user_id", flat=True))
    found.discard(meeting.organiser_id)
    return found


def visible_meetings(scope: Scope) -> QuerySet[VideoMeeting]:
    """Return the meetings the person organises or is invited to (see the rules at the top)."""
    if scope.user_id is None or scope.establishment_id is None or not scope.has(H.JOIN):
        return VideoMeeting.objects.none()
    first, *others = _invited_parts(scope)
    return VideoMeeting.objects.filter(establishment_id=scope.establishment_id, pk__in=first.union(*others))


def get_meeting(scope: Scope, pk: int) -> VideoMeeting:
    """Return a meeting the person organises or is invited to, or raise 404."""
    return first_or_404(visible_meetings(scope).select_related("organiser", "school_class").filter(pk=pk))


def organised_meetings(scope: Scope) -> QuerySet[VideoMeeting]:
    """Return the meetings the person organises in the current establishment."""
    if scope.establishment_id is None or not scope.has(H.ORGANISE):
        return VideoMeeting.objects.none()
    return VideoMeeting.objects.filter(establishment_id=scope.establishment_id, organiser_id=scope.user_id)


def get_organised_meeting(scope: Scope, pk: int) -> VideoMeeting:
    """Return a meeting the person organises, or raise 404."""
    return first_or_404(organised_meetings(scope).select_related("school_class", "event").filter(pk=pk))


def is_moderator(scope: Scope, meeting: VideoMeeting) -> bool:
    """Whether the person joins as a moderator: the organiser, teachers and staff."""
    return meeting.organiser_id == scope.user_id or scope.is_teacher or scope.has_staff_profile


def organisable_classes(scope: Scope) -> QuerySet[SchoolClass]:
    """The classes one may schedule a meeting for: those whose agenda one may publish in.

    The agenda decides who publishes in a class's agenda, and the meeting's event goes there.
    """
    if not scope.has(H.ORGANISE):
        return visible_school_classes(scope).none()
    return publishable_classes(scope)


def organisable_communities(scope: Scope) -> QuerySet[Community]:
    """The communities one may hold a meeting for: those one owns or manages (their agenda's publishers)."""
    if scope.establishment_id is None or not scope.has(H.ORGANISE):
        return Community.objects.none()
    return publishable_communities(scope)


def organisable_appointments(scope: Scope) -> QuerySet[Appointment]:
    """The parent–teacher appointments one may hold by video: one's own, as their teacher."""
    if scope.establishment_id is None or not scope.has(H.ORGANISE):
        return Appointment.objects.none()
    return Appointment.objects.filter(establishment_id=scope.establishment_id, teacher_id=scope.user_id)


def invitable_people(scope: Scope) -> QuerySet[User]:
    """The people one may invite one by one: active role holders of the current establishment."""
    holders = RoleAssignment.objects.filter(establishment_id=scope.establishment_id, is_active=True)
    return User.objects.filter(pk__in=holders.values("user_id"), is_active=True).order_by(*BY_NAME)


def server_of(establishment_id: int | None) -> VideoServer | None:
    """The video-conference server of the establishment's territory, if one is configured."""
    territory = Establishment.objects.filter(pk=establishment_id).values("territory_id")
    return VideoServer.objects.filter(territory_id__in=territory).first()


def administered_territories(scope: Scope) -> QuerySet[Territory]:
    """The territories whose server the person configures (those they administer)."""
    return Territory.objects.filter(pk__in=scope.territory_ids).order_by("name")


def get_administered_territory(scope: Scope, pk: int) -> Territory:
    """Return a territory the person administers, or raise 404."""
    return first_or_404(administered_territories(scope).filter(pk=pk))


def server_of_territory(territory: Territory) -> VideoServer | None:
    """The server a territory configured, if any (for its admins' settings page)."""
    return VideoServer.objects.filter(territory=territory).first()
