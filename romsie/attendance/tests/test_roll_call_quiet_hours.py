"""Absence alerts in quiet hours: e-mailed at once by default, held back when the person asks so."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from romsie.attendance import services
from romsie.homework.tests.builders import scope_of, session_on
from romsie.notifications.kinds import kinds
from romsie.notifications.models import Notification, NotificationPreference, QuietHours

from .builders import enable


@pytest.fixture(autouse=True)
def _english(english: None) -> None:
    """These tests read pages in English."""


def _preferences(**choices: str) -> dict[str, str]:
    data = {"kind_" + kind.key.replace(".", "__"): kind.default_delivery for kind in kinds()}
    now = timezone.localtime()  # quiet hours around now (they may span midnight)
    starts, ends = now - datetime.timedelta(hours=1), now + datetime.timedelta(hours=2)
    data.update({"quiet_starts_at": f"{starts:%H:%M}", "quiet_ends_at": f"{ends:%H:%M}"})
    data.update(choices)
    return data


def _absence_alert(world) -> Notification:
    session = session_on(world.a.teaching, timezone.localdate() - datetime.timedelta(days=1))
    services.roll_call_save(
        scope=scope_of(world.a.teacher),
        session=session,
        marks={world.a.student.pk: services.Mark("absent")},
        version=None,
    )
    return Notification.objects.get(kind="attendance.absence", recipient=world.a.parent)


@pytest.fixture
def parent(world):
    enable(world.a)
    world.a.parent.email = "parent@example.org"
    world.a.parent.save(update_fields=["email"])
    return world.a.parent


def test_an_absence_alert_in_quiet_hours_is_emailed_at_once_by_default(world, parent, client_for):
    client = client_for(parent)
    page = client.get(reverse("notifications:notification-preferences")).content.decode()
    assert "Hold back in my quiet hours too" in page
    assert client.post(reverse("notifications:notification-preferences"), _preferences()).status_code == 302
    assert QuietHours.objects.filter(user=parent).exists()
    assert not NotificationPreference.objects.filter(user=parent).exists(), "defaults store no row"

    alert = _absence_alert(world)

    assert alert.email_state == Notification.EmailState.DUE
    assert alert.email_due_at is not None and alert.email_due_at <= timezone.now()


def test_an_absence_alert_is_held_in_quiet_hours_when_the_person_chose_so(world, parent, client_for):
    client = client_for(parent)
    url = reverse("notifications:notification-preferences")
    response = client.post(url, _preferences(hold_attendance__absence="on"))
    assert response.status_code == 302
    assert NotificationPreference.objects.get(user=parent, kind="attendance.absence").holds_in_quiet_hours is True
    assert client.get(url).context["form"]["hold_attendance__absence"].value() is True

    alert = _absence_alert(world)

    assert alert.email_state == Notification.EmailState.DUE
    assert alert.email_due_at > timezone.now(), "held until the quiet hours end"

    # Unticked: the row goes (the delivery is the default) and alerts leave at once again.
    client.post(url, _preferences())
    assert not NotificationPreference.objects.filter(user=parent).exists()


def test_only_urgent_kinds_offer_the_choice(world, parent, client_for):
    form = client_for(parent).get(reverse("notifications:notification-preferences")).context["form"]
    holds = {name for name in form.fields if name.startswith("hold_")}
    assert holds == {"hold_" + k.key.replace(".", "__") for k in kinds() if k.urgent}
    assert "hold_attendance__absence" in holds and "hold_attendance__roll_call_reminder" not in holds
