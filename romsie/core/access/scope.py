"""The request scope: who is asking, in which establishment, with which rights."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.http import HttpRequest


@dataclass(frozen=True)
class EstablishmentRef:
    """The few facts about an establishment that every page needs."""

    id: int
    name: str
    uai: str
    kind: str
    territory_id: int


@dataclass(frozen=True)
class ChildRef:
    """A child in the charge of the signed-in guardian, in the current establishment."""

    id: int
    name: str


@dataclass(frozen=True)
class Scope:
    """Everything access decisions need, computed once per request and never mutated."""

    user_id: int | None = None
    establishment: EstablishmentRef | None = None
    profiles: frozenset[str] = frozenset()
    habilitations: frozenset[str] = frozenset()
    services: frozenset[str] = frozenset()
    establishments: tuple[EstablishmentRef, ...] = ()
    children: tuple[ChildRef, ...] = ()
    child: ChildRef | None = None
    territory_ids: frozenset[int] = frozenset()
    is_operator: bool = False
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def establishment_id(self) -> int | None:
        return self.establishment.id if self.establishment else None

    @property
    def is_anonymous(self) -> bool:
        return self.user_id is None

    def has(self, habilitation: str) -> bool:
        """Tell whether the person holds a habilitation in the current establishment."""
        return str(habilitation) in self.habilitations

    def has_profile(self, *profiles: str) -> bool:
        return any(p in self.profiles for p in profiles)


ANONYMOUS = Scope()

ScopeBuilder = Callable[["HttpRequest"], Scope]
_builder: list[ScopeBuilder] = []


def register_scope_builder(builder: ScopeBuilder) -> None:
    """Install the function that computes a signed-in person's scope (identity does it)."""
    _builder[:] = [builder]


def build_scope(request: HttpRequest) -> Scope:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ANONYMOUS
    if not _builder:
        return Scope(user_id=user.pk, is_operator=bool(user.is_superuser))
    return _builder[0](request)
