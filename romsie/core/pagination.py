"""Keyset pagination of lists ordered newest first (a mailbox, the notification timeline).

A page is read after a *cursor*, ``"<microseconds since 1970>.<id>"`` of the last row shown,
so reading page 50 costs what page 1 costs. A cursor comes from the query string: whatever it
holds, :func:`decode_cursor` answers a position or None, and a bad cursor shows the first page,
never a 500 (an over-long number would overflow the date or the database's integer).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Generic, TypeVar

from django.db.models import Model, Q, QuerySet

from .ids import parse_id

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
_MICROSECOND = datetime.timedelta(microseconds=1)
_MAX_MICROS_DIGITS = 18

M = TypeVar("M", bound=Model)


def encode_cursor(at: datetime.datetime, pk: int) -> str:
    """Return the cursor of a row: where the next (older) page starts."""
    return f"{(at - EPOCH) // _MICROSECOND}.{pk}"


def decode_cursor(cursor: str) -> tuple[datetime.datetime, int] | None:
    """Return the position written in a cursor, or None when it is not a cursor we wrote."""
    micros, _sep, raw_pk = cursor.partition(".")
    pk = parse_id(raw_pk)
    if pk is None or not (micros.isascii() and micros.isdigit() and len(micros) <= _MAX_MICROS_DIGITS):
        return None
    try:
        return EPOCH + int(micros) * _MICROSECOND, pk
    except OverflowError:
        return None


@dataclass
class KeysetPage(Generic[M]):
    """One page, newest first; ``next_cursor`` is empty on the last page."""

    entries: list[M]
    next_cursor: str = ""
    is_first: bool = True


def keyset_page(rows: QuerySet[M], *, time_field: str, cursor: str, size: int) -> KeysetPage[M]:
    """Return the page of ``rows`` after ``cursor``, ordered by ``time_field`` then id, newest first.

    An empty or invalid cursor gives the first page. One query.
    """
    position = decode_cursor(cursor) if cursor else None
    if position is not None:
        at, pk = position
        rows = rows.filter(Q(**{f"{time_field}__lt": at}) | Q(**{time_field: at, "pk__lt": pk}))
    found = list(rows.order_by(f"-{time_field}", "-pk")[: size + 1])
    page = KeysetPage(entries=found[:size], is_first=position is None)
    if len(found) > size:
        last = found[size - 1]
        page.next_cursor = encode_cursor(getattr(last, time_field), last.pk)
    return page
