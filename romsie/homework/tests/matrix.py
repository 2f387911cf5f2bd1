"""Permission-matrix rows of the homework log, for ``tests/test_permission_matrix.py``.

The services are switched on by the object builders: every homework URL has an entry in
``OBJECTS`` (URLs without arguments return no kwargs) so that establishments ``a`` and ``c``
have the homework service enabled before the requests.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from romsie.core.testing.world import World

from .builders import PDF, enable, objects

# url name                          object | anon stud pare teac part head life libr offi afte digi terr
MATRIX = """
homework:home                       -      | 302  302  302  302  403  302  403  403  403  403  403  403
homework:todo                       -      | 302  200  200  200  403  200  403  403  403  403  403  403
homework:homework-tick              own    | 302  405  405  405  403  405  403  403  403  403  403  403
homework:homework-tick              other  | 302  405  405  405  403  405  403  403  403  403  403  403
homework:planner-create             -      | 302  200  403  403  403  403  403  403  403  403  403  403
homework:planner-update             own    | 302  200  404  404  403  404  403  403  403  403  403  403
homework:planner-update             other  | 302  404  404  404  403  404  403  403  403  403  403  403
homework:planner-tick               own    | 302  405  405  405  403  405  403  403  403  403  403  403
homework:planner-tick               other  | 302  405  405  405  403  405  403  403  403  403  403  403
homework:planner-delete             own    | 302  405  405  405  403  405  403  403  403  403  403  403
homework:planner-delete             other  | 302  405  405  405  403  405  403  403  403  403  403  403
homework:teaching-list              -      | 302  403  403  200  403  403  403  403  403  403  403  403
homework:teaching-log               own    | 302  404  404  200  403  200  403  403  403  403  403  403
homework:teaching-log               other  | 302  404  404  404  403  404  403  403  403  403  403  403
homework:entry-start                -      | 302  403  403  302  403  403  403  403  403  403  403  403
homework:entry-create               own    | 302  403  403  200  403  403  403  403  403  403  403  403
homework:entry-create               other  | 302  403  403  404  403  403  403  403  403  403  403  403
homework:entry-detail               own    | 302  200  200  200  403  200  403  403  403  403  403  403
homework:entry-detail               other  | 302  404  404  404  403  404  403  403  403  403  403  403
homework:entry-update               own    | 302  403  403  200  403  403  403  403  403  403  403  403
homework:entry-update               other  | 302  403  403  404  403  403  403  403  403  403  403  403
homework:entry-delete               own    | 302  403  403  200  403  403  403  403  403  403  403  403
homework:entry-delete               other  | 302  403  403  404  403  403  403  403  403  403  403  403
homework:entry-copy                 own    | 302  403  403  200  403  403  403  403  403  403  403  403
homework:entry-copy                 other  | 302  403  403  404  403  403  403  403  403  403  403  403
homework:attachment-download        own    | 302  200  200  200  403  200  403  403  403  403  403  403
homework:attachment-download        other  | 302  404  404  404  403  404  403  403  403  403  403  403
homework:class-list                 -      | 302  403  403  403  403  200  403  403  403  403  403  403
homework:class-log                  own    | 302  403  403  403  403  200  403  403  403  403  403  403
homework:class-log                  other  | 302  403  403  403  403  404  403  403  403  403  403  403
homework:class-visa                 own    | 302  403  403  403  403  405  403  403  403  403  403  403
homework:class-visa                 other  | 302  403  403  403  403  405  403  403  403  403  403  403
homework:submission-create          own    | 302  405  405  405  403  405  403  403  403  403  403  403
homework:submission-create          other  | 302  405  405  405  403  405  403  403  403  403  403  403
homework:submission-list            own    | 302  403  403  200  403  403  403  403  403  403  403  403
homework:submission-list            other  | 302  403  403  404  403  403  403  403  403  403  403  403
homework:submission-zip             own    | 302  403  403  200  403  403  403  403  403  403  403  403
homework:submission-zip             other  | 302  403  403  404  403  403  403  403  403  403  403  403
homework:submission-download        own    | 302  200  200  200  403  404  403  403  403  403  403  403
homework:submission-download        other  | 302  404  404  404  403  404  403  403  403  403  403  403
homework:submission-corrected       own    | 302  200  200  200  403  404  403  403  403  403  403  403
homework:submission-corrected       other  | 302  404  404  404  403  404  403  403  403  403  403  403
homework:submission-return          own    | 302  403  403  200  403  403  403  403  403  403  403  403
homework:submission-return          other  | 302  403  403  404  403  403  403  403  403  403  403  403
"""

# url name                          object | anon stud pare teac part head life libr offi afte digi terr
POST_MATRIX = """
homework:homework-tick              own    | 302  302+ 403  403  403  403  403  403  403  403  403  403
homework:homework-tick              other  | 302  404  404  404  403  404  403  403  403  403  403  403
homework:planner-create             -      | 302  200  403  403  403  403  403  403  403  403  403  403
homework:planner-update             own    | 302  200  404  404  403  404  403  403  403  403  403  403
homework:planner-update             other  | 302  404  404  404  403  404  403  403  403  403  403  403
homework:planner-tick               own    | 302  302  404  404  403  404  403  403  403  403  403  403
homework:planner-tick               other  | 302  404  404  404  403  404  403  403  403  403  403  403
homework:planner-delete             own    | 302  302+ 404  404  403  404  403  403  403  403  403  403
homework:planner-delete             other  | 302  404  404  404  403  404  403  403  403  403  403  403
homework:entry-create               own    | 302  403  403  200  403  403  403  403  403  403  403  403
homework:entry-create               other  | 302  403  403  404  403  403  403  403  403  403  403  403
homework:entry-update               own    | 302  403  403  200  403  403  403  403  403  403  403  403
homework:entry-update               other  | 302  403  403  404  403  403  403  403  403  403  403  403
homework:entry-delete               own    | 302  403  403  302+ 403  403  403  403  403  403  403  403
homework:entry-delete               other  | 302  403  403  404  403  403  403  403  403  403  403  403
homework:entry-copy                 own    | 302  403  403  200  403  403  403  403  403  403  403  403
homework:entry-copy                 other  | 302  403  403  404  403  403  403  403  403  403  403  403
homework:class-visa                 own    | 302  403  403  403  403  302+ 403  403  403  403  403  403
homework:class-visa                 other  | 302  403  403  403  403  404  403  403  403  403  403  403
homework:submission-create          own    | 302  302  302  302  403  302  403  403  403  403  403  403
homework:submission-create          other  | 302  404  404  404  403  404  403  403  403  403  403  403
homework:submission-return          own    | 302  403  403  200  403  403  403  403  403  403  403  403
homework:submission-return          other  | 302  403  403  404  403  403  403  403  403  403  403  403
"""


def _both(w: World) -> None:
    enable(w.a, w.c)


def _pk(key: str) -> Callable[[World, str], dict[str, Any]]:
    def build(w: World, which: str) -> dict[str, Any]:
        _both(w)
        return {"pk": objects(w.a if which == "own" else w.c)[key].pk}

    return build


def _none(w: World, which: str) -> dict[str, Any]:
    _both(w)
    return {}


def _session(w: World, which: str) -> dict[str, Any]:
    _both(w)
    return {"session_pk": objects(w.a if which == "own" else w.c)["session"].pk}


OBJECTS: dict[str, Callable[[World, str], dict[str, Any]]] = {
    "homework:home": _none,
    "homework:todo": _none,
    "homework:planner-create": _none,
    "homework:teaching-list": _none,
    "homework:entry-start": _none,
    "homework:class-list": _none,
    "homework:homework-tick": _pk("homework"),
    "homework:planner-update": _pk("planner"),
    "homework:planner-tick": _pk("planner"),
    "homework:planner-delete": _pk("planner"),
    "homework:teaching-log": _pk("teaching"),
    "homework:entry-create": _session,
    "homework:entry-detail": _pk("entry"),
    "homework:entry-update": _pk("entry"),
    "homework:entry-delete": _pk("entry"),
    "homework:entry-copy": _pk("entry"),
    "homework:attachment-download": _pk("attachment"),
    "homework:class-log": _pk("class"),
    "homework:class-visa": _pk("class"),
    "homework:submission-create": _pk("homework"),
    "homework:submission-list": _pk("homework"),
    "homework:submission-zip": _pk("homework"),
    "homework:submission-download": _pk("submission"),
    "homework:submission-corrected": _pk("submission"),
    "homework:submission-return": _pk("submission"),
}

# Bodies that make each action do something (a tick, a visa, a file handed in): a POST by
# someone who may not act would then add a row (a "+" in its cell), or change one if refused.
POST_DATA: dict[str, Callable[[World, str], dict[str, Any]]] = {
    "homework:homework-tick": lambda w, which: {"done": "1"},
    "homework:planner-tick": lambda w, which: {"done": "1"},
    "homework:class-visa": lambda w, which: {"signed_on": timezone.localdate().isoformat()},
    "homework:submission-create": lambda w, which: {
        "file": SimpleUploadedFile("work.pdf", PDF, content_type="application/pdf")
    },
}
