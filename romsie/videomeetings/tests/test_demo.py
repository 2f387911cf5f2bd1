"""The demo: a placeholder BigBlueButton server per territory, a class meeting per establishment."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from romsie.agenda.models import Event
from romsie.core.testing.world import World
from romsie.videomeetings import demo
from romsie.videomeetings.models import VideoMeeting, VideoServer


def test_demo_configures_each_territory_and_schedules_a_class_meeting_in_its_agenda(
    world: World, client_for: Any
) -> None:
    w = world
    ids = [w.a.establishment.pk, w.b.establishment.pk, w.c.establishment.pk]
    rows = demo.populate(ids, featured_student_ids=[w.a.student.pk])
    assert set(VideoServer.objects.values_list("territory_id", flat=True)) == {w.north.pk, w.south.pk}
    assert all(".example.org/" in s.url for s in VideoServer.objects.all())
    meeting = VideoMeeting.objects.get(establishment=w.a.establishment)
    assert (meeting.school_class_id, meeting.organiser_id) == (w.a.school_class.pk, w.a.teacher.pk)
    event = Event.objects.get(pk=meeting.event_id)
    assert event.school_class_id == w.a.school_class.pk
    assert reverse("videomeetings:meeting-join", args=[meeting.pk]) in event.description
    assert rows == 2 + 3 * 2
    listing = client_for(w.a.student).get(reverse("videomeetings:meeting-list"))
    assert meeting.title in listing.content.decode()
    assert demo.populate(ids) == 3 * 2  # the servers are kept, not doubled
