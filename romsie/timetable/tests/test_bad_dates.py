"""Dates far outside any school year are answered calmly, never with a 500 (shared bounds of core.forms)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from romsie.timetable.models import DayOff


@pytest.mark.parametrize("typed", ["0001-01-01", "9999-12-31"])
def test_a_week_or_day_of_year_one_or_9999_shows_the_current_week(world, timetable, client_for, typed):
    client = client_for(world.a.student)
    week = client.get(reverse("timetable:week"), {"semaine": typed})
    assert week.status_code == 200
    assert week.context["week"].monday <= timezone.localdate()
    assert client.get(reverse("timetable:day"), {"jour": typed}).status_code == 200


def test_a_day_off_in_year_one_is_a_form_error(world, timetable, client_for):
    before = DayOff.objects.count()
    data = {"name": "Vacances", "starts_on": "0001-01-01", "ends_on": "2026-10-20"}
    response = client_for(world.a.head).post(reverse("timetable:day-off-create"), data)
    assert response.status_code == 200
    assert response.context["form"].has_error("starts_on", "year_out_of_bounds")
    assert DayOff.objects.count() == before
