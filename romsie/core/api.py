"""What every app's ``api.py`` needs to serve the family API (``/api/v1/``), with nothing app-specific.

Rules, in plain words:

* the API accepts bearer access tokens only (a signed-in browser without one gets 401); the
  authentication, done once per request by the ``romsie.api`` app, leaves on the request the
  token's :class:`Grant` (``request.auth``) and the person's :class:`Scope` in their default
  establishment (``request.scope``), exactly as a sign-in would compute it;
* an endpoint starts with :func:`gate`: the token must carry the endpoint's OAuth2 scope (403
  otherwise), the service must be on in the establishment and the person must hold the
  habilitation the web page requires (403 otherwise); then it reads through the app's own
  ``access`` and ``selectors``, the same as the page, so it never shows more than the page;
* a parent names the child with ``child``: :func:`child_scope` accepts only one of the
  parent's children in the establishment (any other id is a 404, as on the pages);
* lists that grow are read by keyset (``core.pagination``): the answer carries
  ``next_cursor``, empty on the last page.
"""

from __future__ import annotations

import dataclasses
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any, cast

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Schema
from ninja.errors import HttpError
from ninja.params.functions import Path

from .access.scope import Scope
from .ids import MAX_ID

if TYPE_CHECKING:
    from django.contrib.auth.models import _User


class ApiScope(StrEnum):
    """The OAuth2 scopes of the family API: what a person lets an application read or do."""

    TIMETABLE = "timetable"  # read the timetable
    HOMEWORK = "homework"  # read homework and tick it done
    MESSAGES = "messages"  # read the messages and unread counts
    NOTIFICATIONS = "notifications"  # read notifications
    NEWS = "news"  # read news


@dataclasses.dataclass(frozen=True)
class Grant:
    """What an access token allows: whose it is and which OAuth2 scopes it carries."""

    token_id: int
    user_id: int
    scopes: frozenset[str]
    is_personal: bool


class ApiRequest(HttpRequest):
    """The request an API endpoint receives once authenticated (only a type)."""

    auth: Grant
    scope: Scope
    user: _User


class ErrorOut(Schema):
    """An error: ``detail`` says what went wrong, in words."""

    detail: str


class ValidationErrorOut(Schema):
    """A request the API could not read (a parameter of the wrong type, a missing field)."""

    detail: list[dict[str, Any]]


#: the error answers every authenticated endpoint may give, for the OpenAPI description
ERRORS: dict[int, type[Schema]] = {
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    422: ValidationErrorOut,
    429: ErrorOut,
}


#: an object id in a path: 1 to the largest 64-bit id (anything else is a 422, never an overflow)
ObjectId = Annotated[int, Path(ge=1, le=MAX_ID)]


class PageOut(Schema):
    """The paging of a list read by keyset: pass ``next_cursor`` as ``cursor`` for the next page."""

    next_cursor: str


def require_oauth_scope(request: HttpRequest, oauth_scope: ApiScope) -> ApiRequest:
    """Return the authenticated request if its token carries ``oauth_scope``, or answer 403."""
    api_request = cast(ApiRequest, request)
    if oauth_scope not in api_request.auth.scopes:
        raise HttpError(403, _("This token does not carry the “%(scope)s” scope.") % {"scope": oauth_scope})
    return api_request


def gate(request: HttpRequest, *, oauth_scope: ApiScope, habilitation: str, service: str) -> Scope:
    """Return the person's scope if the token and the person may use an endpoint, or answer 403.

    The same checks as ``@requires(habilitation, service=service)`` on the web page, plus the
    token's OAuth2 scope.
    """
    scope = require_oauth_scope(request, oauth_scope).scope
    if service not in scope.services:
        raise HttpError(403, _("This service is switched off for your establishment."))
    if not scope.has(habilitation):
        raise HttpError(403, _("You do not have access to this page."))
    return scope


def child_scope(scope: Scope, child_id: int | None) -> Scope:
    """Return the scope following ``child_id`` (a parent's child in this establishment), or 404.

    Without a child id, the scope is unchanged (a parent then follows their first child, as
    the pages do before one is chosen). Anyone but a parent naming a child gets a 404, so is
    a parent naming a child not theirs or of another establishment.
    """
    if child_id is None:
        return scope
    if not scope.is_parent:
        raise Http404
    child = next((c for c in scope.children if c.id == child_id), None)
    if child is None:
        raise Http404
    return dataclasses.replace(scope, child=child)
