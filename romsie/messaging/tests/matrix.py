"""Permission-matrix rows of the messaging, for ``tests/test_permission_matrix.py``.

Objects: a message from ``a``'s teacher to ``a``'s parent (so every other person of ``a`` sees
someone else's message: 404), with an attachment; a folder of the teacher; a closed list
created by the head with the teacher as member and one message in its archive. ``other`` is
the same in establishment ``c``. Every builder switches the messaging on first.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from romsie.core.testing.world import EstablishmentWorld, World

# url name                                  object | anon stud pare teac part head life libr offi afte digi terr
MATRIX = """
messaging:inbox                             -      | 302  200  200  200  403  200  200  200  200  200  200  403
messaging:sent                              -      | 302  200  200  200  403  200  200  200  200  200  200  403
messaging:drafts                            -      | 302  200  200  200  403  200  200  200  200  200  200  403
messaging:trash                             -      | 302  200  200  200  403  200  200  200  200  200  200  403
messaging:folder-list                       -      | 302  200  200  200  403  200  200  200  200  200  200  403
messaging:folder-detail                     own    | 302  404  404  200  403  404  404  404  404  404  404  403
messaging:folder-detail                     other  | 302  404  404  404  403  404  404  404  404  404  404  403
messaging:folder-delete                     own    | 302  405  405  405  403  405  405  405  405  405  405  403
messaging:folder-delete                     other  | 302  405  405  405  403  405  405  405  405  405  405  403
messaging:search                            -      | 302  200  200  200  403  200  200  200  200  200  200  403
messaging:compose                           -      | 302  200  200  200  403  200  200  200  200  200  200  403
messaging:recipient-search                  -      | 302  200  200  200  403  200  200  200  200  200  200  403
messaging:message-detail                    own    | 302  404  200  200  403  404  404  404  404  404  404  403
messaging:message-detail                    other  | 302  404  404  404  403  404  404  404  404  404  404  403
messaging:message-action                    own    | 302  405  405  405  403  405  405  405  405  405  405  403
messaging:message-action                    other  | 302  405  405  405  403  405  405  405  405  405  405  403
messaging:message-recall                    own    | 302  405  405  405  403  405  405  405  405  405  405  403
messaging:message-recall                    other  | 302  405  405  405  403  405  405  405  405  405  405  403
messaging:message-report                    own    | 302  404  200  200  403  404  404  404  404  404  404  403
messaging:message-report                    other  | 302  404  404  404  403  404  404  404  404  404  404  403
messaging:attachment-download               own    | 302  404  200  200  403  404  404  404  404  404  404  403
messaging:attachment-download               other  | 302  404  404  404  403  404  404  404  404  404  404  403
messaging:list-list                         -      | 302  200  200  200  403  200  200  200  200  200  200  403
messaging:list-create                       -      | 302  403  403  403  403  200  200  200  200  200  200  403
messaging:list-detail                       own    | 302  404  404  200  403  200  200  200  200  200  200  403
messaging:list-detail                       other  | 302  404  404  404  403  404  404  404  404  404  404  403
messaging:list-update                       own    | 302  403  403  403  403  200  200  200  200  200  200  403
messaging:list-update                       other  | 302  403  403  403  403  404  404  404  404  404  404  403
messaging:list-subscription                 own    | 302  405  405  405  403  405  405  405  405  405  405  403
messaging:list-subscription                 other  | 302  405  405  405  403  405  405  405  405  405  405  403
messaging:list-archive-message              own    | 302  404  404  200  403  200  200  200  200  200  200  403
messaging:list-archive-message              other  | 302  404  404  404  403  404  404  404  404  404  404  403
messaging:report-list                       -      | 302  403  403  403  403  200  200  403  403  403  403  403
messaging:policy                            -      | 302  403  403  403  403  200  403  403  403  403  200  403
messaging:territory-policy                  -      | 302  403  403  403  403  403  403  403  403  403  403  200
messaging:audit-list                        -      | 302  403  403  403  403  200  403  403  403  403  403  403
messaging:audit-detail                      own    | 302  403  403  403  403  200  403  403  403  403  403  403
messaging:audit-detail                      other  | 302  403  403  403  403  404  403  403  403  403  403  403
"""

# url name                                  object | anon stud pare teac part head life libr offi afte digi terr
POST_MATRIX = """
messaging:folder-list                       -      | 302  200  200  200  403  200  200  200  200  200  200  403
messaging:folder-delete                     own    | 302  404  404  302+ 403  404  404  404  404  404  404  403
messaging:folder-delete                     other  | 302  404  404  404  403  404  404  404  404  404  404  403
messaging:compose                           -      | 302  200  200  200  403  200  200  200  200  200  200  403
messaging:message-action                    own    | 302  404  302  302  403  404  404  404  404  404  404  403
messaging:message-action                    other  | 302  404  404  404  403  404  404  404  404  404  404  403
messaging:message-recall                    own    | 302  404  302  302+ 403  404  404  404  404  404  404  403
messaging:message-recall                    other  | 302  404  404  404  403  404  404  404  404  404  404  403
messaging:message-report                    own    | 302  404  200  200  403  404  404  404  404  404  404  403
messaging:message-report                    other  | 302  404  404  404  403  404  404  404  404  404  404  403
messaging:list-create                       -      | 302  403  403  403  403  200  200  200  200  200  200  403
messaging:list-update                       own    | 302  403  403  403  403  200  200  200  200  200  200  403
messaging:list-update                       other  | 302  403  403  403  403  404  404  404  404  404  404  403
messaging:list-subscription                 own    | 302  404  404  302+ 403  302  302  302  302  302  302  403
messaging:list-subscription                 other  | 302  404  404  404  403  404  404  404  404  404  404  403
messaging:policy                            -      | 302  403  403  403  403  200  403  403  403  403  200  403
messaging:territory-policy                  -      | 302  403  403  403  403  403  403  403  403  403  403  200
"""


def _objects(world: World, which: str) -> dict[str, Any]:
    """Switch the messaging on and build the objects of one establishment (once per test)."""
    from romsie.messaging.models import Folder, ListMembership, MailingList

    from .helpers import enable_messaging, send

    enable_messaging(world)
    est: EstablishmentWorld = world.a if which == "own" else world.c
    cached = est.__dict__.setdefault("messaging_objects", {})
    if cached:
        return cached
    pdf = SimpleUploadedFile("notes.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    message = send(est.teacher, [f"user:{est.parent.pk}"], subject="Matrix", files=[pdf])
    folder = Folder.objects.create(establishment=est.establishment, owner=est.teacher, name="Projets")
    mailing_list = MailingList.objects.create(establishment=est.establishment, name="Club", created_by=est.head)
    ListMembership.objects.create(establishment=est.establishment, mailing_list=mailing_list, user=est.teacher)
    archived = send(est.head, [f"list:{mailing_list.pk}"], subject="To the club")
    cached.update(
        message=message.pk,
        attachment=message.attachments.get().pk,
        folder=folder.pk,
        list=mailing_list.pk,
        archived=archived.pk,
    )
    return cached


def _enabled(world: World, which: str) -> dict[str, Any]:
    from .helpers import enable_messaging

    enable_messaging(world)
    return {}


def _kw(key: str, name: str = "pk") -> Callable[[World, str], dict[str, Any]]:
    return lambda w, which: {name: _objects(w, which)[key]}


PLAIN_URLS = [
    "inbox",
    "sent",
    "drafts",
    "trash",
    "folder-list",
    "search",
    "compose",
    "recipient-search",
    "list-list",
    "list-create",
    "report-list",
    "policy",
    "territory-policy",
    "audit-list",
]

OBJECTS: dict[str, Callable[[World, str], dict[str, Any]]] = {
    **{f"messaging:{name}": _enabled for name in PLAIN_URLS},
    "messaging:folder-detail": _kw("folder"),
    "messaging:folder-delete": _kw("folder"),
    "messaging:message-detail": _kw("message"),
    "messaging:message-action": _kw("message"),
    "messaging:message-recall": _kw("message"),
    "messaging:message-report": _kw("message"),
    "messaging:attachment-download": _kw("attachment"),
    "messaging:list-detail": _kw("list"),
    "messaging:list-update": _kw("list"),
    "messaging:list-subscription": _kw("list"),
    "messaging:list-archive-message": lambda w, which: {
        "pk": _objects(w, which)["list"],
        "message_pk": _objects(w, which)["archived"],
    },
    "messaging:audit-detail": _kw("message"),
}

# "Delete for good", the most destructive action: a refused one must leave every row as it was.
POST_DATA: dict[str, Callable[[World, str], dict[str, Any]]] = {
    "messaging:message-action": lambda w, which: {"action": "delete"},
}
