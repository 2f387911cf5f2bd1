"""The request scope: who is asking, in which establishment, with which rights."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from django.http import HttpRequest

from .profiles import Profile, is_staff_profile

if TYPE_CHECKING:
    from django.contrib.auth.models import _User
    from django_htmx.middleware import HtmxDetails

T = TypeVar("T")


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

    @property
    def establishment_id(self) -> int | None:
        return self.establishment.id if self.establishment else None

    def has(self, habilitation: str) -> bool:
        """Tell whether the person holds a habilitation in the current establishment."""
        return str(habilitation) in self.habilitations

    @property
    def is_student(self) -> bool:
        return Profile.STUDENT in self.profiles

    @property
    def is_parent(self) -> bool:
        """A guardian here (``child`` is the chosen child, if any)."""
        return Profile.PARENT in self.profiles

    @property
    def is_teacher(self) -> bool:
        return Profile.TEACHER in self.profiles

    @property
    def has_staff_profile(self) -> bool:
        """A staff member here, whatever their function (``staff.<function>``)."""
        return any(is_staff_profile(p) for p in self.profiles)

    def followed_student_id(self, habilitation: str) -> int | None:
        """The student whose own pages of a service the person follows, if they hold its ``habilitation``:
        themselves (a student), or the child chosen in the header (a parent); else None."""
        if self.user_id is None or self.establishment_id is None or not self.has(habilitation):
            return None
        if self.is_student:
            return self.user_id
        if self.is_parent and self.child is not None:
            return self.child.id
        return None

    def memo(self, key: str, compute: Callable[[], T]) -> T:
        """Return ``compute()``, computed once for this scope object, that is once per request.

        For a fact several access checks of one page ask for (a student's social switches): a
        scope is built, or read from the cache, for each request and never reused by another,
        and what is memoised here is never stored with it (``__getstate__``).
        """
        memo: dict[str, Any] = self.__dict__.setdefault("_memo", {})  # frozen: fields only
        if key not in memo:
            memo[key] = compute()
        return memo[key]  # type: ignore[no-any-return]

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state.pop("_memo", None)
        return state


ANONYMOUS = Scope()


class ScopedRequest(HttpRequest):
    """The request every view, widget and hook receives: it carries the person's scope.

    ``ScopeMiddleware`` sets ``scope`` on every request; behind ``@signed_in``, ``@requires``
    or ``@territory_admin`` the user is signed in, hence ``user`` is the project's ``User``
    (public views read ``request.user.is_authenticated`` before using it). ``htmx`` is set by
    django-htmx's middleware. Only a type: no request is ever built from this class.
    """

    scope: Scope
    user: _User
    htmx: HtmxDetails


ScopeBuilder = Callable[[HttpRequest], Scope]
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
