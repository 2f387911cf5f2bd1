"""Notifications, the service every app calls to tell people that something happened.

An app registers its kinds of event once (``AppConfig.ready``)::

    register_kind(NotificationKind(
        key="messaging.message",
        label=_("New message"),
        text=_("%(sender)s wrote to you: %(subject)s"),
        default_delivery="email",
    ))

then notifies in bulk, from a service, after its own writes::

    notify("messaging.message", recipient_ids, params={"sender": ..., "subject": ...},
           url=reverse(...), establishment_id=..., actor_id=...)

``notify`` reads every recipient's choice for the kind, e-mail address and quiet hours in one
query and writes their rows in one multi-row insert (up to a few thousand recipients per
statement): the number of queries does not grow with the recipients. Each person chooses per
kind: in the app only, an e-mail at once, the daily digest, or off. The text is translated
when shown, in the reader's language. E-mail delivery lives in ``mail`` (run by the task
``tasks.notification_emails_send``); kinds, rendering and dates in ``kinds``; reads (timeline,
unread badge, preferences) in ``selectors``.
"""

from __future__ import annotations

import datetime
import sqlite3
from collections.abc import Collection, Iterable, Sequence
from typing import Any, NamedTuple

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from romsie.core.tasks import enqueue_on_commit

from .access import get_notification, visible_notifications
from .kinds import Delivery, kind_get, kinds, quiet_until
from .models import Notification, NotificationPreference, QuietHours
from .selectors import unread_key
from .tasks import notification_emails_send

# -- Preferences ---------------------------------------------------------------------------


@transaction.atomic
def preferences_set(
    *,
    user_id: int,
    deliveries: dict[str, str],
    quiet_starts_at: datetime.time | None,
    quiet_ends_at: datetime.time | None,
    held_back: Collection[str] | None = None,
) -> None:
    """Store the person's choices: a row only where it differs from the kind's default.

    ``held_back`` names the urgent kinds (absence alerts) whose e-mails the person wants held in
    their quiet hours too, as other kinds' are; ``None`` keeps what they chose before.
    """
    registered = {kind.key: kind for kind in kinds()}
    defaults = {key: kind.default_delivery for key, kind in registered.items()}
    wanted = {key: value for key, value in deliveries.items() if key in defaults and value in Delivery.values}
    if held_back is None:
        held_back = set(
            NotificationPreference.objects.filter(user_id=user_id, holds_in_quiet_hours=True).values_list(
                "kind", flat=True
            )
        )
    holds = {key for key in held_back if key in registered and registered[key].urgent}
    for key in holds - set(wanted):
        wanted[key] = defaults[key]
    needed = [key for key, value in wanted.items() if value != defaults[key] or key in holds]
    NotificationPreference.objects.filter(user_id=user_id).exclude(kind__in=needed).delete()
    NotificationPreference.objects.bulk_create(
        [
            NotificationPreference(
                user_id=user_id, kind=key, delivery=wanted[key], holds_in_quiet_hours=True if key in holds else None
            )
            for key in needed
        ],
        update_conflicts=True,
        unique_fields=["user", "kind"],
        update_fields=["delivery", "holds_in_quiet_hours"],
    )
    if quiet_starts_at is None or quiet_ends_at is None or quiet_starts_at == quiet_ends_at:
        QuietHours.objects.filter(user_id=user_id).delete()
    else:
        QuietHours.objects.update_or_create(
            user_id=user_id, defaults={"starts_at": quiet_starts_at, "ends_at": quiet_ends_at}
        )


# -- Notifying -----------------------------------------------------------------------------


