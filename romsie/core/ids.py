"""Object ids that arrive from outside (URL paths, query strings, forms).

Our ids are 64-bit integers (``BigAutoField``). A longer number is no id of ours, and SQLite
cannot even compare it (``OverflowError``, a 500): in a URL the ``id`` path converter does not
match it, so the page is a 404; in a query string or a form, :func:`parse_id` reads it as no id.
Every object id in a ``urls.py`` is written ``<id:pk>``, never ``<int:pk>``.
"""

from __future__ import annotations

MAX_ID = 2**63 - 1
_MAX_DIGITS = len(str(MAX_ID))


class IdConverter:
    """The ``id`` path converter: up to 19 digits, at most ``MAX_ID``; anything else is a 404."""

    regex = f"[0-9]{{1,{_MAX_DIGITS}}}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ID:
            raise ValueError("not an id")  # the pattern does not match: 404
        return number

    def to_url(self, value: int | str) -> str:
        return str(value)


def parse_id(value: object) -> int | None:
    """Return the id written in ``value`` (a query-string or form value), or None if it is none."""
    if not isinstance(value, str) or not value.isascii() or not value.isdigit() or len(value) > _MAX_DIGITS:
        return None
    number = int(value)
    return number if number <= MAX_ID else None
