"""The family API's ``me``: who the token's person is, where, as what, and their children."""

from __future__ import annotations

from typing import cast

from django.http import HttpRequest
from ninja import Router, Schema

from romsie.core.api import ERRORS, ApiRequest

router = Router(tags=["me"])


class EstablishmentOut(Schema):
    id: int
    name: str
    uai: str


class ChildOut(Schema):
    id: int
    name: str


class MeOut(Schema):
    """The person, the establishment the API answers in (``?establishment=<id>`` chooses among
    ``establishments``), their profiles there and, for a parent, their children there."""

    id: int
    username: str
    first_name: str
    last_name: str
    establishment: EstablishmentOut | None
    establishments: list[EstablishmentOut]
    profiles: list[str]
    children: list[ChildOut]
    scopes: list[str]


@router.get("/me", response={200: MeOut, **ERRORS}, url_name="me", summary="Who the token belongs to")
def me(request: HttpRequest) -> MeOut:
    """Any valid token may read this, whatever its OAuth2 scopes."""
    api_request = cast(ApiRequest, request)
    scope, user = api_request.scope, api_request.user
    here = scope.establishment
    return MeOut(
        id=user.pk,
        username=user.get_username(),
        first_name=user.first_name,
        last_name=user.last_name,
        establishment=EstablishmentOut(id=here.id, name=here.name, uai=here.uai) if here else None,
        establishments=[EstablishmentOut(id=e.id, name=e.name, uai=e.uai) for e in scope.establishments],
        profiles=sorted(scope.profiles),
        children=[ChildOut(id=c.id, name=c.name) for c in scope.children],
        scopes=sorted(api_request.auth.scopes),
    )
