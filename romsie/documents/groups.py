"""Spaces of groups other apps hold (a community): who contributes and who manages comes from them.

The documents app may not import the apps above it. An app whose groups have a shared folder
registers a kind of group in its ``ready()`` with two functions of the scope, each returning
the ids of the groups (a subquery) whose space the person contributes to, or manages, in the
current establishment. The one gate (:mod:`romsie.documents.access`) asks them at every request,
so a person who leaves the group loses its space at once; nothing is copied into shares.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from romsie.core.access.scope import Scope

GroupIds = Callable[[Scope], QuerySet[Any, Any]]


@dataclass(frozen=True)
class GroupKind:
    """A kind of group with a space: its key (``community``), its contributors' and managers' groups."""

    key: str
    contributes: GroupIds
    manages: GroupIds


_kinds: dict[str, GroupKind] = {}


def register_group_kind(kind: GroupKind) -> None:
    """Declare a kind of group whose spaces documents serves (call from ``AppConfig.ready``)."""
    _kinds[kind.key] = kind


def group_kinds() -> list[GroupKind]:
    return list(_kinds.values())


def group_kind(key: str) -> GroupKind | None:
    return _kinds.get(key)
