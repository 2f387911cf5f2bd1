"""Permission-matrix rows of activity registration, for ``tests/test_permission_matrix.py``.

Every URL has an entry in ``OBJECTS`` so that establishments ``a`` and ``c`` have the service
switched on and their objects built: an open club run by the establishment's partner, with a
question, a document to provide, a consent, and the student registered by their parent.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from romsie.core.testing.world import World

from .builders import PDF, enable, objects

# url name                                   object | anon stud pare teac part head life libr offi afte digi terr
MATRIX = """
registrations:activity-create                -      | 302  403  403  403  403  200  403  403  200  200  403  403
registrations:activity-detail                own    | 302  200  200  200  200  200  200  200  200  200  200  403
registrations:activity-detail                other  | 302  404  404  404  404  404  404  404  404  404  404  403
registrations:activity-export                own    | 302  404  404  404  200  200  404  404  200  200  404  403
registrations:activity-export                other  | 302  404  404  404  404  404  404  404  404  404  404  403
registrations:activity-list                  -      | 302  200  200  200  200  200  200  200  200  200  200  403
registrations:activity-registrations         own    | 302  404  404  404  200  200  404  404  200  200  404  403
registrations:activity-registrations         other  | 302  404  404  404  404  404  404  404  404  404  404  403
registrations:activity-remind                own    | 302  405  405  405  405  405  405  405  405  405  405  403
registrations:activity-remind                other  | 302  405  405  405  405  405  405  405  405  405  405  403
registrations:activity-update                own    | 302  404  404  404  200  200  404  404  200  200  404  403
registrations:activity-update                other  | 302  404  404  404  404  404  404  404  404  404  404  403
registrations:consent-create                 own    | 302  404  404  404  200  200  404  404  200  200  404  403
registrations:consent-create                 other  | 302  404  404  404  404  404  404  404  404  404  404  403
registrations:consent-update                 own    | 302  404  404  404  200  200  404  404  200  200  404  403
registrations:consent-update                 other  | 302  404  404  404  404  404  404  404  404  404  404  403
registrations:document-download              own    | 302  404  200  404  200  200  404  404  200  200  404  403
registrations:document-download              other  | 302  404  404  404  404  404  404  404  404  404  404  403
registrations:document-queue                 -      | 302  403  403  403  403  403  403  403  200  403  403  403
registrations:document-review                own    | 302  403  403  403  403  403  403  403  405  403  403  403
registrations:document-review                other  | 302  403  403  403  403  403  403  403  405  403  403  403
registrations:document-upload                own    | 302  403  405  403  403  403  403  403  403  403  403  403
registrations:document-upload                other  | 302  403  405  403  403  403  403  403  403  403  403  403
registrations:item-create                    own    | 302  404  404  404  200  200  404  404  200  200  404  403
registrations:item-create                    other  | 302  404  404  404  404  404  404  404  404  404  404  403
registrations:organiser-search               -      | 302  403  403  403  403  200  403  403  200  200  403  403
registrations:question-create                own    | 302  404  404  404  200  200  404  404  200  200  404  403
registrations:question-create                other  | 302  404  404  404  404  404  404  404  404  404  404  403
registrations:registration-create            own    | 302  403  200  403  403  403  403  403  403  403  403  403
registrations:registration-create            other  | 302  403  404  403  403  403  403  403  403  403  403  403
registrations:registration-detail            own    | 302  404  200  404  200  200  404  404  200  200  404  403
registrations:registration-detail            other  | 302  404  404  404  404  404  404  404  404  404  404  403
registrations:registration-refuse            own    | 302  405  405  405  405  405  405  405  405  405  405  403
registrations:registration-refuse            other  | 302  405  405  405  405  405  405  405  405  405  405  403
registrations:registration-withdraw          own    | 302  405  405  405  405  405  405  405  405  405  405  403
registrations:registration-withdraw          other  | 302  405  405  405  405  405  405  405  405  405  405  403
"""

# url name                                   object | anon stud pare teac part head life libr offi afte digi terr
POST_MATRIX = """
registrations:activity-create                -      | 302  403  403  403  403  302+ 403  403  302+ 302+ 403  403
registrations:activity-remind                own    | 302  404  404  404  302+ 302+ 404  404  302+ 302+ 404  403
registrations:activity-remind                other  | 302  404  404  404  404  404  404  404  404  404  404  403
registrations:activity-update                own    | 302  404  404  404  200  200  404  404  200  200  404  403
registrations:activity-update                other  | 302  404  404  404  404  404  404  404  404  404  404  403
registrations:consent-create                 own    | 302  404  404  404  302+ 302+ 404  404  302+ 302+ 404  403
registrations:consent-create                 other  | 302  404  404  404  404  404  404  404  404  404  404  403
registrations:consent-update                 own    | 302  404  404  404  302+ 302+ 404  404  302+ 302+ 404  403
registrations:consent-update                 other  | 302  404  404  404  404  404  404  404  404  404  404  403
registrations:document-review                own    | 302  403  403  403  403  403  403  403  302+ 403  403  403
registrations:document-review                other  | 302  403  403  403  403  403  403  403  404  403  403  403
registrations:document-upload                own    | 302  403  302+ 403  403  403  403  403  403  403  403  403
registrations:document-upload                other  | 302  403  404  403  403  403  403  403  403  403  403  403
registrations:item-create                    own    | 302  404  404  404  302+ 302+ 404  404  302+ 302+ 404  403
registrations:item-create                    other  | 302  404  404  404  404  404  404  404  404  404  404  403
registrations:question-create                own    | 302  404  404  404  302+ 302+ 404  404  302+ 302+ 404  403
registrations:question-create                other  | 302  404  404  404  404  404  404  404  404  404  404  403
registrations:registration-create            own    | 302  403  200  403  403  403  403  403  403  403  403  403
registrations:registration-create            other  | 302  403  404  403  403  403  403  403  403  403  403  403
registrations:registration-refuse            own    | 302  404  404  404  302+ 302+ 404  404  302+ 302+ 404  403
registrations:registration-refuse            other  | 302  404  404  404  404  404  404  404  404  404  404  403
registrations:registration-withdraw          own    | 302  404  302+ 404  302+ 302+ 404  404  302+ 302+ 404  403
registrations:registration-withdraw          other  | 302  404  404  404  404  404  404  404  404  404  404  403
"""


def _none(w: World, which: str) -> dict[str, Any]:
    enable(w.a, w.c)
    objects(w.a)
    return {}


def _pk(key: str) -> Callable[[World, str], dict[str, Any]]:
    def build(w: World, which: str) -> dict[str, Any]:
        enable(w.a, w.c)
        objects(w.a)
        return {"pk": objects(w.a if which == "own" else w.c)[key].pk}

    return build


OBJECTS: dict[str, Callable[[World, str], dict[str, Any]]] = {
    "registrations:activity-list": _none,
    "registrations:activity-create": _none,
    "registrations:organiser-search": _none,
    "registrations:document-queue": _none,
    "registrations:activity-detail": _pk("activity"),
    "registrations:activity-update": _pk("activity"),
    "registrations:question-create": _pk("activity"),
    "registrations:item-create": _pk("activity"),
    "registrations:consent-create": _pk("activity"),
    "registrations:consent-update": _pk("consent"),
    "registrations:registration-create": _pk("activity"),
    "registrations:activity-registrations": _pk("activity"),
    "registrations:activity-export": _pk("activity"),
    "registrations:activity-remind": _pk("activity"),
    "registrations:registration-detail": _pk("registration"),
    "registrations:registration-withdraw": _pk("registration"),
    "registrations:registration-refuse": _pk("registration"),
    "registrations:document-upload": _pk("registration"),
    "registrations:document-download": _pk("upload"),
    "registrations:document-review": _pk("upload"),
}

# Bodies that make each action do something: a POST by someone who may not act would then add
# or change a row, which the matrix would see.
POST_DATA: dict[str, Callable[[World, str], dict[str, Any]]] = {
    "registrations:question-create": lambda w, which: {"label": "Shoe size?", "kind": "text", "is_required": "on"},
    "registrations:item-create": lambda w, which: {"name": "Medical certificate"},
    "registrations:consent-create": lambda w, which: {"name": "Leaving alone", "text": "My child may leave alone."},
    "registrations:consent-update": lambda w, which: {"text": "New text."},
    "registrations:document-upload": lambda w, which: {
        "item": str(objects(w.a if which == "own" else w.c)["item"].pk),
        "file": SimpleUploadedFile("insurance.pdf", PDF, content_type="application/pdf"),
    },
    "registrations:document-review": lambda w, which: {"decision": "refused", "reason": "Unreadable"},
    "registrations:activity-create": lambda w, which: {
        "kind": "club",
        "title": "Drama club",
        "opens_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "closes_at": (timezone.localtime() + timezone.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
        "allocation": "first_come",
        "is_published": "on",
    },
}
