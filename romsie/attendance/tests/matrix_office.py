"""Permission-matrix rows of the school-life office, for ``tests/test_permission_matrix.py``.

Joined by ``matrix.py``. The office needs ``attendance.manage`` (head and school life by
default); the absence reasons ``attendance.settings`` (the same people).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from romsie.core.testing.world import EstablishmentWorld, World

from .builders import enable
from .builders_office import PDF, absence_for, exemption_for, lateness_for, reason_for

# url name                          object | anon stud pare teac part head life libr offi afte digi terr
MATRIX = """
attendance:register                 -      | 302  403  403  403  403  200  200  403  403  403  403  403
attendance:student-search           -      | 302  403  403  403  403  200  200  403  403  403  403  403
attendance:absence-create           -      | 302  403  403  403  403  200  200  403  403  403  403  403
attendance:absence-update           own    | 302  403  403  403  403  200  200  403  403  403  403  403
attendance:absence-update           other  | 302  403  403  403  403  404  404  403  403  403  403  403
attendance:absence-close            own    | 302  403  403  403  403  405  405  403  403  403  403  403
attendance:absence-close            other  | 302  403  403  403  403  405  405  403  403  403  403  403
attendance:outing-create            -      | 302  403  403  403  403  200  200  403  403  403  403  403
attendance:exemption-create         -      | 302  403  403  403  403  200  200  403  403  403  403  403
attendance:exemption-certificate    own    | 302  403  403  403  403  200  200  403  403  403  403  403
attendance:exemption-certificate    other  | 302  403  403  403  403  404  404  403  403  403  403  403
attendance:lateness-create          -      | 302  403  403  403  403  200  200  403  403  403  403  403
attendance:lateness-update          own    | 302  403  403  403  403  200  200  403  403  403  403  403
attendance:lateness-update          other  | 302  403  403  403  403  404  404  403  403  403  403  403
attendance:reason-list              -      | 302  403  403  403  403  200  200  403  403  403  403  403
attendance:reason-create            -      | 302  403  403  403  403  200  200  403  403  403  403  403
attendance:reason-update            own    | 302  403  403  403  403  200  200  403  403  403  403  403
attendance:reason-update            other  | 302  403  403  403  403  404  404  403  403  403  403  403
"""

# url name                          object | anon stud pare teac part head life libr offi afte digi terr
POST_MATRIX = """
attendance:student-search           -      | 302  403  403  403  403  200  200  403  403  403  403  403
attendance:absence-create           -      | 302  403  403  403  403  302+ 302+ 403  403  403  403  403
attendance:absence-update           own    | 302  403  403  403  403  302+ 302+ 403  403  403  403  403
attendance:absence-update           other  | 302  403  403  403  403  404  404  403  403  403  403  403
attendance:absence-close            own    | 302  403  403  403  403  302+ 302+ 403  403  403  403  403
attendance:absence-close            other  | 302  403  403  403  403  404  404  403  403  403  403  403
attendance:outing-create            -      | 302  403  403  403  403  302+ 302+ 403  403  403  403  403
attendance:exemption-create         -      | 302  403  403  403  403  302+ 302+ 403  403  403  403  403
attendance:lateness-create          -      | 302  403  403  403  403  302+ 302+ 403  403  403  403  403
attendance:lateness-update          own    | 302  403  403  403  403  302+ 302+ 403  403  403  403  403
attendance:lateness-update          other  | 302  403  403  403  403  404  404  403  403  403  403  403
attendance:reason-create            -      | 302  403  403  403  403  302+ 302+ 403  403  403  403  403
attendance:reason-update            own    | 302  403  403  403  403  302+ 302+ 403  403  403  403  403
attendance:reason-update            other  | 302  403  403  403  403  404  404  403  403  403  403  403
"""


def _both(w: World) -> None:
    enable(w.a, w.c)


def _ew(w: World, which: str) -> EstablishmentWorld:
    _both(w)
    return w.a if which == "own" else w.c


def _none(w: World, which: str) -> dict[str, Any]:
    _both(w)
    return {}


def _pk(build: Callable[[EstablishmentWorld], Any]) -> Callable[[World, str], dict[str, Any]]:
    def objects(w: World, which: str) -> dict[str, Any]:
        return {"pk": build(_ew(w, which)).pk}

    return objects


OBJECTS: dict[str, Callable[[World, str], dict[str, Any]]] = {
    "attendance:register": _none,
    "attendance:student-search": lambda w, which: {**_none(w, which), "field": "student"},
    "attendance:absence-create": _none,
    "attendance:absence-update": _pk(absence_for),
    "attendance:absence-close": _pk(absence_for),
    "attendance:outing-create": _none,
    "attendance:exemption-create": _none,
    "attendance:exemption-certificate": _pk(exemption_for),
    "attendance:lateness-create": _none,
    "attendance:lateness-update": _pk(lateness_for),
    "attendance:reason-list": _none,
    "attendance:reason-create": _none,
    "attendance:reason-update": _pk(reason_for),
}


def _tomorrow() -> str:
    return (timezone.localdate() + datetime.timedelta(days=1)).isoformat()


# Bodies that make each action do something: a POST by someone who may not act would then add
# or change a row.
POST_DATA: dict[str, Callable[[World, str], dict[str, Any]]] = {
    "attendance:absence-create": lambda w, which: {
        "student": f"user:{w.a.student2.pk}",
        "starts_on": _tomorrow(),
        "note": "phone call",
    },
    "attendance:absence-update": lambda w, which: {
        "starts_at": f"{_tomorrow()}T08:00",
        "ends_at": f"{_tomorrow()}T17:00",
        "status": "justified",
        "note": "changed",
        "version": "0",
    },
    "attendance:absence-close": lambda w, which: {"version": "0"},
    "attendance:outing-create": lambda w, which: {
        "students": [f"user:{w.a.student.pk}", f"user:{w.a.student2.pk}"],
        "starts_on": _tomorrow(),
        "note": "Museum",
    },
    "attendance:exemption-create": lambda w, which: {
        "student": f"user:{w.a.student.pk}",
        "starts_on": _tomorrow(),
        "ends_on": _tomorrow(),
        "certificate": SimpleUploadedFile("certificat.pdf", PDF, content_type="application/pdf"),
    },
    "attendance:lateness-create": lambda w, which: {
        "student": f"user:{w.a.student.pk}",
        "arrived_at": f"{_tomorrow()}T08:10",
        "minutes": "10",
    },
    "attendance:lateness-update": lambda w, which: {"minutes": "25", "status": "unjustified", "version": "0"},
    "attendance:reason-create": lambda w, which: {"label": "Grève", "justifies": "on", "is_active": "on", "order": "3"},
    "attendance:reason-update": lambda w, which: {"label": "Maladie grave", "justifies": "on", "order": "1"},
}
