"""A lesson's change reads naturally in each reader's language: dates are stored as data, worded when shown."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import translation

from romsie.core.testing import factories as f
from romsie.notifications.kinds import render
from romsie.notifications.models import Notification
from romsie.timetable import services
from romsie.timetable.models import Session


def _moved_and_notified(world, timetable, client_for) -> Notification:
    session = Session.objects.get(lesson=timetable["monday"], planned_date=datetime.date(2026, 9, 7))
    room = f.RoomFactory(establishment=world.a.establishment, name="Salle 202")
    change = services.SessionChange(
        cancelled=False, date=datetime.date(2026, 9, 8), starts_at=datetime.time(10, 0), ends_at=datetime.time(11, 0),
        room=room, teacher_id=session.teacher_id,
    )  # fmt: skip
    scope = client_for(world.a.head).get(reverse("timetable:week")).wsgi_request.scope
    services.session_change(scope=scope, session=session, version=0, change=change)
    return Notification.objects.filter(kind="timetable.session_changed", recipient=world.a.student).get()


def _text(notification: Notification, language: str) -> str:
    with translation.override(language):
        return render(notification)


def test_a_moved_lesson_reads_as_french_does(world, timetable, client_for):
    notification = _moved_and_notified(world, timetable, client_for)
    text = _text(notification, "fr")
    assert "du 7 septembre 08:30 est modifié : 8 septembre 10:00–11:00, Salle 202" in text
    assert "/" not in text


def test_a_moved_lesson_reads_as_english_does(world, timetable, client_for):
    notification = _moved_and_notified(world, timetable, client_for)
    text = _text(notification, "en")
    assert "of September 7, 8:30 a.m. is changed: September 8, 10 a.m.–11 a.m., Salle 202" in text


def test_a_notification_written_before_dates_were_data_still_reads():
    old = Notification(
        kind="timetable.session_cancelled", params={"subject": "Maths", "date": "07/09 08:30", "details": ""}
    )
    assert _text(old, "en") == "Maths of 07/09 08:30 is cancelled. "
