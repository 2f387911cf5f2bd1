"""Notifications, the service every app uses to tell people that something happened.

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
when shown, in the reader's language. E-mail delivery lives in ``notification_mail`` (run by
the task ``core.tasks.notification_emails_send``); kinds and rendering in ``notification_kinds``.
"""

from __future__ import annotations

import datetime
import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import OuterRef, Subquery
from django.utils import formats, timezone

from .access.lookup import first_or_404
from .models import Notification, NotificationPreference, QuietHours
from .notification_kinds import NotificationKind as NotificationKind
from .notification_kinds import is_local_url as is_local_url
from .notification_kinds import kind_get as kind_get
from .notification_kinds import kinds as kinds
from .notification_kinds import quiet_until as quiet_until
from .notification_kinds import register_kind as register_kind
from .notification_kinds import render as render
from .pagination import KeysetPage, keyset_page
from .tasks import enqueue_on_commit, notification_emails_send

Delivery = NotificationPreference.Delivery


def local_date(value: str) -> str:
    """Show an ISO date of the params in the active language: "30 novembre", "November 30"."""
    return formats.date_format(datetime.date.fromisoformat(value), "MONTH_DAY_FORMAT")


def local_time(value: str) -> str:
    """Show an ISO time of the params in the active language: "08:00", "8 a.m."."""
    return formats.time_format(datetime.time.fromisoformat(value), "TIME_FORMAT")


def local_date_time(date: str, time: str) -> str:
    """Show a day and an hour as the active language joins them: "30 novembre 08:00", "November 30, 8 a.m."."""
    date_fmt, time_fmt, both = (formats.get_format(f) for f in ("DATE_FORMAT", "TIME_FORMAT", "DATETIME_FORMAT"))
    joined = len(both) > len(date_fmt) + len(time_fmt) and both.startswith(date_fmt) and both.endswith(time_fmt)
    separator = both[len(date_fmt) : -len(time_fmt)] if joined else " "
    return f"{local_date(date)}{separator}{local_time(time)}"


# -- Quiet hours ---------------------------------------------------------------------------


def quiet_hours_get(user_id: int) -> QuietHours | None:
    return QuietHours.objects.filter(user_id=user_id).first()


# -- Preferences ---------------------------------------------------------------------------


def preferences_get(user_id: int) -> dict[str, str]:
    """Return the person's delivery for every registered kind (their choice or the default)."""
    chosen = dict(NotificationPreference.objects.filter(user_id=user_id).values_list("kind", "delivery"))
    return {kind.key: chosen.get(kind.key, kind.default_delivery) for kind in kinds()}


