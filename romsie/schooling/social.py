"""Social features for students, switched per school level: comments, reactions, posting, forums.

Blogs, forums, community walls and polls ask one question before they let a student comment,
react, post for other students to read or take part in a forum: :func:`allows`. Adults
(teachers, staff, parents, partners) are never limited by these switches; their rights come from
their habilitations and memberships.

The rule for a student: the establishment's choice for the level of the student's current class
(this school year) AND the territory's ceiling for that level's stage (primary or secondary).
When the establishment chose nothing for a level, the default applies: off for primary levels
and in primary schools, on for secondary levels. A student without a current class gets the
default of the establishment's kind, within the ceiling of its stage.

:func:`allows` is called on many pages, so it reads from the cache: the establishment's whole
table (every level × every feature, already combined with the ceiling) under the version stamps
of the establishment's switches and of the territory's ceiling, and the student's current level
under the stamps of the establishment's structure and of the person. The services bump those
stamps, so a change shows at the next call; warm, a call costs no query.
"""

from __future__ import annotations

from django.core.cache import cache

from romsie.core import versions
from romsie.core.access.scope import EstablishmentRef, Scope
from romsie.establishments.models import Establishment

from .access import current_class_ids
from .models import Level, SchoolClass, SocialCeilingEntry, SocialFeature, SocialSwitch, Stage

__all__ = [
    "FEATURE_LABELS",
    "PRIMARY_KINDS",
    "SocialFeature",
    "allows",
    "default_allowed",
    "level_default",
    "stage_of_kind",
]

PRIMARY_KINDS = frozenset(str(kind) for kind in Establishment.PRIMARY_KINDS)

FEATURE_LABELS = {feature: feature.label for feature in SocialFeature}

#: how long a computed table or level stays cached; the version stamps reset it at once anyway
CACHE_SECONDS = 600

#: the level id standing for "no current class" in a cached table
NO_CLASS = 0


def default_allowed(establishment_kind: str) -> bool:
    """What a level of an establishment of this kind allows when nobody chose: off in primary."""
    return establishment_kind not in PRIMARY_KINDS


def level_default(establishment_kind: str, level_is_primary: bool) -> bool:
    """The default of one level: off for primary levels and in primary schools, on otherwise."""
    return default_allowed(establishment_kind) and not level_is_primary


def stage_of_kind(establishment_kind: str) -> Stage:
    """The stage whose ceiling governs an establishment's students without a class."""
    return Stage.PRIMARY if establishment_kind in PRIMARY_KINDS else Stage.SECONDARY


def stage_of_level(is_primary: bool) -> Stage:
    """The stage of a level, whose ceiling governs it."""
    return Stage.PRIMARY if is_primary else Stage.SECONDARY


def allows(scope: Scope, feature: SocialFeature) -> bool:
    """Tell whether the signed-in person may use ``feature`` in the current establishment.

    Only students are limited; everyone else is allowed (their own habilitations still apply).
    """
    if not scope.is_student:
        return True
    return str(feature) in scope.memo("schooling.social", lambda: _student_features(scope))


def _student_features(scope: Scope) -> frozenset[str]:
    """The features the signed-in student may use here (two cache round trips when warm)."""
    establishment = scope.establishment
    if establishment is None or scope.user_id is None:
        return frozenset()
    table_key, level_key = _keys(establishment, scope.user_id)
    found = cache.get_many([table_key, level_key])
    table = found.get(table_key)
    if table is None:
        table = effective_table(establishment.id, establishment.territory_id, establishment.kind)
        cache.set(table_key, table, CACHE_SECONDS)
    level_id = found.get(level_key)
    if level_id is None:
        level_id = _current_level_id(establishment.id, scope.user_id)
        cache.set(level_key, level_id, CACHE_SECONDS)
    return table.get(level_id, table[NO_CLASS])


def _keys(establishment: EstablishmentRef, user_id: int) -> tuple[str, str]:
    """The cache keys of the establishment's table and of the student's level, with their stamps."""
    stamp = versions.stamp(
        *stamp_keys(establishment.id, establishment.territory_id),
        versions.key(versions.Kind.STRUCTURE, establishment.id),
        versions.key(versions.Kind.USER, user_id),
    )
    table_key = "romsie:schooling:social:v1:{}:{}:{}-{}".format(
        establishment.id, establishment.territory_id, *stamp[:2]
    )
    level_key = "romsie:schooling:social-level:v1:{}:{}:{}-{}".format(establishment.id, user_id, *stamp[2:])
    return table_key, level_key


def stamp_keys(establishment_id: int, territory_id: int) -> tuple[str, str]:
    """The version keys of the territory's ceiling and of the establishment's switches."""
    return (
        versions.key(versions.Kind.SOCIAL_TERRITORY, territory_id),
        versions.key(versions.Kind.SOCIAL_ESTABLISHMENT, establishment_id),
    )


def closed_cells(territory_id: int) -> set[tuple[str, str]]:
    """The (stage, feature) pairs the territory does not let its establishments switch on."""
    return set(
        SocialCeilingEntry.objects.filter(territory_id=territory_id, allowed=False).values_list("stage", "feature")
    )


def effective_table(establishment_id: int, territory_id: int, kind: str) -> dict[int, frozenset[str]]:
    """Return, per level id (``NO_CLASS`` for a student without a class), the features students may use.

    Three queries: the ceiling, the establishment's switches and the national levels.
    """
    closed = closed_cells(territory_id)
    chosen = {
        (level_id, feature): enabled
        for level_id, feature, enabled in SocialSwitch.objects.filter(establishment_id=establishment_id).values_list(
            "level_id", "feature", "enabled"
        )
    }
    table: dict[int, frozenset[str]] = {}
    for level_id, is_primary in Level.objects.values_list("pk", "is_primary"):
        stage = stage_of_level(is_primary)
        table[level_id] = frozenset(
            str(feature)
            for feature in SocialFeature
            if (stage, feature) not in closed and chosen.get((level_id, feature), level_default(kind, is_primary))
        )
    stage = stage_of_kind(kind)
    table[NO_CLASS] = frozenset(
        str(feature) for feature in SocialFeature if default_allowed(kind) and (stage, feature) not in closed
    )
    return table


def _current_level_id(establishment_id: int, student_id: int) -> int:
    """The level of the student's current class (the highest if several), ``NO_CLASS`` without one."""
    level_id = (
        SchoolClass.objects.filter(pk__in=current_class_ids(establishment_id, student_id))
        .order_by("-level__order")
        .values_list("level_id", flat=True)
        .first()
    )
    return level_id or NO_CLASS
