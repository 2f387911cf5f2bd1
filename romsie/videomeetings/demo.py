"""Demo video meetings: the territory's BigBlueButton server and a class meeting per establishment.

Each territory of these establishments gets a placeholder BigBlueButton server (an address on
``example.org`` and a demo secret: joining says the server does not answer, as it would with a
real server down). In each establishment, a teacher schedules a video meeting for one class it
teaches (the showcase student's class where there is one), three days ahead at 14:00, with its
event in the class's agenda linking to the join page. Deterministic, a handful of rows each.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.urls import reverse
from django.utils import timezone

from romsie.agenda.models import Event
from romsie.establishments.models import Establishment
from romsie.schooling import audiences
from romsie.schooling.audiences import STUDENTS, TEACHERS, AudienceChoice
from romsie.schooling.models import Enrollment, SchoolClass, Teaching

from .models import VideoMeeting, VideoServer

DEMO_URL = "https://visio.example.org/bigbluebutton/api"
DEMO_SECRET = "demo-secret-not-for-production"  # noqa: S105 (a placeholder server of the demo)


def populate(
    establishment_ids: Iterable[int], *, today: datetime.date | None = None, featured_student_ids: Iterable[int] = ()
) -> int:
    """Write the demo servers and meetings of these establishments; return the rows created."""
    today = today or timezone.localdate()
    ids = sorted(establishment_ids)
    rows = 0
    territories = set(Establishment.objects.filter(pk__in=ids).values_list("territory_id", flat=True))
    configured = set(VideoServer.objects.filter(territory_id__in=territories).values_list("territory_id", flat=True))
    servers = [VideoServer(territory_id=t, url=DEMO_URL, secret=DEMO_SECRET) for t in sorted(territories - configured)]
    rows += len(VideoServer.objects.bulk_create(servers))
    featured = set(featured_student_ids)
    starts = timezone.make_aware(datetime.datetime.combine(today + datetime.timedelta(days=3), datetime.time(14)))
    for establishment_id in ids:
        rows += _meeting_for(establishment_id, starts, featured)
    return rows


def _meeting_for(establishment_id: int, starts: datetime.datetime, featured: set[int]) -> int:
    taught = dict(
        Teaching.objects.filter(establishment_id=establishment_id, school_class__school_year__is_current=True)
        .order_by("-pk")
        .values_list("school_class_id", "teacher_id")
    )
    if not taught:
        return 0
    showcased = set(
        Enrollment.objects.filter(
            establishment_id=establishment_id, student_id__in=featured, school_class_id__in=list(taught)
        ).values_list("school_class_id", flat=True)
    )
    class_id = min(showcased) if showcased else min(taught)
    school_class = SchoolClass.objects.get(pk=class_id)
    meeting = VideoMeeting.objects.create(
        establishment_id=establishment_id,
        organiser_id=taught[class_id],
        title=f"Classe virtuelle — {school_class.name}",
        starts_at=starts,
        duration_minutes=45,
        kind=VideoMeeting.For.CLASS,
        school_class=school_class,
        with_guardians=False,
    )
    join = reverse("videomeetings:meeting-join", args=[meeting.pk])
    event = Event.objects.create(
        establishment_id=establishment_id,
        agenda=Event.Agenda.CLASS,
        owner_id=meeting.organiser_id,
        school_class=school_class,
        title=meeting.title,
        description=f'<p><a href="{join}">Rejoindre la visio</a></p>',
        place="Visio",
        category=Event.Category.MEETING,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
    )
    roles = {STUDENTS, TEACHERS}
    audiences.audience_apply(event, AudienceChoice.of(roles, classes=[class_id]))
    meeting.event = event
    meeting.save(update_fields=["event"])
    return 2