@transaction.atomic
def preferences_set(
    *,
    user_id: int,
    deliveries: dict[str, str],
    quiet_starts_at: datetime.time | None,
    quiet_ends_at: datetime.time | None,
) -> None:
    """Store the person's choices: a row only where it differs from the kind's default."""
    defaults = {kind.key: kind.default_delivery for kind in kinds()}
    wanted = {key: value for key, value in deliveries.items() if key in defaults and value in Delivery.values}
    NotificationPreference.objects.filter(user_id=user_id).exclude(
        kind__in=[key for key, value in wanted.items() if value != defaults[key]]
    ).delete()
    NotificationPreference.objects.bulk_create(
        [
            NotificationPreference(user_id=user_id, kind=key, delivery=value)
            for key, value in wanted.items()
            if value != defaults[key]
        ],
        update_conflicts=True,
        unique_fields=["user", "kind"],
        update_fields=["delivery"],
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


def _recipients(kind: str, ids: list[int]) -> list[tuple[int, str, bool, str | None, Any, Any]]:
    """Return (id, e-mail, active, chosen delivery, quiet start, quiet end) of each recipient.

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
    rows = (
        user_model.objects.filter(pk__in=ids)
        .annotate(
            chosen=Subquery(
                NotificationPreference.objects.filter(user_id=OuterRef("pk"), kind=kind).values("delivery")[:1]
            ),
            quiet_starts_at=Subquery(quiet.values("starts_at")[:1]),
            quiet_ends_at=Subquery(quiet.values("ends_at")[:1]),
        )
        .order_by("pk")
        .values_list("pk", "email", "is_active", "chosen", "quiet_starts_at", "quiet_ends_at")
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
    (or when the person's quiet hours end); "digest" keeps it for the daily digest. People
    without an e-mail address, or whose account is inactive, get the timeline only.
    """
    registered = kind_get(kind)
    if registered is None:
        raise ValueError(f"unregistered notification kind {kind!r}")
    now = now or timezone.now()
    ids = sorted({int(pk) for pk in recipient_ids} - {actor_id})
    if not ids:
        return 0
    rows: list[Notification] = []
    due_now = False
    for pk, email, is_active, chosen, quiet_starts_at, quiet_ends_at in _recipients(kind, ids):
        delivery = chosen or registered.default_delivery
        if delivery == Delivery.OFF:
            continue
        state, due_at = Notification.EmailState.NONE, None
        if email and is_active and delivery == Delivery.EMAIL:
            state = Notification.EmailState.DUE
            due_at = quiet_until(now, quiet_starts_at, quiet_ends_at) or now
            due_now = due_now or due_at <= now
        elif email and is_active and delivery == Delivery.DIGEST:
            state = Notification.EmailState.DIGEST
        rows.append(
            Notification(
                recipient_id=pk,
                actor_id=actor_id,
                establishment_id=establishment_id,
                kind=kind,
                params=params or {},
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
    recipients = [row.recipient_id for row in rows]
    transaction.on_commit(lambda: forget_unread_counts(recipients))
    if due_now:
        enqueue_on_commit(notification_emails_send)
    return len(rows)


# -- Reading -------------------------------------------------------------------------------

UNREAD_CACHE_SECONDS = 120
UNREAD_CAP = 100  # the badge says "99+" beyond; counting stops there


def _unread_key(user_id: int) -> str:
    return f"romsie:notifications:unread:{user_id}"


def forget_unread_counts(user_ids: Iterable[int]) -> None:
    """Drop the cached unread counts of these people (after new notifications or reads)."""
    cache.delete_many([_unread_key(pk) for pk in user_ids])


def unread_count(user_id: int) -> int:
    """Return how many unread notifications the person has (at most ``UNREAD_CAP``), cached.

    The count is dropped from the cache when the person is notified or reads; the time-out
    bounds staleness in the rare race of a count computed while a notification commits.
    """
    key = _unread_key(user_id)
    count = cache.get(key)
    if count is None:
        count = Notification.objects.filter(recipient_id=user_id, read_at__isnull=True)[:UNREAD_CAP].count()
        cache.set(key, count, UNREAD_CACHE_SECONDS)
    return int(count)


def timeline_for(user_id: int, *, cursor: str = "", size: int = 30) -> KeysetPage[Notification]:
    """Return a page of the person's notifications with keyset pagination (constant cost)."""
    entries = Notification.objects.filter(recipient_id=user_id).select_related("actor")
    return keyset_page(entries, time_field="created_at", cursor=cursor, size=size)


def notification_open(*, user_id: int, pk: int, now: datetime.datetime | None = None) -> str:
    """Mark one of the person's notifications read and return its link (404 if not theirs)."""
    notification = first_or_404(Notification.objects.filter(recipient_id=user_id, pk=pk))
    if notification.read_at is None:
        Notification.objects.filter(pk=pk).update(read_at=now or timezone.now())
        transaction.on_commit(lambda: forget_unread_counts([user_id]))
    return notification.url


def notifications_mark_all_read(*, user_id: int, now: datetime.datetime | None = None) -> int:
    """Mark every unread notification of the person read; return how many."""
    count = Notification.objects.filter(recipient_id=user_id, read_at__isnull=True).update(
        read_at=now or timezone.now()
    )
    transaction.on_commit(lambda: forget_unread_counts([user_id]))
    return count
