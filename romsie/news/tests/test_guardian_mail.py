"""News notifications reach only the guardians who receive school mail (``Guardianship.receives_mail``)."""

from __future__ import annotations

import pytest

from romsie.core.testing.factories import GuardianshipFactory, person
from romsie.core.testing.world import World
from romsie.identity.models import Role, User
from romsie.news import access, services
from romsie.notifications.models import Notification

from .helpers import make_item


def _quiet_guardian(news: World) -> User:
    """A second guardian of ``a``'s student, who receives no school mail."""
    a = news.a
    quiet = person(a.establishment, Role.PARENT, username="quiet.a", last_name="Sanscourrier")
    GuardianshipFactory(establishment=a.establishment, guardian=quiet, student=a.student, receives_mail=False)
    return quiet


@pytest.mark.parametrize("audience", ["class", "establishment"])
def test_a_guardian_who_receives_no_school_mail_is_not_notified_of_news(news: World, audience: str) -> None:
    a = news.a
    quiet = _quiet_guardian(news)
    classes = [a.school_class] if audience == "class" else None
    item = make_item(a, classes=classes, for_parents=True, requires_confirmation=audience == "class")
    services.notify_if_due(item)
    notified = set(Notification.objects.values_list("recipient_id", flat=True))
    assert a.parent.pk in notified and quiet.pk not in notified
    # The item is still addressed to them: they read it when they come.
    assert access.recipients(item).filter(pk=quiet.pk).exists()
