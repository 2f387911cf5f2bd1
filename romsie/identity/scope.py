"""Compute the request scope of a signed-in person (installed into core at start-up).

One rule decides the current establishment: the one chosen in the session if the
person still holds an active role there, otherwise the first of their establishments
by the priority of their profile there (staff before teachers before parents...).
"""

from __future__ import annotations

from django.core.cache import cache
from django.http import HttpRequest

from romsie.core import versions
from romsie.core.access.catalogue import effective_habilitations
from romsie.core.access.scope import ChildRef, EstablishmentRef, Scope

from .models import Guardianship, RoleAssignment, TerritoryAdmin

SESSION_ESTABLISHMENT = "romsie_establishment"
SESSION_CHILD = "romsie_child"

PROFILE_PRIORITY = {
    "staff.head": 0,
    "staff.digital_lead": 1,
    "staff.school_life": 2,
    "staff.office": 3,
    "staff.librarian": 4,
    "staff.after_school": 5,
    "teacher": 6,
    "partner": 7,
    "parent": 8,
    "student": 9,
}


SCOPE_CACHE_SECONDS = 60


def _stamp_keys(user_id: int | None, scope: Scope) -> list[str]:
    establishment = scope.establishment
    return [
        versions.key("user", user_id),
        versions.key("establishment", establishment.id if establishment else None),
        versions.key("territory", establishment.territory_id if establishment else None),
    ]


def build_scope(request: HttpRequest) -> Scope:
    """Return the scope of ``request.user``, from the cache when nothing it depends on changed.

    The cache key holds the person, their session epoch and their choices in the header;
    the cached value holds the versions of the person's roles, the establishment and the
    territory it was computed from (bumped by ``identity.apps`` on every save).
    """
    user = request.user
    cache_key = "romsie:scope:{}:{}:{}:{}".format(
        user.pk,
        getattr(user, "session_epoch", 0),
        request.session.get(SESSION_ESTABLISHMENT),
        request.session.get(SESSION_CHILD),
    )
    cached = cache.get(cache_key)
    if cached is not None:
        stamp, scope = cached
        if versions.stamp(*_stamp_keys(user.pk, scope)) == stamp:
            return scope  # type: ignore[no-any-return]
    scope = compute_scope(request)
    cache.set(cache_key, (versions.stamp(*_stamp_keys(user.pk, scope)), scope), SCOPE_CACHE_SECONDS)
    return scope


def _assignments(user_id: int | None) -> dict[int, list[RoleAssignment]]:
    """The person's active roles in active establishments, by establishment (one query)."""
    assignments = (
        RoleAssignment.objects.filter(user_id=user_id, is_active=True, establishment__is_active=True)
        .select_related("establishment__territory")
        .order_by("establishment__name", "pk")
    )
    by_establishment: dict[int, list[RoleAssignment]] = {}
    for assignment in assignments:
        by_establishment.setdefault(assignment.establishment_id, []).append(assignment)
    return by_establishment


def _children(links: list[Guardianship]) -> tuple[ChildRef, ...]:
    children = (ChildRef(link.student_id, link.student.get_full_name()) for link in links)
    return tuple(sorted(children, key=lambda c: c.name))


def _scope_in(
    *,
    user_id: int | None,
    is_operator: bool,
    by_establishment: dict[int, list[RoleAssignment]],
    current_id: int,
    territory_ids: frozenset[int],
    children: tuple[ChildRef, ...],
    wanted_child: object = None,
) -> Scope:
    """The scope of the person in one of their establishments (``children`` there if a parent)."""
    current = by_establishment[current_id][0].establishment
    profiles = frozenset(a.profile for a in by_establishment[current_id])
    refs = tuple(
        EstablishmentRef(e.id, e.name, e.uai, e.kind, e.territory_id)
        for e in sorted((own[0].establishment for own in by_establishment.values()), key=lambda e: e.name)
    )
    if "parent" not in profiles:
        children = ()
    child = next((c for c in children if c.id == wanted_child), children[0] if children else None)
    return Scope(
        user_id=user_id,
        establishment=next(r for r in refs if r.id == current_id),
        profiles=profiles,
        habilitations=effective_habilitations(
            profiles, current.habilitation_overrides or {}, current.territory.habilitation_ceiling or None
        ),
        services=frozenset(current.enabled_services or ()),
        establishments=refs,
        children=children,
        child=child,
        territory_ids=territory_ids,
        is_operator=is_operator,
    )


def compute_scope(request: HttpRequest) -> Scope:
    """Compute the scope of ``request.user`` in their current establishment from the database."""
    user = request.user
    by_establishment = _assignments(user.pk)

    def rank(establishment_id: int) -> tuple[int, str]:
        own = by_establishment[establishment_id]
        return (min(PROFILE_PRIORITY.get(a.profile, 99) for a in own), own[0].establishment.name)

    territory_ids = frozenset(TerritoryAdmin.objects.filter(user_id=user.pk).values_list("territory_id", flat=True))
    if not by_establishment:
        return Scope(user_id=user.pk, territory_ids=territory_ids, is_operator=bool(user.is_superuser))

    chosen = request.session.get(SESSION_ESTABLISHMENT)
    current_id = chosen if chosen in by_establishment else min(by_establishment, key=rank)
    children: tuple[ChildRef, ...] = ()
    if any(a.profile == "parent" for a in by_establishment[current_id]):
        links = Guardianship.objects.filter(guardian_id=user.pk, establishment_id=current_id).select_related("student")
        children = _children(list(links))
    return _scope_in(
        user_id=user.pk,
        is_operator=bool(user.is_superuser),
        by_establishment=by_establishment,
        current_id=current_id,
        territory_ids=territory_ids,
        children=children,
        wanted_child=request.session.get(SESSION_CHILD),
    )


def scopes_of(user_id: int) -> list[Scope]:
    """Return the person's scope in each establishment where they hold an active role, as now.

    For what a person reaches without a request in an establishment (their calendar feed):
    the same rules as a request's scope, one scope per establishment, a parent's with all
    their children there. Two queries at most (roles; guardianships if a parent anywhere).
    """
    by_establishment = _assignments(user_id)
    parent_of = [eid for eid, own in by_establishment.items() if any(a.profile == "parent" for a in own)]
    links: dict[int, list[Guardianship]] = {}
    if parent_of:
        rows = Guardianship.objects.filter(guardian_id=user_id, establishment_id__in=parent_of).select_related(
            "student"
        )
        for link in rows:
            links.setdefault(link.establishment_id, []).append(link)
    return [
        _scope_in(
            user_id=user_id,
            is_operator=False,
            by_establishment=by_establishment,
            current_id=eid,
            territory_ids=frozenset(),
            children=_children(links.get(eid, [])),
        )
        for eid in by_establishment
    ]
