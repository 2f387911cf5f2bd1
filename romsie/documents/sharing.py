"""Writes of sharing: share a node with people and groups, stop sharing, links from other services.

A share gives its audience a right (read, contribute, manage) on a node and everything below it
(see :mod:`romsie.documents.access`). Only someone who manages the node, and holds
``documents.share``, shares it; the audience is checked again against what the access module
offers the person (a forged token is refused). Sharing and stopping are audited, and the people
reached are told with one notification insert (``notify``), whatever their number.

*Links* are how messages, the homework log and news point at a document instead of copying it:
:func:`links_grant` gives the readers a read share of the linked files when the message is sent
or the entry or item is published, so opening the link goes through the same gate.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from romsie.core.access.scope import Scope
from romsie.core.errors import ApplicationError
from romsie.core.services import audit_record
from romsie.identity.models import User
from romsie.notifications.services import notify

from . import access
from .models import Node, Right, Share, Space

SHARED_KIND = "documents.shared"


def full_name(user_id: int | None) -> str:
    """The person's name for a notification's text (one query)."""
    user = User.objects.filter(pk=user_id).first() if user_id is not None else None
    return user.get_full_name() if user is not None else ""


def _node_url(node: Node) -> str:
    return reverse("documents:node-open", args=[node.pk])


def _managed(scope: Scope, node: Node | int) -> access.NodeAccess:
    found = access.find_node(scope, node if isinstance(node, int) else node.pk)
    if found is None:
        raise ApplicationError(
            _("This document is no longer there: it was moved, deleted or is no longer shared with you."),
            extra={"code": "not_found"},
        )
    access.require(found, Right.MANAGE)
    return found


def _target(token: str) -> dict[str, Any]:
    kind, pk = access.parse_token(token)
    if kind == "user":
        return {"kind": Share.Kind.USER, "user_id": pk}
    if kind == "group":
        return {"kind": Share.Kind.GROUP, "teaching_group_id": pk}
    if kind == "staff":
        return {"kind": Share.Kind.STAFF}
    return {"kind": access.SHARE_TOKEN_KINDS[kind], "school_class_id": pk}


def _key(share: Share) -> tuple[str, int | None]:
    return share.kind, share.user_id or share.school_class_id or share.teaching_group_id


def _check_tokens(scope: Scope, tokens: Sequence[str]) -> list[str]:
    groups = {choice.token for choice in access.share_groups(scope)}
    people = [pk for kind, pk in map(access.parse_token, tokens) if kind == "user" and pk is not None]
    allowed = {f"user:{pk}" for pk in access.shareable_people(scope).filter(pk__in=people).values_list("pk", flat=True)}
    refused = [t for t in tokens if t not in groups and t not in allowed]
    if refused:
        raise ApplicationError(
            _("You may not share with some of the people or groups chosen; remove them and try again."),
            extra={"code": "forbidden_audience"},
        )
    return list(dict.fromkeys(tokens))


@transaction.atomic
def share_create(*, scope: Scope, node: Node, tokens: Sequence[str], right: Right | int = Right.READ) -> list[Share]:
    """Share ``node`` with these people and groups (``user:3``, ``class-all:5``, ``staff:all``...).

    A share that exists already takes the new right. The people newly reached are notified.
    """
    if not access.may_share(scope):
        raise ApplicationError(_("You may not share documents here."), extra={"code": "forbidden"})
    found = _managed(scope, node)
    right = Right(right)
    chosen = _check_tokens(scope, tokens)
    if not chosen:
        raise ApplicationError(_("Choose at least one person or group."), extra={"code": "empty"})
    shared = found.node
    assert scope.establishment_id is not None
    existing = {
        _key(share): share for share in Share.objects.filter(node=shared, establishment_id=scope.establishment_id)
    }
    new: list[Share] = []
    changed: list[int] = []
    new_tokens: list[str] = []
    for token in chosen:
        target = _target(token)
        share = Share(
            node=shared, right=right, establishment_id=scope.establishment_id, granted_by_id=scope.user_id, **target
        )
        found_share = existing.get(_key(share))
        if found_share is None:
            new.append(share)
            new_tokens.append(token)
        elif found_share.right != right:
            changed.append(found_share.pk)
    if changed:
        Share.objects.filter(pk__in=changed).update(right=right)
    Share.objects.bulk_create(new)
    audit_record(
        scope=scope, action="documents.share", target=shared, node=shared.pk, tokens=" ".join(chosen), right=int(right)
    )
    if new_tokens:
        notify(
            SHARED_KIND,
            list(access.audience_ids(scope.establishment_id, new_tokens)),
            params={"name": shared.name, "sharer": full_name(scope.user_id)},
            url=_node_url(shared),
            establishment_id=scope.establishment_id,
            actor_id=scope.user_id,
        )
    return list(Share.objects.filter(node=shared, establishment_id=scope.establishment_id))


@transaction.atomic
def share_delete(*, scope: Scope, share: Share) -> None:
    """Stop sharing: the audience no longer reaches the node through this share (manage right)."""
    found = _managed(scope, share.node_id)
    Share.objects.filter(pk=share.pk).delete()
    audit_record(scope=scope, action="documents.unshare", target=found.node, node=found.node.pk, kind=share.kind)


# -- Links from messages, the homework log and news ----------------------------------------


def linkable_files(scope: Scope, *, limit: int = 30) -> list[Node]:
    """The files of the person's own space they may link, most recently changed first (one query)."""
    if not access.may_use(scope):
        return []
    return list(
        Node.objects.filter(
            space__kind=Space.Kind.PERSONAL,
            space__owner_id=scope.user_id,
            is_folder=False,
            trashed_at__isnull=True,
            is_read_only=False,
        ).order_by("-modified_at", "-pk")[:limit]
    )


