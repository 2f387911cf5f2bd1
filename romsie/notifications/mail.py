"""E-mail delivery of notifications: at once (when due) and the daily digest.

Both are safe to run concurrently and again (a scheduler every minute, the task queued by
``notify``): each run first claims its rows by moving their due time to a lease in the
future marked with a random instant, then reads back what it claimed. A sent e-mail marks its
rows ``sent``; a refused or unreachable SMTP server leaves them to send, one more attempt
counted, later (exponential backoff): nothing is lost. A run killed mid-way leaves its claimed
rows due again when the lease ends. Nobody gets an e-mail during their quiet hours: the rows
wait for their end.
"""

from __future__ import annotations

import contextlib
import datetime
import logging
import secrets
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from .kinds import is_local_url, kind_get, quiet_until, render
from .models import Notification, QuietHours

logger = logging.getLogger(__name__)

State = Notification.EmailState
BATCH = 500  # notifications (or digest recipients) claimed per round
LEASE = datetime.timedelta(minutes=15)
BACKOFF_FIRST = datetime.timedelta(minutes=5)
BACKOFF_MAX = datetime.timedelta(hours=6)


@dataclass
class DeliveryReport:
    """What a run did: e-mails sent, rows postponed to the end of quiet hours, failures."""

    sent: int = 0
    postponed: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, other: DeliveryReport) -> None:
        self.sent += other.sent
        self.postponed += other.postponed
        self.failed += other.failed
        self.errors.extend(other.errors)


def backoff(attempts: int) -> datetime.timedelta:
    """Return how long to wait after the ``attempts``-th failed attempt (5 min, 10, 20... 6 h)."""
    return min(BACKOFF_FIRST * (1 << min(max(attempts - 1, 0), 12)), BACKOFF_MAX)


def _lease(now: datetime.datetime) -> datetime.datetime:
    """Return a claim marker: the end of the lease, made unique by a random instant."""
    return now + LEASE + datetime.timedelta(microseconds=secrets.randbelow(60_000_000))


def _absolute(url: str) -> str:
    base = str(settings.ROMSIE_PUBLIC_URL).rstrip("/")
    return base + (url if url and is_local_url(url) else reverse("notifications:notification-list"))


def _with_recipient(rows: QuerySet[Notification]) -> QuerySet[Notification]:
    quiet = QuietHours.objects.filter(user_id=OuterRef("recipient_id"))
    return rows.select_related("recipient").annotate(
        quiet_starts_at=Subquery(quiet.values("starts_at")[:1]),
        quiet_ends_at=Subquery(quiet.values("ends_at")[:1]),
    )


