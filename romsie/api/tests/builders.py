"""Access tokens and content for the API tests and the permission matrix rows."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone
from oauth2_provider.models import AccessToken

from romsie.api.models import IssuedToken
from romsie.core.api import ApiScope
from romsie.core.testing.factories import session_on
from romsie.core.testing.world import EstablishmentWorld
from romsie.identity.models import User
from romsie.openid import tokens

ALL_SCOPES = [str(s) for s in ApiScope]


def token_for(user: User, scopes: list[str] | None = None, *, days: int = 30, name: str = "test") -> str:
    """Issue a personal token to ``user`` (bound to their current session epoch); return its secret."""
    secret = tokens.bound(user.session_epoch)
    access_token = AccessToken.objects.create(
        user=user,
        token=secret,
        scope=" ".join(ALL_SCOPES if scopes is None else scopes),
        expires=timezone.now() + datetime.timedelta(days=days),
    )
    IssuedToken.objects.create(access_token=access_token, name=name, is_personal=True)
    return secret


def bearer(secret: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def this_tuesday() -> datetime.date:
    today = timezone.localdate()
    return today - datetime.timedelta(days=today.weekday()) + datetime.timedelta(days=1)


def content(ew: EstablishmentWorld) -> dict[str, Any]:
    """A session this week, a homework due soon, a message, a notification and a news item (once per world)."""
    cached: dict[str, Any] | None = ew.__dict__.get("api_content")
    if cached is not None:
        return cached
    from romsie.homework.models import Homework
    from romsie.homework.tests.builders import entry_for, homework_for
    from romsie.messaging.tests.helpers import send
    from romsie.news.models import NewsItem
    from romsie.notifications.models import Notification

    session = session_on(ew.teaching, this_tuesday())
    homework = homework_for(
        entry_for(session_on(ew.teaching, timezone.localdate() - datetime.timedelta(days=1), hour=14)),
        due_on=timezone.localdate() + datetime.timedelta(days=3),
        kind=Homework.Kind.EXERCISE,
    )
    message = send(ew.teacher, [f"user:{ew.student.pk}", f"user:{ew.parent.pk}"], subject="Sortie")
    notification = Notification.objects.create(
        recipient=ew.student, kind="test.kind", params={}, url="/", establishment_id=ew.establishment.pk
    )
    news = NewsItem.objects.create(
        establishment=ew.establishment,
        author=ew.head,
        title="Rentrée",
        body="<p>Bonjour</p>",
        published_at=timezone.now() - datetime.timedelta(hours=1),
        for_students=True,
        for_parents=True,
        for_teachers=True,
        for_staff=True,
    )
    found = {"session": session, "homework": homework, "message": message, "notification": notification, "news": news}
    ew.__dict__["api_content"] = found
    return found
