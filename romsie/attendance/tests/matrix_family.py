"""Permission-matrix rows of the families' part of school life (joined by ``matrix.py``).

Objects: an absence, a lateness and a justification (with a PNG) of ``a``'s student (``own``) or
of ``c``'s student (``other``). ``a``'s parent may justify (the default guardianship); ``a``'s
student is a minor, so justifying their own absence answers 404.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.files.base import ContentFile

from romsie.core.testing.world import EstablishmentWorld, World

from .builders import enable
from .builders_family import PNG, absence_for, justification_for, lateness_for, reason_of

# url name                          object | anon stud pare teac part head life libr offi afte digi terr
MATRIX = """
attendance:record                   -      | 302  200  200  403  403  403  403  403  403  403  403  403
attendance:justify-absence          own    | 302  404  200  404  403  404  404  403  403  403  403  403
attendance:justify-absence          other  | 302  404  404  404  403  404  404  403  403  403  403  403
attendance:justify-lateness         own    | 302  404  200  404  403  404  404  403  403  403  403  403
attendance:justify-lateness         other  | 302  404  404  404  403  404  404  403  403  403  403  403
attendance:justification-list       -      | 302  403  403  403  403  200  200  403  403  403  403  403
attendance:justification-review     own    | 302  403  403  403  403  200  200  403  403  403  403  403
attendance:justification-review     other  | 302  403  403  403  403  404  404  403  403  403  403  403
attendance:justification-file       own    | 302  200  200  404  403  200  200  403  403  403  403  403
attendance:justification-file       other  | 302  404  404  404  403  404  404  403  403  403  403  403
"""

# url name                          object | anon stud pare teac part head life libr offi afte digi terr
POST_MATRIX = """
attendance:justify-absence          own    | 302  404  302+ 404  403  404  404  403  403  403  403  403
attendance:justify-absence          other  | 302  404  404  404  403  404  404  403  403  403  403  403
attendance:justify-lateness         own    | 302  404  302+ 404  403  404  404  403  403  403  403  403
attendance:justify-lateness         other  | 302  404  404  404  403  404  404  403  403  403  403  403
attendance:justification-review     own    | 302  403  403  403  403  302+ 302+ 403  403  403  403  403
attendance:justification-review     other  | 302  403  403  403  403  404  404  403  403  403  403  403
"""


def _side(w: World, which: str) -> EstablishmentWorld:
    enable(w.a, w.c)
    return w.a if which == "own" else w.c


def _absence(w: World, which: str) -> dict[str, Any]:
    side = _side(w, which)
    return {"pk": absence_for(side.student, side.establishment.pk).pk}


def _lateness(w: World, which: str) -> dict[str, Any]:
    side = _side(w, which)
    return {"pk": lateness_for(side.student, side.establishment.pk).pk}


def _justification(w: World, which: str) -> dict[str, Any]:
    side = _side(w, which)
    justification = justification_for(absence_for(side.student, side.establishment.pk), side.parent)
    justification.file.save("certificate.png", ContentFile(PNG), save=False)
    justification.name, justification.content_type, justification.size_bytes = "certificate.png", "image/png", len(PNG)
    justification.save()
    return {"pk": justification.pk}


def _none(w: World, which: str) -> dict[str, Any]:
    _side(w, which)
    return {}


def _reason(w: World, which: str) -> dict[str, Any]:
    return {"reason": reason_of(w.a.establishment.pk).pk, "comment": "Flu"}


OBJECTS: dict[str, Callable[[World, str], dict[str, Any]]] = {
    "attendance:record": _none,
    "attendance:justify-absence": _absence,
    "attendance:justify-lateness": _lateness,
    "attendance:justification-list": _none,
    "attendance:justification-review": _justification,
    "attendance:justification-file": _justification,
}

POST_DATA: dict[str, Callable[[World, str], dict[str, Any]]] = {
    "attendance:justify-absence": _reason,
    "attendance:justify-lateness": _reason,
    "attendance:justification-review": lambda w, which: {**_reason(w, which), "decision": "accept"},
}
