"""Kinds of notification and how one reads: registration, rendering, dates in the reader's language.

An app registers its kinds once, from its ``AppConfig.ready()``, with :func:`register_kind`;
a kind's ``format_params`` words the stored params with :func:`local_date`, :func:`local_time`
and :func:`local_date_time`. ``services`` (which writes notifications and enqueues their
e-mails) and ``mail`` (which sends them, from a task) both import this module, and neither
imports the other back: no import cycle (``pyproject.toml``'s ``acyclic_siblings`` contract).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.http import url_has_allowed_host_and_scheme

from .models import Notification, NotificationPreference

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


@dataclass(frozen=True)
class NotificationKind:
    """A kind of event: its key, the label people choose delivery by, and its text template."""

    key: str
    label: str | Promise
    text: str | Promise  # a %-format string over ``params``
    default_delivery: str = "email"  # "app", "email", "digest" or "off"
    # Turn the stored params into the text's, in the reader's language: params hold data (dates
    # as ISO strings), so a date reads "30 novembre" to one reader and "November 30" to another.
    format_params: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    # Urgent kinds (a child's absence) are e-mailed even in the person's quiet hours, unless
    # they ask for them to be held back too (``NotificationPreference.holds_in_quiet_hours``).
    urgent: bool = False


_kinds: dict[str, NotificationKind] = {}


def register_kind(kind: NotificationKind) -> None:
    if kind.default_delivery not in Delivery.values:
        raise ValueError(f"unknown default delivery {kind.default_delivery!r} for {kind.key!r}")
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
        params = kind.format_params(notification.params) if kind.format_params else notification.params
        return str(str(kind.text) % params)
    except (KeyError, TypeError, ValueError):
        return str(kind.label)


def quiet_until(
    now: datetime.datetime, starts_at: datetime.time | None, ends_at: datetime.time | None
) -> datetime.datetime | None:
    """Return when the quiet hours that ``now`` falls in end, or None outside quiet hours.

    Times are wall-clock times of the site's time zone; a start after the end spans midnight.
    """
    if starts_at is None or ends_at is None or starts_at == ends_at:
        return None
    zone = timezone.get_default_timezone()
    local = timezone.localtime(now, zone)
    moment = local.time().replace(tzinfo=None)
    inside = starts_at <= moment < ends_at if starts_at < ends_at else (moment >= starts_at or moment < ends_at)
    if not inside:
        return None
    day = local.date() + datetime.timedelta(days=1 if moment >= ends_at else 0)
    return datetime.datetime.combine(day, ends_at, tzinfo=zone)


def is_local_url(url: str) -> bool:
    """Tell whether ``url`` is a path of this site (never another host): safe to redirect to."""
    return (
        url.startswith("/")
        and not url.startswith(("//", "/\\"))
        and url_has_allowed_host_and_scheme(url, allowed_hosts=None)
    )
