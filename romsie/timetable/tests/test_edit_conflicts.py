"""Two people edit one weekly lesson at once: the later save is refused, never silently overwriting.

Both load the form, the first saves, the second's save is refused with the other's version shown,
the second's typed values stay in the page, and the database holds the first's (decision 0005).
"""

from __future__ import annotations

import datetime

from django.urls import reverse

from romsie.core.testing import factories as f
from romsie.core.testing.editing import page_text, race_on_form
from romsie.timetable.models import Lesson, Session


def test_a_stale_weekly_lesson_edit_is_refused_and_the_typed_values_kept(world, timetable, client_for):
    a = world.a
    lesson = timetable["monday"]
    other_room = f.RoomFactory(establishment=a.establishment, name="Salle 305")
    common = {"teaching": a.teaching.pk, "weekday": 0, "weeks": ""}
    refused = race_on_form(
        reverse("timetable:lesson-update", args=[lesson.pk]),
        first=client_for(a.head),
        second=client_for(a.school_life),
        first_data={**common, "starts_at": "09:30", "ends_at": "10:25", "room": a.room.pk},
        second_data={**common, "starts_at": "14:00", "ends_at": "14:55", "room": other_room.pk},
    )
    page = page_text(refused)
    # The second's typed values are still in the form...
    assert 'value="14:00"' in page and 'value="14:55"' in page
    assert f'<option value="{other_room.pk}" selected>' in page
    # ...below the first's version, as it is saved now.
    assert "<dd>9:30" in page or "<dd>09:30" in page
    lesson.refresh_from_db()
    assert (lesson.starts_at, lesson.ends_at, lesson.room_id, lesson.version) == (
        datetime.time(9, 30),
        datetime.time(10, 25),
        a.room.pk,
        1,
    )
    # The coming sessions follow the first's lesson, not the refused one.
    assert not Session.objects.filter(lesson=lesson, starts_at=datetime.time(14)).exists()


def test_saving_again_after_a_refusal_knowingly_replaces_the_other_version(world, timetable, client_for):
    a = world.a
    lesson = timetable["monday"]
    url = reverse("timetable:lesson-update", args=[lesson.pk])
    second = {"teaching": a.teaching.pk, "weekday": 0, "weeks": "", "starts_at": "14:00", "ends_at": "14:55"}
    refused = race_on_form(
        url,
        first=client_for(a.head),
        second=client_for(a.school_life),
        first_data={**second, "starts_at": "09:30", "ends_at": "10:25"},
        second_data=second,
    )
    again = client_for(a.school_life).post(url, {**second, "version": refused.context["form"]["version"].value()})
    assert again.status_code == 302
    assert Lesson.objects.get(pk=lesson.pk).starts_at == datetime.time(14)
