"""Text helpers shared by every app: accent-free forms for usernames and search."""

import re
import unicodedata

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def fold(value: str) -> str:
    """Return a lower-case, accent-free form of ``value`` for matching and sorting."""
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower().strip()


def slug_part(value: str) -> str:
    """Return ``value`` folded to ascii letters and digits joined by hyphens (username parts)."""
    return _NON_ALNUM.sub("-", fold(value).replace("œ", "oe").replace("æ", "ae")).strip("-")