def links_check(*, scope: Scope, node_ids: Iterable[int]) -> list[Node]:
    """The files among ``node_ids`` the person may link (they manage them); anything else is refused."""
    ids = sorted(set(node_ids))
    if not ids:
        return []
    files = {node.pk: node for node in Node.objects.select_related("space").filter(pk__in=ids, is_folder=False)}
    linked: list[Node] = []
    for pk in ids:
        node = files.get(pk)
        found = access.node_access(scope, node) if node is not None else None
        if found is None or not found.allows(Right.MANAGE):
            raise ApplicationError(
                _("A document chosen is no longer yours to link; choose it again."), extra={"code": "forbidden_link"}
            )
        linked.append(node)  # type: ignore[arg-type]
    return linked


def links_grant(
    *,
    establishment_id: int | None,
    granted_by_id: int | None,
    nodes: Sequence[Node],
    tokens: Sequence[str] = (),
    user_ids: Iterable[int] = (),
) -> int:
    """Give readers a read share of linked files: groups by token (``class-all:3``...) and people by id.

    Called by the service that sends or publishes, when the readers may read it (inside its
    transaction; a scheduled publication grants when its time comes, not before): a share that
    exists already is kept as it is. Returns how many shares were added (one read, one insert).
    """
    if not nodes or establishment_id is None:
        return 0
    targets = [_target(t) for t in dict.fromkeys(tokens)]
    targets += [{"kind": Share.Kind.USER, "user_id": pk} for pk in sorted(set(user_ids) - {granted_by_id})]
    if not targets:
        return 0
    rows: list[Share] = []
    keys = {
        (share.node_id, *_key(share))
        for share in Share.objects.filter(node__in=[n.pk for n in nodes], establishment_id=establishment_id)
    }
    for node in nodes:
        for target in targets:
            share = Share(
                node=node,
                right=Right.READ,
                establishment_id=establishment_id,
                granted_by_id=granted_by_id,
                **target,
            )
            if (node.pk, *_key(share)) not in keys:
                rows.append(share)
    Share.objects.bulk_create(rows, batch_size=500)
    return len(rows)
