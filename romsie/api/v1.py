"""The family API, version 1: the feature apps' routers composed under ``/api/v1/``.

Each feature app keeps its endpoints in its own ``api.py`` (reading through its ``access`` and
``selectors``); this module mounts them, authenticates every call with a bearer token
(:mod:`romsie.api.auth`), answers errors in one shape (``{"detail": ...}``) and serves the
OpenAPI 3 description (``schema/``) and its browsable documentation (``docs/``, assets served
by the site itself).
"""

from __future__ import annotations

import functools
from typing import Any, cast

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, path
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, Throttled

from romsie.core.access.declarations import public
from romsie.core.errors import ApplicationError
from romsie.core.ids import MAX_ID
from romsie.homework.api import router as homework_router
from romsie.identity.api import router as me_router
from romsie.messaging.api import router as messaging_router
from romsie.news.api import router as news_router
from romsie.notifications.api import router as notifications_router
from romsie.timetable.api import router as timetable_router

from .auth import BearerToken

NAMESPACE = "api-v1"

#: the query parameter every endpoint reads (in ``auth.BearerToken``), declared here once for all
ESTABLISHMENT_PARAMETER = {
    "name": "establishment",
    "in": "query",
    "required": False,
    "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
    "description": (
        "The establishment to answer in: one of the `establishments` of `/api/v1/me` (any other id "
        "is a 404). Without it, the person's default establishment."
    ),
}


class FamilyAPI(NinjaAPI):
    """The API, its description declaring the ``establishment`` parameter the authentication reads."""

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: Any = None) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for path_item in schema["paths"].values():
            for operation in path_item.values():
                if operation.get("security"):  # authenticated: the token's person, in one of their establishments
                    operation.setdefault("parameters", []).append(dict(ESTABLISHMENT_PARAMETER))
        return schema


api = FamilyAPI(
    title="ROMSIE family API",
    version="1",
    description=(
        "Read-only access to a person's timetable, homework, messages, notifications and news, "
        "and ticking homework done, with a bearer access token (a personal token or an OAuth2 "
        "token). Each endpoint needs the OAuth2 scope named in its tag; it never shows more than "
        "the web pages show the same person."
    ),
    openapi_url="/schema/",
    docs_url="/docs/",
    docs_decorator=public,
    urls_namespace=NAMESPACE,
    auth=BearerToken(),
)
for router in (me_router, timetable_router, homework_router, messaging_router, notifications_router, news_router):
    api.add_router("", router)


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = api.create_response(request, {"detail": _("A valid bearer access token is required.")}, status=401)
    response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


@api.exception_handler(Throttled)
def throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    response = api.create_response(request, {"detail": _("Too many requests: wait a moment.")}, status=429)
    response["Retry-After"] = str(exc.wait or 1)
    return response


@api.exception_handler(ApplicationError)
def refused(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    return api.create_response(request, {"detail": exc.message}, status=403)


def urls() -> tuple[list[URLPattern | URLResolver], str, str]:
    """The API's URL patterns, each declared ``@public`` for the access middleware.

    The API authenticates every call itself (bearer tokens, then the same habilitation and
    service checks as the pages, in each endpoint's ``gate``), as WebDAV does.
    """
    patterns, app_name, namespace = api.urls
    declared: list[URLPattern | URLResolver] = []
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            callback = pattern.callback
            if isinstance(callback, functools.partial):
                # The schema, documentation and root views are partials: give them a function's shape.
                callback = _as_function(callback)
            pattern = path(str(pattern.pattern), public(callback), name=cast(str, pattern.name))
        declared.append(pattern)
    return declared, app_name, namespace


def _as_function(view: Any) -> Any:
    def api_page(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return view(request, *args, **kwargs)  # type: ignore[no-any-return]

    return api_page
