"""Decorators with which every view declares who may use it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

V = TypeVar("V", bound=Callable[..., Any] | type)

ACCESS_ATTRIBUTE = "romsie_access"


class AccessKind(StrEnum):
    PUBLIC = "public"
    SIGNED_IN = "signed_in"
    HABILITATION = "habilitation"
    TERRITORY_ADMIN = "territory_admin"


@dataclass(frozen=True)
class Access:
    """What a view declares: who may call it and which service it belongs to."""

    kind: AccessKind
    habilitation: str = ""
    service: str = ""


def _mark(access: Access) -> Callable[[V], V]:
    def decorate(view: V) -> V:
        setattr(view, ACCESS_ATTRIBUTE, access)
        return view

    return decorate


def public(view: V) -> V:
    """Mark a view as reachable by anybody, signed in or not."""
    return _mark(Access(AccessKind.PUBLIC))(view)


def signed_in(view: V) -> V:
    """Mark a view as reachable by any signed-in person, whatever their role."""
    return _mark(Access(AccessKind.SIGNED_IN))(view)


def requires(habilitation: str, *, service: str = "") -> Callable[[V], V]:
    """Require a habilitation in the current establishment (and an enabled service)."""
    return _mark(Access(AccessKind.HABILITATION, habilitation=str(habilitation), service=service))


def territory_admin(view: V) -> V:
    """Reserve a view to the administrators of a territory."""
    return _mark(Access(AccessKind.TERRITORY_ADMIN))(view)


def access_of(view_func: Callable[..., Any]) -> Access | None:
    """Return the declaration of a resolved view function (function or class-based)."""
    declared = getattr(view_func, ACCESS_ATTRIBUTE, None)
    if declared is None:
        view_class = getattr(view_func, "view_class", None)
        declared = getattr(view_class, ACCESS_ATTRIBUTE, None)
    return declared
