"""Timetable notifications reach only the guardians who receive school mail (``Guardianship.receives_mail``)."""

from __future__ import annotations

import datetime

from django.urls import reverse

from romsie.core.testing import factories as f
from romsie.identity.models import Role
from romsie.notifications.models import Notification
from romsie.timetable.models import Session


def test_a_guardian_who_receives_no_school_mail_is_not_told_of_a_cancelled_lesson(world, timetable, client_for):
    a = world.a
    quiet = f.person(a.establishment, Role.PARENT, username="quiet.a", last_name="Sanscourrier")
    f.GuardianshipFactory(establishment=a.establishment, guardian=quiet, student=a.student, receives_mail=False)
    session = Session.objects.get(lesson=timetable["monday"], planned_date=datetime.date(2026, 9, 7))
    response = client_for(a.school_life).post(
        reverse("timetable:session-change", args=[session.pk]),
        {
            "cancelled": "on", "date": "2026-09-07", "starts_at": "08:30", "ends_at": "09:25",
            "room": a.room.pk, "teacher": a.teacher.pk, "note": "Sortie au musée", "version": 0,
        },
    )  # fmt: skip
    assert response.status_code == 302
    notified = set(
        Notification.objects.filter(kind="timetable.session_cancelled").values_list("recipient_id", flat=True)
    )
    assert notified == {a.student.pk, a.parent.pk, a.teacher.pk}
    assert quiet.pk not in notified
