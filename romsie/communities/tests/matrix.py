"""Permission-matrix rows of the communities, for ``tests/test_permission_matrix.py``.

The "own" community is establishment ``a``'s, owned by its teacher, with its student and its
partner as members (nobody else belongs to it: the head sees nothing of it); "other" is the same
in establishment ``c``. Posts and comments are the student's; the invitation is the partner's, to
a second community of the teacher's; the membership changed or removed is the student's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from romsie.core.testing.world import World

from . import builders as b

# url name                           object | anon stud pare teac part head life libr offi afte digi terr
MATRIX = """
communities:community-list           -      | 302  200  200  200  200  200  200  200  200  200  200  403
communities:community-create         -      | 302  403  403  200  403  200  200  200  200  200  200  403
communities:community-detail         own    | 302  200  404  200  200  404  404  404  404  404  404  403
communities:community-detail         other  | 302  404  404  404  404  404  404  404  404  404  404  403
communities:community-update         own    | 302  404  404  200  404  404  404  404  404  404  404  403
communities:community-update         other  | 302  404  404  404  404  404  404  404  404  404  404  403
communities:community-leave          own    | 302  405  405  405  405  405  405  405  405  405  405  403
communities:community-leave          other  | 302  405  405  405  405  405  405  405  405  405  405  403
communities:community-folder         own    | 302  302  404  302  302  404  404  404  404  404  404  403
communities:community-folder         other  | 302  404  404  404  404  404  404  404  404  404  404  403
communities:member-list              own    | 302  200  404  200  200  404  404  404  404  404  404  403
communities:member-list              other  | 302  404  404  404  404  404  404  404  404  404  404  403
communities:member-invite            own    | 302  404  404  200  404  404  404  404  404  404  404  403
communities:member-invite            other  | 302  404  404  404  404  404  404  404  404  404  404  403
communities:people-search            own    | 302  404  404  200  404  404  404  404  404  404  404  403
communities:people-search            other  | 302  404  404  404  404  404  404  404  404  404  404  403
communities:member-role              own    | 302  405  405  405  405  405  405  405  405  405  405  403
communities:member-role              other    | 302  405  405  405  405  405  405  405  405  405  405  403
communities:member-remove            own    | 302  405  405  405  405  405  405  405  405  405  405  403
communities:member-remove            other    | 302  405  405  405  405  405  405  405  405  405  405  403
communities:invitation-accept        own    | 302  405  405  405  405  405  405  405  405  405  405  403
communities:invitation-accept        other    | 302  405  405  405  405  405  405  405  405  405  405  403
communities:invitation-decline       own    | 302  405  405  405  405  405  405  405  405  405  405  403
communities:invitation-decline       other    | 302  405  405  405  405  405  405  405  405  405  405  403
communities:post-create              own    | 302  405  405  405  405  405  405  405  405  405  405  403
communities:post-create              other    | 302  405  405  405  405  405  405  405  405  405  405  403
communities:post-update              own    | 302  200  404  404  404  404  404  404  404  404  404  403
communities:post-update              other  | 302  404  404  404  404  404  404  404  404  404  404  403
communities:post-delete              own    | 302  405  405  405  405  405  405  405  405  405  405  403
communities:post-delete              other    | 302  405  405  405  405  405  405  405  405  405  405  403
communities:post-hide                own    | 302  405  405  405  405  405  405  405  405  405  405  403
communities:post-hide                other    | 302  405  405  405  405  405  405  405  405  405  405  403
communities:post-react               own    | 302  405  405  405  405  405  405  405  405  405  405  403
communities:post-react               other    | 302  405  405  405  405  405  405  405  405  405  405  403
communities:comment-create           own    | 302  405  405  405  405  405  405  405  405  405  405  403
communities:comment-create           other    | 302  405  405  405  405  405  405  405  405  405  405  403
communities:comment-delete           own    | 302  405  405  405  405  405  405  405  405  405  405  403
communities:comment-delete           other    | 302  405  405  405  405  405  405  405  405  405  405  403
communities:wiki-index               own    | 302  200  404  200  200  404  404  404  404  404  404  403
communities:wiki-index               other  | 302  404  404  404  404  404  404  404  404  404  404  403
communities:wiki-create              own    | 302  200  404  200  200  404  404  404  404  404  404  403
communities:wiki-create              other  | 302  404  404  404  404  404  404  404  404  404  404  403
communities:wiki-page                own    | 302  200  404  200  200  404  404  404  404  404  404  403
communities:wiki-page                other  | 302  404  404  404  404  404  404  404  404  404  404  403
communities:wiki-edit                own    | 302  200  404  200  200  404  404  404  404  404  404  403
communities:wiki-edit                other  | 302  404  404  404  404  404  404  404  404  404  404  403
communities:wiki-history             own    | 302  200  404  200  200  404  404  404  404  404  404  403
communities:wiki-history             other  | 302  404  404  404  404  404  404  404  404  404  404  403
communities:wiki-revision            own    | 302  200  404  200  200  404  404  404  404  404  404  403
communities:wiki-revision            other  | 302  404  404  404  404  404  404  404  404  404  404  403
communities:wiki-restore             own    | 302  405  405  405  405  405  405  405  405  405  405  403
communities:wiki-restore             other    | 302  405  405  405  405  405  405  405  405  405  405  403
"""

# url name                           object | anon stud pare teac part head life libr offi afte digi terr
POST_MATRIX = """
communities:community-create         -      | 302  403  403  302+ 403  302+ 302+ 302+ 302+ 302+ 302+ 403
communities:community-update         own    | 302  404  404  200  404  404  404  404  404  404  404  403
communities:community-update         other  | 302  404  404  404  404  404  404  404  404  404  404  403
communities:community-leave          own    | 302  302+ 404  302  302+ 404  404  404  404  404  404  403
communities:community-leave          other  | 302  404  404  404  404  404  404  404  404  404  404  403
communities:member-invite            own    | 302  404  404  302+ 404  404  404  404  404  404  404  403
communities:member-invite            other  | 302  404  404  404  404  404  404  404  404  404  404  403
communities:member-role              own    | 302  404  404  302+ 404  404  404  404  404  404  404  403
communities:member-role              other  | 302  404  404  404  404  404  404  404  404  404  404  403
communities:member-remove            own    | 302  404  404  302+ 404  404  404  404  404  404  404  403
communities:member-remove            other  | 302  404  404  404  404  404  404  404  404  404  404  403
communities:invitation-accept        own    | 302  404  404  404  302  404  404  404  404  404  404  403
communities:invitation-accept        other  | 302  404  404  404  404  404  404  404  404  404  404  403
communities:invitation-decline       own    | 302  404  404  404  302+ 404  404  404  404  404  404  403
communities:invitation-decline       other  | 302  404  404  404  404  404  404  404  404  404  404  403
communities:post-create              own    | 302  302+ 404  302+ 302+ 404  404  404  404  404  404  403
communities:post-create              other  | 302  404  404  404  404  404  404  404  404  404  404  403
communities:post-update              own    | 302  200  404  404  404  404  404  404  404  404  404  403
communities:post-update              other  | 302  404  404  404  404  404  404  404  404  404  404  403
communities:post-delete              own    | 302  302+ 404  302+ 302  404  404  404  404  404  404  403
communities:post-delete              other  | 302  404  404  404  404  404  404  404  404  404  404  403
communities:post-hide                own    | 302  404  404  302+ 404  404  404  404  404  404  404  403
communities:post-hide                other  | 302  404  404  404  404  404  404  404  404  404  404  403
communities:post-react               own    | 302  302+ 404  302+ 302+ 404  404  404  404  404  404  403
communities:post-react               other  | 302  404  404  404  404  404  404  404  404  404  404  403
communities:comment-create           own    | 302  302+ 404  302+ 302+ 404  404  404  404  404  404  403
communities:comment-create           other  | 302  404  404  404  404  404  404  404  404  404  404  403
communities:comment-delete           own    | 302  302+ 404  302+ 404  404  404  404  404  404  404  403
communities:comment-delete           other  | 302  404  404  404  404  404  404  404  404  404  404  403
communities:wiki-create              own    | 302  302+ 404  302+ 302+ 404  404  404  404  404  404  403
communities:wiki-create              other  | 302  404  404  404  404  404  404  404  404  404  404  403
communities:wiki-edit                own    | 302  200  404  200  200  404  404  404  404  404  404  403
communities:wiki-edit                other  | 302  404  404  404  404  404  404  404  404  404  404  403
communities:wiki-restore             own    | 302  302+ 404  302+ 302+ 404  404  404  404  404  404  403
communities:wiki-restore             other  | 302  404  404  404  404  404  404  404  404  404  404  403
"""


def _place(w: World, which: str) -> Any:
    b.enable(w)
    return w.a if which == "own" else w.c


def _none(w: World, which: str) -> dict[str, Any]:
    b.enable(w)
    return {}


def _community(w: World, which: str) -> dict[str, Any]:
    return {"pk": b.community(_place(w, which)).pk}


def _membership(w: World, which: str) -> dict[str, Any]:
    place = _place(w, which)
    found = b.community(place)
    return {"pk": found.memberships.get(user=place.student).pk}


def _invitation(w: World, which: str) -> dict[str, Any]:
    place = _place(w, which)
    found = b.community(place, name="Chorale", members=False)
    return {"pk": b.member(found, place.partner, invited=True).pk}


def _post(w: World, which: str) -> dict[str, Any]:
    place = _place(w, which)
    return {"pk": b.post(b.community(place), place.student).pk}


def _comment(w: World, which: str) -> dict[str, Any]:
    place = _place(w, which)
    return {"pk": b.comment(b.post(b.community(place), place.teacher), place.student).pk}


def _page(w: World, which: str) -> dict[str, Any]:
    place = _place(w, which)
    found = b.community(place)
    return {"pk": found.pk, "slug": b.page(found, author=place.teacher).slug}


def _revision(w: World, which: str) -> dict[str, Any]:
    return {**_page(w, which), "number": 1}


OBJECTS: dict[str, Callable[[World, str], dict[str, Any]]] = {
    "communities:community-list": _none,
    "communities:community-create": _none,
    "communities:community-detail": _community,
    "communities:community-update": _community,
    "communities:community-leave": _community,
    "communities:community-folder": _community,
    "communities:member-list": _community,
    "communities:member-invite": _community,
    "communities:people-search": _community,
    "communities:member-role": _membership,
    "communities:member-remove": _membership,
    "communities:invitation-accept": _invitation,
    "communities:invitation-decline": _invitation,
    "communities:post-create": _community,
    "communities:post-update": _post,
    "communities:post-delete": _post,
    "communities:post-hide": _post,
    "communities:post-react": _post,
    "communities:comment-create": _post,
    "communities:comment-delete": _comment,
    "communities:wiki-index": _community,
    "communities:wiki-create": _community,
    "communities:wiki-page": _page,
    "communities:wiki-edit": _page,
    "communities:wiki-history": _page,
    "communities:wiki-revision": _revision,
    "communities:wiki-restore": _revision,
}


def _invitees(w: World, which: str) -> dict[str, Any]:
    return {"invitees": [f"user:{w.a.parent.pk}"]}


POST_DATA: dict[str, Callable[[World, str], dict[str, Any]]] = {
    "communities:community-create": lambda w, which: {"name": "Club échecs"},
    "communities:member-invite": _invitees,
    "communities:member-role": lambda w, which: {"role": "manager"},
    "communities:post-create": lambda w, which: {"body": "<p>Bonjour</p>"},
    "communities:post-update": lambda w, which: {"body": "<p>Changé</p>"},
    "communities:comment-create": lambda w, which: {"body": "Bravo"},
    "communities:wiki-create": lambda w, which: {"title": "Costumes", "body": "<p>Liste</p>"},
    "communities:wiki-edit": lambda w, which: {"body": "<p>Sans version</p>"},
}
