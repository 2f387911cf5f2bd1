"""Video meetings for tests: a server for a territory, meetings made directly."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from romsie.core.testing.world import EstablishmentWorld
from romsie.establishments.models import Territory
from romsie.videomeetings.models import VideoMeeting, VideoMeetingInvitee, VideoServer

SECRET = "stand-in-shared-secret-0123456789"


def configure(territory: Territory, url: str, *, secret: str = SECRET, **fields: Any) -> VideoServer:
    """Configure ``territory``'s server (BigBlueButton with SHA-256 unless told)."""
    VideoServer.objects.filter(territory=territory).delete()
    return VideoServer.objects.create(territory=territory, url=url, secret=secret, **fields)


def at(days: int = 1, hour: int = 10) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def class_meeting(ew: EstablishmentWorld, *, with_guardians: bool = False, **fields: Any) -> VideoMeeting:
    """A meeting of ``ew``'s class organised by its teacher, without agenda event."""
    values: dict[str, Any] = {
        "establishment": ew.establishment,
        "organiser": ew.teacher,
        "title": "Classe virtuelle",
        "starts_at": at(),
        "kind": VideoMeeting.For.CLASS,
        "school_class": ew.school_class,
        "with_guardians": with_guardians,
    }
    values.update(fields)
    return VideoMeeting.objects.create(**values)


def people_meeting(ew: EstablishmentWorld, *people: Any, organiser: Any = None) -> VideoMeeting:
    meeting = VideoMeeting.objects.create(
        establishment=ew.establishment,
        organiser=organiser or ew.teacher,
        title="Point d'équipe",
        starts_at=at(),
        kind=VideoMeeting.For.PEOPLE,
    )
    VideoMeetingInvitee.objects.bulk_create(
        VideoMeetingInvitee(establishment=ew.establishment, meeting=meeting, person=p) for p in people
    )
    return meeting
