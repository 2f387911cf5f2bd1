"""Reads of the API app: the person's personal tokens."""

from __future__ import annotations

from django.db.models import QuerySet

from romsie.core.access.scope import Scope

from .models import IssuedToken


def personal_tokens(scope: Scope) -> QuerySet[IssuedToken]:
    """The person's personal tokens, newest first, with their expiry and scopes (one query)."""
    return (
        IssuedToken.objects.filter(access_token__user_id=scope.user_id, is_personal=True)
        .select_related("access_token")
        .order_by("-access_token__created", "-pk")
    )
