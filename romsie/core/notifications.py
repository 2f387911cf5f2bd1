"""Notifications, the service every app uses to tell people that something happened.

An app registers its kinds of event once (``AppConfig.ready``)::

    register_kind(NotificationKind(
        key="messaging.message",
        label=_("New message"),
        text=_("%(sender)s wrote to you: %(subject)s"),
    ))

then notifies in bulk, from a service, after its own writes::

    notify("messaging.message", recipient_ids, params={"sender": ..., "subject": ...},
           url=reverse(...), establishment_id=..., actor_id=...)

``notify`` writes one row per recipient with a single bulk insert (the number of queries does
not grow with the recipients). The text is translated when shown, in the reader's language.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise

from .models import Notification

_BATCH = 1000


@dataclass(frozen=True)
class NotificationKind:
    """A kind of event: its key, the label people choose delivery by, and its text template."""

    key: str
    label: str | Promise
    text: str | Promise  # a %-format string over ``params``
    default_delivery: str = "email"  # "app", "email", "digest" or "off"


_kinds: dict[str, NotificationKind] = {}


def register_kind(kind: NotificationKind) -> None:
    _kinds[kind.key] = kind


def kinds() -> list[NotificationKind]:
    return sorted(_kinds.values(), key=lambda k: k.key)


def kind_get(key: str) -> NotificationKind | None:
    return _kinds.get(key)


def render(notification: Notification) -> str:
    """Return the notification's text in the active language."""
    kind = _kinds.get(notification.kind)
    if kind is None:
        return str(notification.kind)
    try:
        return str(kind.text) % notification.params
    except (KeyError, TypeError, ValueError):
        return str(kind.label)


def notify(
    kind: str,
    recipient_ids: Iterable[int],
    *,
    params: dict[str, Any] | None = None,
    url: str = "",
    establishment_id: int | None = None,
    actor_id: int | None = None,
) -> int:
    """Notify each recipient (the actor excluded); return how many notifications were written."""
    if kind not in _kinds:
        raise ValueError(f"unregistered notification kind {kind!r}")
    ids = sorted({int(pk) for pk in recipient_ids} - {actor_id})
    rows = [
        Notification(
            recipient_id=pk,
            actor_id=actor_id,
            establishment_id=establishment_id,
            kind=kind,
            params=params or {},
            url=url,
        )
        for pk in ids
    ]
    Notification.objects.bulk_create(rows, batch_size=_BATCH)
    return len(rows)
