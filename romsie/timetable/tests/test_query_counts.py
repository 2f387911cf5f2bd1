"""The timetable's staff list pages cost the same number of queries with 1 and with 50 rows."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from romsie.core.testing import factories as f
from romsie.schooling.models import Teaching
from romsie.timetable.models import DayOff, Lesson


@pytest.mark.parametrize("rows", [1, 50])
def test_staff_pages_do_not_grow_with_rows(world, year, client_for, django_assert_num_queries, rows):
    a = world.a
    for i in range(rows):
        room = f.RoomFactory(establishment=a.establishment, name=f"Salle {i:03d}")
        teaching = Teaching.objects.create(
            establishment=a.establishment, teacher=a.teacher, subject=a.subject,
            school_class=f.SchoolClassFactory(establishment=a.establishment, name=f"Classe {i}", code=f"C{i}"),
        ) if i else a.teaching  # fmt: skip
        Lesson.objects.create(
            establishment=a.establishment, school_year=year, teaching=teaching, room=room, weekday=i % 5,
            starts_at=datetime.time(8 + i // 5 % 10, 0), ends_at=datetime.time(8 + i // 5 % 10, 50),
        )  # fmt: skip
        DayOff.objects.create(
            establishment=a.establishment, school_year=year, name=f"Congé {i}",
            starts_on=datetime.date(2027, 1, 4) + datetime.timedelta(days=i), ends_on=datetime.date(2027, 1, 4)
            + datetime.timedelta(days=i),
        )  # fmt: skip
    client = client_for(a.head)
    client.get(reverse("timetable:browse"))  # warm the scope and the badge
    with django_assert_num_queries(4):
        client.get(reverse("timetable:browse"))
    with django_assert_num_queries(4):
        client.get(reverse("timetable:manage"))
    with django_assert_num_queries(4):
        page = client.get(reverse("timetable:lesson-list"), {"classe": a.school_class.pk})
    assert len(page.context["lessons"]) == 1
