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


def compute_scope(request: HttpRequest) -> Scope:
    """Compute the scope of ``request.user`` in their current establishment from the database."""
    user = request.user
    assignments = list(
        RoleAssignment.objects.filter(user_id=user.pk, is_active=True, establishment__is_active=True)
        .select_related("establishment__territory")
        .order_by("establishment__name", "pk")
    )
    by_establishment: dict[int, list[RoleAssignment]] = {}
    for assignment in assignments:
        by_establishment.setdefault(assignment.establishment_id, []).append(assignment)

    def rank(establishment_id: int) -> tuple[int, str]:
        own = by_establishment[establishment_id]
        return (min(PROFILE_PRIORITY.get(a.profile, 99) for a in own), own[0].establishment.name)

    territory_ids = frozenset(TerritoryAdmin.objects.filter(user_id=user.pk).values_list("territory_id", flat=True))
    if not by_establishment:
        return Scope(user_id=user.pk, territory_ids=territory_ids, is_operator=bool(user.is_superuser))

    chosen = request.session.get(SESSION_ESTABLISHMENT)
    current_id = chosen if chosen in by_establishment else min(by_establishment, key=rank)
    current = by_establishment[current_id][0].establishment
    profiles = frozenset(a.profile for a in by_establishment[current_id])
    refs = tuple(
        EstablishmentRef(e.id, e.name, e.uai, e.kind, e.territory_id)
        for e in sorted((own[0].establishment for own in by_establishment.values()), key=lambda e: e.name)
    )

    children: tuple[ChildRef, ...] = ()
    child = None
    if "parent" in profiles:
        links = Guardianship.objects.filter(guardian_id=user.pk, establishment_id=current_id).select_related("student")
        children = tuple(
            sorted(
                (ChildRef(link.student_id, link.student.get_full_name()) for link in links),
                key=lambda c: c.name,
            )
        )
        wanted = request.session.get(SESSION_CHILD)
        child = next((c for c in children if c.id == wanted), children[0] if children else None)

    return Scope(
        user_id=user.pk,
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
        is_operator=bool(user.is_superuser),
    )
