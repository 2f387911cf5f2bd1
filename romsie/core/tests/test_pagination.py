"""Keyset cursors: what we write reads back; anything else is no position (the first page)."""

from __future__ import annotations

import datetime

import pytest

from romsie.core.pagination import decode_cursor, encode_cursor

#: cursors a person could type or a crawler could forge; none may reach the database
BAD_CURSORS = [
    "garbage",
    ".",
    "12",
    "1.2.3",
    "-5.3",
    "5.-3",
    "1e5.2",
    "١٢.٣",  # digits, but not ascii ones
    "1.99999999999999999999999",  # an id beyond 64 bits: SQLite would overflow
    "9223372036854775808.1",  # micro-seconds beyond any date
    "999999999999999999.1",  # 18 digits, still beyond year 9999
    "1" * 5000 + ".1",
]


def test_a_cursor_we_wrote_reads_back() -> None:
    at = datetime.datetime(2026, 12, 4, 8, 30, 0, 123456, tzinfo=datetime.UTC)
    assert decode_cursor(encode_cursor(at, 42)) == (at, 42)


@pytest.mark.parametrize("cursor", BAD_CURSORS)
def test_anything_else_is_no_position(cursor: str) -> None:
    assert decode_cursor(cursor) is None
