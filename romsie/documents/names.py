"""Names of folders and files: what is accepted, and the keys that compare and search them.

A name is one path segment that every desktop system and WebDAV client can hold: no ``/`` or
``\\``, no control characters, not ``.`` or ``..``, no trailing dot or space (Windows drops them),
at most 255 characters. Two names that differ only by case are the same name in a folder
(``name_key``), as on the file systems of Windows and macOS; search ignores case and accents
(``search_key``).
"""

from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from romsie.core.errors import ApplicationError
from romsie.core.text import fold
from romsie.core.uploads import MAX_NAME_LENGTH, clean_file_name

MAX_NAME = MAX_NAME_LENGTH


def clean_name(raw: str) -> str:
    """Return the name as stored, or raise ``ApplicationError``.

    The rules of every uploaded file's name (``core.uploads.clean_file_name``: NFC, no control or
    text-direction characters, not ``.``/``..``, at most 255 characters, no name Windows reserves),
    and, since a name here is typed or sent by a WebDAV client rather than taken from a path, a
    slash, a backslash or a trailing dot or space is refused instead of silently dropped.
    """
    name = unicodedata.normalize("NFC", raw or "").strip()
    if "/" in name or "\\" in name:
        raise ApplicationError(
            _("“%(name)s”: a name cannot hold a slash or a backslash.")
            % {"name": "".join(c for c in name if c.isprintable())},
            extra={"code": "name_invalid"},
        )
    if name not in (".", "..") and name.endswith((".", " ")) and name.strip(". "):
        raise ApplicationError(
            _("“%(name)s”: a name cannot end with a dot or a space.") % {"name": name}, extra={"code": "name_invalid"}
        )
    try:
        return clean_file_name(name)
    except ValidationError as error:
        raise ApplicationError(" ".join(error.messages), extra={"code": "name_invalid"}) from error


def name_key(name: str) -> str:
    """The form two names are compared in: equal keys, same name in a folder."""
    return unicodedata.normalize("NFC", name).lower()


def search_key(name: str) -> str:
    """The form names are searched in: lower case, accents removed."""
    return fold(name)[:MAX_NAME]


def numbered(name: str, n: int) -> str:
    """``report.pdf`` → ``report (2).pdf``: a free name for a copy or a restored item."""
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem:
        stem, extension = name, ""
    suffix = f" ({n})" + (f".{extension}" if extension else "")
    return stem[: MAX_NAME - len(suffix)] + suffix
