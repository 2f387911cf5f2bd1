"""Permission-matrix rows of the documents service, for ``tests/test_permission_matrix.py``.

Every documents URL has an entry in ``OBJECTS``: the builders switch the service on in
establishments ``a`` and ``c`` before the requests.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from romsie.core.testing.world import EstablishmentWorld, World

# url name                          object | anon stud pare teac part head life libr offi afte digi terr
MATRIX = """
documents:home                      -      | 302  200  200  200  200  200  200  200  200  200  200  403
documents:app-passwords             -      | 302  200  200  200  200  200  200  200  200  200  200  200
documents:app-password-revoke       own    | 302  405  405  405  405  405  405  405  405  405  405  405
documents:app-password-revoke       other  | 302  405  405  405  405  405  405  405  405  405  405  405
dav:endpoint                        -      | 401  401  401  401  401  401  401  401  401  401  401  401
"""

# WebDAV authenticates each request with HTTP Basic (a session is not enough): 401 for everybody.
# The app password of "own" is the teacher's: only the teacher's POST revokes it; the others are
# told it no longer exists (a message, nothing changed).
POST_MATRIX = """
documents:app-passwords             -      | 302  200  200  200  200  200  200  200  200  200  200  200
documents:app-password-revoke       own    | 302  302  302  302+ 302  302  302  302  302  302  302  302
documents:app-password-revoke       other  | 302  302  302  302  302  302  302  302  302  302  302  302
dav:endpoint                        -      | 401  401  401  401  401  401  401  401  401  401  401  401
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


def _app_password(w: World, which: str) -> dict[str, Any]:
    from romsie.core.testing.factories import scope_of
    from romsie.documents.dav import services

    owner = w.a.teacher if which == "own" else w.c.teacher
    created, _secret = services.app_password_create(scope=scope_of(owner), label="Portable")
    return {"pk": created.pk}


OBJECTS: dict[str, Callable[[World, str], dict[str, Any]]] = {
    "documents:home": _none,
    "documents:app-passwords": _none,
    "documents:app-password-revoke": _app_password,
    "dav:endpoint": _none,
}
