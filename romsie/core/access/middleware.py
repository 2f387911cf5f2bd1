"""Deny-by-default gate: every view must declare who may use it."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, cast

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from .declarations import AccessKind, access_of
from .scope import Scope, ScopedRequest, build_scope

logger = logging.getLogger(__name__)


def forbidden(request: HttpRequest, message: str = "") -> HttpResponse:
    """Render the 403 page with an explanation in the person's language."""
    return render(
        request,
        "core/forbidden.html",
        {"message": message or _("You do not have access to this page.")},
        status=403,
    )


class ScopeMiddleware:
    """Attach the request scope and refuse views that declare no access rule."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        scoped = cast(ScopedRequest, request)
        scoped.scope = cast(Scope, SimpleLazyObject(lambda: build_scope(request)))
        return self.get_response(scoped)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        match = request.resolver_match
        if match and set(match.namespaces) & set(settings.ROMSIE_ACCESS_EXEMPT_NAMESPACES):
            return None
        access = access_of(view_func)
        if access is None:
            logger.error("View %s declares no access rule; refused.", getattr(view_func, "__name__", view_func))
            return forbidden(request)
        if access.kind == AccessKind.PUBLIC:
            return None
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        scope = cast(ScopedRequest, request).scope
        if access.kind == AccessKind.SIGNED_IN:
            return None
        if access.kind == AccessKind.TERRITORY_ADMIN:
            return None if scope.territory_ids else forbidden(request)
        if access.service and access.service not in scope.services:
            return forbidden(request, _("This service is switched off for your establishment."))
        if not scope.has(access.habilitation):
            return forbidden(request)
        return None