def _max_query_params() -> int:
    """Return how many parameters one statement of the database accepts."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        return int(connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER))
    if connection.vendor == "postgresql":
        return 65535
    return int(connection.features.max_query_params or 2000)


def _insert(rows: Sequence[Notification]) -> None:
    """Insert the rows with as few multi-row INSERT statements as the database allows.

    ``bulk_create`` would split them by Django's conservative 999-parameter limit for SQLite
    (about 90 notifications a statement); the real limit lets a whole collège go in one.
    """
    if not rows:
        return
    fields = [f for f in Notification._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(Notification._meta.db_table)
    placeholder = "(" + ", ".join(["%s"] * len(fields)) + ")"
    per_statement = max(1, _max_query_params() // len(fields))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            params: list[Any] = []
            for row in chunk:
                params.extend(f.get_db_prep_save(getattr(row, f.attname), connection) for f in fields)
            # Table and column names come from the model, values are parameters.
            sql = f"INSERT INTO {table} ({columns}) VALUES " + ", ".join([placeholder] * len(chunk))  # noqa: S608
            cursor.execute(sql, params)


def _recipients(kind: str, ids: list[int]) -> list[tuple[int, str, bool, str | None, bool | None, Any, Any]]:
    """Return (id, e-mail, active, chosen delivery, holds in quiet hours, quiet start, quiet end) of each recipient.

    One query (one per tens of thousands of recipients, the database's parameter limit).
    """
    per_query = max(1, _max_query_params() - 10)
    if len(ids) > per_query:
        return [
            found
            for start in range(0, len(ids), per_query)
            for found in _recipients(kind, ids[start : start + per_query])
        ]
    user_model = get_user_model()
    quiet = QuietHours.objects.filter(user_id=OuterRef("pk"))
    preference = NotificationPreference.objects.filter(user_id=OuterRef("pk"), kind=kind)
    rows = (
        user_model.objects.filter(pk__in=ids)
        .annotate(
            chosen=Subquery(preference.values("delivery")[:1]),
            held=Subquery(preference.values("holds_in_quiet_hours")[:1]),
            quiet_starts_at=Subquery(quiet.values("starts_at")[:1]),
            quiet_ends_at=Subquery(quiet.values("ends_at")[:1]),
        )
        .order_by("pk")
        .values_list("pk", "email", "is_active", "chosen", "held", "quiet_starts_at", "quiet_ends_at")
    )
    return list(rows)


def notify(
    kind: str,
    recipient_ids: Iterable[int],
    *,
    params: dict[str, Any] | None = None,
    url: str = "",
    establishment_id: int | None = None,
    actor_id: int | None = None,
    now: datetime.datetime | None = None,
) -> int:
    """Notify each recipient (the actor excluded) as they chose; return how many notifications were written.

    "off" writes nothing; "app" shows it in the timeline only; "email" also e-mails it at once
    (or when the person's quiet hours end, unless the kind is ``urgent`` and the person has not
    asked to hold it back too); "digest" keeps it for the daily digest. People without an
    e-mail address, or whose account is inactive, get the timeline only.
    """
    return notify_many(
        kind,
        [Batch(recipient_ids, params or {}, url)],
        establishment_id=establishment_id,
        actor_id=actor_id,
        now=now,
    )


class Batch(NamedTuple):
    """Recipients who get the same text and link (the guardians of one child, say)."""

    recipient_ids: Iterable[int]
    params: dict[str, Any]
    url: str = ""


def notify_many(
    kind: str,
    batches: Iterable[Batch],
    *,
    establishment_id: int | None = None,
    actor_id: int | None = None,
    now: datetime.datetime | None = None,
) -> int:
    """Notify several groups of people, each with their own text and link, in one read and one insert.

    What ``notify`` does for one group: a class's absences tell each child's guardians about
    their child, with one query for everybody's choices and one multi-row insert.
    """
    registered = kind_get(kind)
    if registered is None:
        raise ValueError(f"unregistered notification kind {kind!r}")
    now = now or timezone.now()
    wanted = [(sorted({int(pk) for pk in b.recipient_ids} - {actor_id}), b.params, b.url) for b in batches]
    ids = sorted({pk for recipients, _params, _url in wanted for pk in recipients})
    if not ids:
        return 0
    found = {row[0]: row for row in _recipients(kind, ids)}
    rows: list[Notification] = []
    due_now = False
    for recipients, params, url in wanted:
        for pk in recipients:
            if pk not in found:
                continue
            _pk, email, is_active, chosen, held, quiet_starts_at, quiet_ends_at = found[pk]
            delivery = chosen or registered.default_delivery
            if delivery == Delivery.OFF:
                continue
            state, due_at = Notification.EmailState.NONE, None
            if email and is_active and delivery == Delivery.EMAIL:
                state = Notification.EmailState.DUE
                holds = held if held is not None else not registered.urgent
                due_at = (quiet_until(now, quiet_starts_at, quiet_ends_at) if holds else None) or now
                due_now = due_now or due_at <= now
            elif email and is_active and delivery == Delivery.DIGEST:
                state = Notification.EmailState.DIGEST
            rows.append(
                Notification(
                    recipient_id=pk,
                    actor_id=actor_id,
                    establishment_id=establishment_id,
                    kind=kind,
                    params=params,
                    url=url,
                    created_at=now,
                    read_at=None,
                    email_state=state,
                    email_due_at=due_at,
                    email_attempts=0,
                )
            )
    with transaction.atomic(savepoint=False):
        _insert(rows)
    recipients = sorted({row.recipient_id for row in rows})
    transaction.on_commit(lambda: forget_unread_counts(recipients))
    if due_now:
        enqueue_on_commit(notification_emails_send)
    return len(rows)


# -- Reading -------------------------------------------------------------------------------


def forget_unread_counts(user_ids: Iterable[int]) -> None:
    """Drop the cached unread counts of these people (after new notifications or reads)."""
    cache.delete_many([unread_key(pk) for pk in user_ids])


def notification_open(*, user_id: int, pk: int, now: datetime.datetime | None = None) -> str:
    """Mark one of the person's notifications read and return its link (404 if not theirs)."""
    notification = get_notification(user_id, pk)
    if notification.read_at is None:
        Notification.objects.filter(pk=pk).update(read_at=now or timezone.now())
        transaction.on_commit(lambda: forget_unread_counts([user_id]))
    return notification.url


def notifications_mark_all_read(*, user_id: int, now: datetime.datetime | None = None) -> int:
    """Mark every unread notification of the person read; return how many."""
    count = visible_notifications(user_id).filter(read_at__isnull=True).update(read_at=now or timezone.now())
    transaction.on_commit(lambda: forget_unread_counts([user_id]))
    return count
