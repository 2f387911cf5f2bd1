"""Names of folders and files: what is accepted, and the keys that compare and search them.

A name is one path segment that every desktop system and WebDAV client can hold: no ``/`` or
``\\``, no control characters, not ``.`` or ``..``, no trailing dot or space (Windows drops them),
at most 255 characters. Two names that differ only by case are the same name in a folder
(``name_key``), as on the file systems of Windows and macOS; search ignores case and accents
(``search_key``).
"""

from __future__ import annotations

import unicodedata

from django.utils.translation import gettext as _

from romsie.core.errors import ApplicationError
from romsie.core.text import fold

MAX_NAME = 255
_FORBIDDEN = set("/\\") | {chr(c) for c in range(32)} | {"\x7f"}


def clean_name(raw: str) -> str:
    """Return the name as stored (NFC, outer spaces removed), or raise ``ApplicationError``."""
    name = unicodedata.normalize("NFC", raw or "").strip()
    if not name:
        raise ApplicationError(_("Give a name."), extra={"code": "name_empty"})
    if len(name) > MAX_NAME:
        raise ApplicationError(
            _("A name has at most %(max)d characters.") % {"max": MAX_NAME}, extra={"code": "name_too_long"}
        )
    if any(c in _FORBIDDEN or unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") for c in name):
        raise ApplicationError(
            _("“%(name)s”: a name cannot hold a slash, a backslash or control characters.")
            % {"name": "".join(c for c in name if c.isprintable())},
            extra={"code": "name_invalid"},
        )
    if name in (".", "..") or name.endswith((".", " ")):
        raise ApplicationError(
            _("“%(name)s”: a name cannot be “.” or “..”, nor end with a dot or a space.") % {"name": name},
            extra={"code": "name_invalid"},
        )
    return name


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
