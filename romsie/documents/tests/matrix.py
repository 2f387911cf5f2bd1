"""Permission-matrix rows of the documents service, for ``tests/test_permission_matrix.py``.

Every documents URL has an entry in ``OBJECTS``: the builders switch the service on in
establishments ``a`` and ``c`` before the requests. ``own`` objects are in the personal space of
``a``'s teacher (theirs alone: a 404 to everybody else), ``other`` ones in ``c``'s teacher's.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from romsie.core.testing.factories import scope_of
from romsie.core.testing.world import EstablishmentWorld, World

PDF = b"%PDF-1.4 matrix\n"

# url name                          object | anon stud pare teac part head life libr offi afte digi terr
MATRIX = """
documents:home                      -      | 302  200  200  200  200  200  200  200  200  200  200  403
documents:trash                     -      | 302  200  200  200  200  200  200  200  200  200  200  403
documents:search                    -      | 302  200  200  200  200  200  200  200  200  200  200  403
documents:establishment-settings    -      | 302  403  403  403  403  200  403  403  403  403  200  403
documents:territory-settings        own    | 302  403  403  403  403  403  403  403  403  403  403  200
documents:territory-settings        other  | 302  403  403  403  403  403  403  403  403  403  403  404
documents:folder                    own    | 302  404  404  200  404  404  404  404  404  404  404  403
documents:folder                    other  | 302  404  404  404  404  404  404  404  404  404  404  403
documents:upload                    own    | 302  404  404  200  404  404  404  404  404  404  404  403
documents:upload                    other  | 302  404  404  404  404  404  404  404  404  404  404  403
documents:folder-create             own    | 302  404  404  200  404  404  404  404  404  404  404  403
documents:folder-create             other  | 302  404  404  404  404  404  404  404  404  404  404  403
documents:folder-zip                own    | 302  404  404  200  404  404  404  404  404  404  404  403
documents:folder-zip                other  | 302  404  404  404  404  404  404  404  404  404  404  403
documents:node-rename               own    | 302  404  404  200  404  404  404  404  404  404  404  403
documents:node-rename               other  | 302  404  404  404  404  404  404  404  404  404  404  403
documents:node-move                 own    | 302  404  404  200  404  404  404  404  404  404  404  403
documents:node-move                 other  | 302  404  404  404  404  404  404  404  404  404  404  403
documents:node-copy                 own    | 302  404  404  200  404  404  404  404  404  404  404  403
documents:node-copy                 other  | 302  404  404  404  404  404  404  404  404  404  404  403
documents:node-trash                own    | 302  404  404  200  404  404  404  404  404  404  404  403
documents:node-trash                other  | 302  404  404  404  404  404  404  404  404  404  404  403
documents:file-detail               own    | 302  404  404  200  404  404  404  404  404  404  404  403
documents:file-detail               other  | 302  404  404  404  404  404  404  404  404  404  404  403
documents:file-download             own    | 302  404  404  200  404  404  404  404  404  404  404  403
documents:file-download             other  | 302  404  404  404  404  404  404  404  404  404  404  403
documents:file-inline               own    | 302  404  404  200  404  404  404  404  404  404  404  403
documents:file-inline               other  | 302  404  404  404  404  404  404  404  404  404  404  403
documents:file-versions             own    | 302  404  404  200  404  404  404  404  404  404  404  403
documents:file-versions             other  | 302  404  404  404  404  404  404  404  404  404  404  403
documents:version-download          own    | 302  404  404  200  404  404  404  404  404  404  404  403
documents:version-download          other  | 302  404  404  404  404  404  404  404  404  404  404  403
documents:version-restore           own    | 302  405  405  405  405  405  405  405  405  405  405  403
documents:version-restore           other  | 302  405  405  405  405  405  405  405  405  405  405  403
documents:trash-empty               -      | 302  405  405  405  405  405  405  405  405  405  405  403
documents:trash-restore             own    | 302  405  405  405  405  405  405  405  405  405  405  403
documents:trash-restore             other  | 302  405  405  405  405  405  405  405  405  405  405  403
documents:trash-purge               own    | 302  405  405  405  405  405  405  405  405  405  405  403
documents:trash-purge               other  | 302  405  405  405  405  405  405  405  405  405  405  403
documents:app-passwords             -      | 302  200  200  200  200  200  200  200  200  200  200  200
documents:app-password-revoke       own    | 302  405  405  405  405  405  405  405  405  405  405  405
documents:app-password-revoke       other  | 302  405  405  405  405  405  405  405  405  405  405  405
dav:endpoint                        -      | 401  401  401  401  401  401  401  401  401  401  401  401
documents:node-open                 own    | 302  302  302  302  404  302  302  302  302  302  302  403
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