def _message(recipient: Any, template: str, context: dict[str, Any]) -> EmailMultiAlternatives:
    """Build an e-mail with text and HTML parts, in the recipient's language."""
    with translation.override(recipient.language or settings.LANGUAGE_CODE):
        context = {
            **context,
            "recipient": recipient,
            "preferences_url": _absolute(reverse("notifications:notification-preferences")),
            "site_url": str(settings.ROMSIE_PUBLIC_URL).rstrip("/") + "/",
        }
        subject = " ".join(render_to_string(f"notifications/email/{template}_subject.txt", context).split())
        message = EmailMultiAlternatives(
            subject=subject,
            body=render_to_string(f"notifications/email/{template}.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[recipient.email],
            headers={"Auto-Submitted": "auto-generated", "Content-Language": translation.get_language()},
        )
        message.attach_alternative(render_to_string(f"notifications/email/{template}.html", context), "text/html")
    return message


def _entry(notification: Notification) -> dict[str, str]:
    kind = kind_get(notification.kind)
    return {
        "label": str(kind.label) if kind else notification.kind,
        "text": render(notification),
        "url": _absolute(notification.url),
    }


def _send(
    messages: list[tuple[list[int], EmailMultiAlternatives]], report: DeliveryReport
) -> tuple[list[int], list[int]]:
    """Send each message over one SMTP connection; return the row ids sent and those failed."""
    sent: list[int] = []
    failed: list[int] = []
    if not messages:
        return sent, failed
    connection = get_connection(fail_silently=False)
    try:
        connection.open()
    except Exception as error:  # an unreachable server fails the whole batch
        logger.warning("notification e-mails: SMTP server unavailable: %s", error)
        report.errors.append(str(error))
        return sent, [pk for ids, _ in messages for pk in ids]
    try:
        for ids, message in messages:
            try:
                if connection.send_messages([message]):
                    sent.extend(ids)
                else:
                    failed.extend(ids)
            except Exception as error:  # refused recipient, dropped connection...
                logger.warning("notification e-mail to %s failed: %s", message.to, error)
                report.errors.append(str(error))
                failed.extend(ids)
    finally:
        with contextlib.suppress(Exception):  # closing a broken connection may fail too
            connection.close()
    return sent, failed


def _settle(
    claimed: list[Notification],
    sent: Iterable[int],
    failed: Iterable[int],
    postponed: dict[datetime.datetime, list[int]],
    now: datetime.datetime,
    report: DeliveryReport,
) -> None:
    """Write the outcome of a run: sent rows, postponed ones, failed ones with their next try."""
    sent_ids = list(sent)
    if sent_ids:
        Notification.objects.filter(pk__in=sent_ids).update(
            email_state=State.SENT, email_due_at=now, email_attempts=F("email_attempts") + 1
        )
    report.sent += len(sent_ids)
    for due_at, ids in postponed.items():
        Notification.objects.filter(pk__in=ids).update(email_due_at=due_at)
        report.postponed += len(ids)
    attempts = {n.pk: n.email_attempts for n in claimed}
    by_attempts: dict[int, list[int]] = defaultdict(list)
    for pk in failed:
        by_attempts[attempts[pk] + 1].append(pk)
    for tries, ids in by_attempts.items():
        Notification.objects.filter(pk__in=ids).update(email_due_at=now + backoff(tries), email_attempts=tries)
        report.failed += len(ids)


def _claim(rows: QuerySet[Notification], now: datetime.datetime, *, limit: int | None = None) -> list[Notification]:
    """Claim the rows (a lease no other run takes) and return them with their recipients.

    The conditions stay on the UPDATE itself, so a concurrent run that claimed a row first
    (its due time moved past ``now``) makes this one skip it.
    """
    marker = _lease(now)
    if limit is not None:
        rows = rows.filter(pk__in=Subquery(rows.order_by("email_due_at", "pk").values("pk")[:limit]))
    rows.update(email_due_at=marker)
    claimed = Notification.objects.filter(email_due_at=marker, email_state__in=[State.DUE, State.DIGEST])
    return list(_with_recipient(claimed).order_by("recipient_id", "created_at", "pk"))


def _deliverable(recipient: Any) -> bool:
    return bool(recipient.email and recipient.is_active)


def send_due_emails(*, now: datetime.datetime | None = None) -> DeliveryReport:
    """Send the notifications due by ``now``, one e-mail each, batch after batch."""
    now = now or timezone.now()
    report = DeliveryReport()
    while True:
        due = Notification.objects.filter(email_state=State.DUE, email_due_at__lte=now)
        claimed = _claim(due, now, limit=BATCH)
        if not claimed:
            break
        round_report = DeliveryReport()
        messages: list[tuple[list[int], EmailMultiAlternatives]] = []
        postponed: dict[datetime.datetime, list[int]] = defaultdict(list)
        dropped: list[int] = []
        for notification in claimed:
            recipient = notification.recipient
            if not _deliverable(recipient):
                dropped.append(notification.pk)  # the address went away: the timeline keeps it
                continue
            until = quiet_until(now, notification.quiet_starts_at, notification.quiet_ends_at)  # type: ignore[attr-defined]
            if until is not None:
                postponed[until].append(notification.pk)
                continue
            with translation.override(recipient.language or settings.LANGUAGE_CODE):
                entry = _entry(notification)
            messages.append(([notification.pk], _message(recipient, "notification", {"entry": entry})))
        if dropped:
            Notification.objects.filter(pk__in=dropped).update(email_state=State.NONE, email_due_at=None)
        sent, failed = _send(messages, round_report)
        _settle(claimed, sent, failed, postponed, now, round_report)
        report.add(round_report)
        if round_report.failed:
            break  # the server is failing: the rest waits for the next run
    return report


def send_digests(*, now: datetime.datetime | None = None, postponed_only: bool = False) -> DeliveryReport:
    """Send each person one e-mail gathering their notifications waiting for the digest.

    The daily run takes every waiting notification; ``postponed_only`` (the every-minute run)
    takes only digests held back by quiet hours or a failing server whose time has come.
    """
    now = now or timezone.now()
    report = DeliveryReport()
    ready = Q(email_due_at__isnull=False, email_due_at__lte=now)
    if not postponed_only:
        ready |= Q(email_due_at__isnull=True)
    while True:
        people = list(
            Notification.objects.filter(ready, email_state=State.DIGEST)
            .order_by("recipient_id")
            .values_list("recipient_id", flat=True)
            .distinct()[:BATCH]
        )
        if not people:
            break
        claimed = _claim(Notification.objects.filter(ready, email_state=State.DIGEST, recipient_id__in=people), now)
        round_report = DeliveryReport()
        by_person: dict[int, list[Notification]] = defaultdict(list)
        for notification in claimed:
            by_person[notification.recipient_id].append(notification)
        messages: list[tuple[list[int], EmailMultiAlternatives]] = []
        postponed: dict[datetime.datetime, list[int]] = defaultdict(list)
        dropped: list[int] = []
        for entries in by_person.values():
            first = entries[0]
            recipient = first.recipient
            ids = [n.pk for n in entries]
            if not _deliverable(recipient):
                dropped.extend(ids)
                continue
            until = quiet_until(now, first.quiet_starts_at, first.quiet_ends_at)  # type: ignore[attr-defined]
            if until is not None:
                postponed[until].extend(ids)
                continue
            with translation.override(recipient.language or settings.LANGUAGE_CODE):
                items = [_entry(n) for n in entries]
            messages.append((ids, _message(recipient, "digest", {"entries": items, "count": len(items)})))
        if dropped:
            Notification.objects.filter(pk__in=dropped).update(email_state=State.NONE, email_due_at=None)
        sent, failed = _send(messages, round_report)
        _settle(claimed, sent, failed, postponed, now, round_report)
        report.add(round_report)
        if round_report.failed:
            break
    return report


def send_pending(*, now: datetime.datetime | None = None) -> DeliveryReport:
    """Send what is due by ``now``: single e-mails, then digests held back earlier."""
    now = now or timezone.now()
    report = send_due_emails(now=now)
    report.add(send_digests(now=now, postponed_only=True))
    return report
