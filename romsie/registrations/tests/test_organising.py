"""Organisers publish activities: named organisers through the picker, shared edits without lost changes."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from romsie.core.concurrency import StaleEdit
from romsie.core.testing.factories import scope_of
from romsie.registrations import services
from romsie.registrations.models import Activity

from .builders import activity_in


def _form(**extra: str) -> dict[str, str]:
    now = timezone.localtime()
    return {
        "kind": "club",
        "title": "Robotics club",
        "opens_at": now.strftime("%Y-%m-%dT%H:%M"),
        "closes_at": (now + datetime.timedelta(days=10)).strftime("%Y-%m-%dT%H:%M"),
        "allocation": "first_come",
        "capacity": "12",
        "is_published": "on",
        **extra,
    }


def test_the_office_publishes_a_club_run_by_a_partner(reg_world, client_for):
    w = reg_world
    response = client_for(w.a.office).post(
        reverse("registrations:activity-create"),
        _form(organisers=f"user:{w.a.partner.pk}", school_classes=str(w.a.school_class.pk)),
    )
    activity = Activity.objects.get()
    assert response.status_code == 302
    assert list(activity.organisers.all()) == [w.a.partner]
    assert list(activity.school_classes.all()) == [w.a.school_class]


def test_a_person_of_another_establishment_cannot_be_named_organiser(reg_world, client_for):
    w = reg_world
    response = client_for(w.a.office).post(
        reverse("registrations:activity-create"), _form(organisers=f"user:{w.c.partner.pk}")
    )
    assert response.status_code == 200
    assert not Activity.objects.exists()


def test_a_stale_edit_of_an_activity_is_refused(reg_world):
    w = reg_world
    activity = activity_in(w.a)
    shown = activity.version
    scope = scope_of(w.a.head)
    data = services.ActivityData(
        kind="club",
        title="Renamed",
        description="",
        place="",
        starts_on=None,
        ends_on=None,
        opens_at=activity.opens_at,
        closes_at=activity.closes_at,
        capacity=5,
        price_info="",
        allocation="first_come",
        is_published=True,
        level_ids=[],
        class_ids=[],
        organiser_ids=[],
    )
    services.activity_save(scope=scope, data=data, activity=activity, version=shown)
    stale = Activity.objects.get(pk=activity.pk)
    stale.version = shown
    with pytest.raises(StaleEdit):
        services.activity_save(scope=scope, data=data, activity=stale, version=shown)