# WebDAV authenticates each request with HTTP Basic (a session is not enough): 401 for everybody.
# The app password of "own" is the teacher's: only the teacher's POST revokes it; the others are
# told it no longer exists (a message, nothing changed).
POST_MATRIX = """
documents:establishment-settings    -      | 302  403  403  403  403  302+ 403  403  403  403  302+ 403
documents:territory-settings        own    | 302  403  403  403  403  403  403  403  403  403  403  200
documents:territory-settings        other  | 302  403  403  403  403  403  403  403  403  403  403  404
documents:upload                    own    | 302  404  404  302+ 404  404  404  404  404  404  404  403
documents:upload                    other  | 302  404  404  404  404  404  404  404  404  404  404  403
documents:folder-create             own    | 302  404  404  302+ 404  404  404  404  404  404  404  403
documents:folder-create             other  | 302  404  404  404  404  404  404  404  404  404  404  403
documents:node-rename               own    | 302  404  404  302  404  404  404  404  404  404  404  403
documents:node-rename               other  | 302  404  404  404  404  404  404  404  404  404  404  403
documents:node-move                 own    | 302  404  404  302  404  404  404  404  404  404  404  403
documents:node-move                 other  | 302  404  404  404  404  404  404  404  404  404  404  403
documents:node-copy                 own    | 302  404  404  302+ 404  404  404  404  404  404  404  403
documents:node-copy                 other  | 302  404  404  404  404  404  404  404  404  404  404  403
documents:node-trash                own    | 302  404  404  302  404  404  404  404  404  404  404  403
documents:node-trash                other  | 302  404  404  404  404  404  404  404  404  404  404  403
documents:version-restore           own    | 302  404  404  302+ 404  404  404  404  404  404  404  403
documents:version-restore           other  | 302  404  404  404  404  404  404  404  404  404  404  403
documents:trash-empty               -      | 302  302+ 302+ 302+ 302+ 302+ 302+ 302+ 302+ 302+ 302+ 403
documents:trash-restore             own    | 302  404  404  302  404  404  404  404  404  404  404  403
documents:trash-restore             other  | 302  404  404  404  404  404  404  404  404  404  404  403
documents:trash-purge               own    | 302  404  404  302+ 404  404  404  404  404  404  404  403
documents:trash-purge               other  | 302  404  404  404  404  404  404  404  404  404  404  403
documents:app-passwords             -      | 302  200  200  200  200  200  200  200  200  200  200  200
documents:app-password-revoke       own    | 302  302  302  302+ 302  302  302  302  302  302  302  302
documents:app-password-revoke       other  | 302  302  302  302  302  302  302  302  302  302  302  302
dav:endpoint                        -      | 401  401  401  401  401  401  401  401  401  401  401  401
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


def objects(ew: EstablishmentWorld) -> dict[str, Any]:
    """A folder, a file with two versions and a trashed file in the teacher's space (built once per world)."""
    from romsie.documents import services, spaces

    cached: dict[str, Any] | None = ew.__dict__.get("documents_objects")
    if cached is not None:
        return cached
    enable(ew)
    scope = scope_of(ew.teacher)
    root = spaces.personal_space_for(scope).root
    assert root is not None
    folder = services.folder_create(scope=scope, parent=root, name="Course")
    file = services.file_upload(scope=scope, folder=root, upload=SimpleUploadedFile("notes.pdf", PDF))
    file = services.file_upload(scope=scope, folder=root, upload=SimpleUploadedFile("notes.pdf", PDF), replace=True)
    trashed = services.file_upload(scope=scope, folder=root, upload=SimpleUploadedFile("old.pdf", PDF))
    services.node_trash(scope=scope, node=trashed)
    built = {"root": root, "folder": folder, "file": file, "trashed": trashed}
    ew.__dict__["documents_objects"] = built
    return built


