"""Permission-matrix rows of the documents service, for ``tests/test_permission_matrix.py``.

Every documents URL has an entry in ``OBJECTS``: the builders switch the service on in
establishments ``a`` and ``c`` before the requests.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from romsie.core.testing.world import EstablishmentWorld, World

# url name                          object | anon stud pare teac part head life libr offi afte digi terr
MATRIX = """
documents:home                      -      | 302  200  200  200  200  200  200  200  200  200  200  403
documents:node-open                 own    | 302  200  200  200  404  200  200  200  200  200  200  403
documents:node-open                 other  | 302  404  404  404  404  404  404  404  404  404  404  403
documents:share-list                own    | 302  403  403  200  403  403  403  403  403  403  403  403
documents:share-list                other  | 302  403  403  404  403  404  404  404  404  404  404  403
documents:share-delete              own    | 302  403  403  405  403  405  405  405  405  405  405  403
documents:share-delete              other  | 302  403  403  405  403  405  405  405  405  405  405  403
documents:share-people-search       -      | 302  403  403  200  403  200  200  200  200  200  200  403
documents:shared-with-me            -      | 302  200  200  200  200  200  200  200  200  200  200  403
documents:space-list                -      | 302  200  200  200  200  200  200  200  200  200  200  403
documents:handout-create            own    | 302  403  403  200  403  403  403  403  403  403  403  403
documents:handout-create            other  | 302  403  403  404  403  403  403  403  403  403  403  403
documents:collection-list           -      | 302  200  200  200  200  200  200  200  200  200  200  403
documents:collection-create         -      | 302  403  403  200  403  403  403  403  403  403  403  403
documents:collection-detail         own    | 302  200  404  200  404  404  404  404  404  404  404  403
documents:collection-detail         other  | 302  404  404  404  404  404  404  404  404  404  404  403
documents:collection-zip            own    | 302  403  403  200  403  403  403  403  403  403  403  403
documents:collection-zip            other  | 302  403  403  404  403  403  403  403  403  403  403  403
"""

# url name                          object | anon stud pare teac part head life libr offi afte digi terr
POST_MATRIX = """
documents:share-list                own    | 302  403  403  302+ 403  403  403  403  403  403  403  403
documents:share-list                other  | 302  403  403  404  403  404  404  404  404  404  404  403
documents:share-delete              own    | 302  403  403  302+ 403  404  404  404  404  404  404  403
documents:share-delete              other  | 302  403  403  404  403  404  404  404  404  404  404  403
documents:handout-create            own    | 302  403  403  302+ 403  403  403  403  403  403  403  403
documents:handout-create            other  | 302  403  403  404  403  403  403  403  403  403  403  403
documents:collection-create         -      | 302  403  403  302+ 403  403  403  403  403  403  403  403
documents:collection-detail         own    | 302  302+ 404  200  404  404  404  404  404  404  404  403
documents:collection-detail         other  | 302  404  404  404  404  404  404  404  404  404  404  403
"""


def enable(*worlds: EstablishmentWorld) -> None:
    """Switch the documents service on in these establishments."""
    for ew in worlds:
        if "documents" not in ew.establishment.enabled_services:
            ew.establishment.enabled_services = [*ew.establishment.enabled_services, "documents"]
            ew.establishment.save(update_fields=["enabled_services"])


def _none(w: World, which: str) -> dict[str, Any]:
    enable(w.a, w.c)
    return {}


def _pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("work.pdf", b"%PDF-1.4 matrix\n", content_type="application/pdf")


def _file(ew: EstablishmentWorld) -> Any:
    """A file of the establishment's teacher, shared with their class (students and guardians) and the staff."""
    from romsie.core.testing.factories import scope_of
    from romsie.documents import services, spaces
    from romsie.documents.models import Share

    scope = scope_of(ew.teacher)
    node = services.file_upload(scope=scope, folder=spaces.personal_space_for(scope).root, upload=_pdf())
    Share.objects.create(
        node=node, kind=Share.Kind.CLASS_ALL, school_class=ew.school_class, establishment=ew.establishment
    )
    Share.objects.create(node=node, kind=Share.Kind.STAFF, establishment=ew.establishment)
    return node


def _world(w: World, which: str) -> EstablishmentWorld:
    enable(w.a, w.c)
    return w.a if which == "own" else w.c


def _node(w: World, which: str) -> dict[str, Any]:
    return {"pk": _file(_world(w, which)).pk}


def _share(w: World, which: str) -> dict[str, Any]:
    from romsie.documents.models import Share

    node = _file(_world(w, which))
    return {"pk": Share.objects.filter(node=node, kind=Share.Kind.STAFF).get().pk}


def _collection(w: World, which: str) -> dict[str, Any]:
    from romsie.core.testing.factories import scope_of
    from romsie.documents import handouts

    ew = _world(w, which)
    collection = handouts.collection_create(
        scope=scope_of(ew.teacher),
        title="Matrix",
        token=f"class-students:{ew.school_class.pk}",
        due_at=timezone.now() + datetime.timedelta(days=2),
    )
    return {"pk": collection.pk}


OBJECTS: dict[str, Callable[[World, str], dict[str, Any]]] = {
    "documents:home": _none,
    "documents:node-open": _node,
    "documents:share-list": _node,
    "documents:share-delete": _share,
    "documents:share-people-search": _none,
    "documents:shared-with-me": _none,
    "documents:space-list": _none,
    "documents:handout-create": _node,
    "documents:collection-list": _none,
    "documents:collection-create": _none,
    "documents:collection-detail": _collection,
    "documents:collection-zip": _collection,
}

POST_DATA: dict[str, Callable[[World, str], dict[str, Any]]] = {
    "documents:share-list": lambda w, which: {"audience": [f"user:{w.a.librarian.pk}"], "right": "1"},
    "documents:handout-create": lambda w, which: {"audience": [f"class-students:{w.a.school_class.pk}"]},
    "documents:collection-create": lambda w, which: {
        "title": "Essay",
        "audience": f"class-students:{w.a.school_class.pk}",
        "due_on": "2030-01-10",
    },
    "documents:collection-detail": lambda w, which: {"file": _pdf()},
}
