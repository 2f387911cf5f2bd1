"""Reads of the WebDAV room: the person's app passwords, nodes' WebDAV properties."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from romsie.core.access.scope import Scope

from ..models import AppPassword, DeadProperty


def app_passwords(scope: Scope) -> QuerySet[AppPassword]:
    """The person's own app passwords, newest first."""
    return AppPassword.objects.filter(user_id=scope.user_id).order_by("-created_at", "-pk")


def dead_properties(node_ids: Iterable[int]) -> dict[int, dict[tuple[str, str], str]]:
    """The WebDAV properties of these nodes (which the caller reached through the gate), one query."""
    found: dict[int, dict[tuple[str, str], str]] = {}
    for row in DeadProperty.objects.filter(node_id__in=list(node_ids)).values_list(
        "node_id", "namespace", "name", "value"
    ):
        found.setdefault(row[0], {})[(row[1], row[2])] = row[3]
    return found