def _world(w: World, which: str) -> EstablishmentWorld:
    enable(w.a, w.c)
    return w.a if which == "own" else w.c


def _none(w: World, which: str) -> dict[str, Any]:
    enable(w.a, w.c)
    return {}


def _pk(key: str) -> Callable[[World, str], dict[str, Any]]:
    def build(w: World, which: str) -> dict[str, Any]:
        return {"pk": objects(_world(w, which))[key].pk}

    return build


def _version(w: World, which: str) -> dict[str, Any]:
    return {"pk": objects(_world(w, which))["file"].pk, "number": 1}


def _territory(w: World, which: str) -> dict[str, Any]:
    enable(w.a, w.c)
    return {"pk": (w.north if which == "own" else w.south).pk}


def _app_password(w: World, which: str) -> dict[str, Any]:
    from romsie.core.testing.factories import scope_of
    from romsie.documents.dav import services

    owner = w.a.teacher if which == "own" else w.c.teacher
    created, _secret = services.app_password_create(scope=scope_of(owner), label="Portable")
    return {"pk": created.pk}


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
    "documents:trash": _none,
    "documents:search": _none,
    "documents:establishment-settings": _none,
    "documents:trash-empty": _none,
    "documents:territory-settings": _territory,
    "documents:folder": _pk("root"),
    "documents:upload": _pk("root"),
    "documents:folder-create": _pk("root"),
    "documents:folder-zip": _pk("root"),
    "documents:node-rename": _pk("file"),
    "documents:node-move": _pk("file"),
    "documents:node-copy": _pk("file"),
    "documents:node-trash": _pk("file"),
    "documents:file-detail": _pk("file"),
    "documents:file-download": _pk("file"),
    "documents:file-inline": _pk("file"),
    "documents:file-versions": _pk("file"),
    "documents:version-download": _version,
    "documents:version-restore": _version,
    "documents:trash-restore": _pk("trashed"),
    "documents:trash-purge": _pk("trashed"),
    "documents:app-passwords": _none,
    "documents:app-password-revoke": _app_password,
    "dav:endpoint": _none,
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


def _target(w: World, which: str) -> dict[str, Any]:
    built = objects(_world(w, which))
    return {"target": built["folder"].pk, "version": built["file"].version}


POST_DATA: dict[str, Callable[[World, str], dict[str, Any]]] = {
    "documents:upload": lambda w, which: {"uploads": SimpleUploadedFile("new.pdf", PDF)},
    "documents:folder-create": lambda w, which: {"name": "New folder"},
    "documents:node-rename": lambda w, which: {
        "name": "renamed.pdf",
        "version": objects(_world(w, which))["file"].version,
    },
    "documents:node-move": _target,
    "documents:node-copy": lambda w, which: {"target": objects(_world(w, which))["folder"].pk},
    "documents:version-restore": lambda w, which: {"version": objects(_world(w, which))["file"].version},
    "documents:share-list": lambda w, which: {"audience": [f"user:{w.a.librarian.pk}"], "right": "1"},
    "documents:handout-create": lambda w, which: {"audience": [f"class-students:{w.a.school_class.pk}"]},
    "documents:collection-create": lambda w, which: {
        "title": "Essay",
        "audience": f"class-students:{w.a.school_class.pk}",
        "due_on": "2030-01-10",
    },
    "documents:collection-detail": lambda w, which: {"file": _pdf()},
}
