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
from romsie.core.access.profiles import Profile
from romsie.core.access.scope import ChildRef, EstablishmentRef, Scope

from .models import Guardianship, RoleAssignment, TerritoryAdmin

SESSION_ESTABLISHMENT = "romsie_establishment"
SESSION_CHILD = "romsie_child"

PROFILE_PRIORITY: dict[str, int] = {
    Profile.STAFF_HEAD: 0,
    Profile.STAFF_DIGITAL_LEAD: 1,
    Profile.STAFF_SCHOOL_LIFE: 2,
    Profile.STAFF_OFFICE: 3,
    Profile.STAFF_LIBRARIAN: 4,
    Profile.STAFF_AFTER_SCHOOL: 5,
    Profile.TEACHER: 6,
    Profile.PARTNER: 7,
    Profile.PARENT: 8,
    Profile.STUDENT: 9,
}


SCOPE_CACHE_SECONDS = 60


def _stamp_keys(user_id: int | None, scope: Scope) -> list[str]:
    establishment = scope.establishment
    return [
        versions.key(versions.Kind.USER, user_id),
        versions.key(versions.Kind.ESTABLISHMENT, establishment.id if establishment else None),
        versions.key(versions.Kind.TERRITORY, establishment.territory_id if establishment else None),
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
    if Profile.PARENT not in profiles:
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
    if any(a.profile == Profile.PARENT for a in by_establishment[current_id]):
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
    parent_of = [eid for eid, own in by_establishment.items() if any(a.profile == Profile.PARENT for a in own)]
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
