"""Demo content of the students' social features: the defaults, except in one primary school.

The first primary school of the showcase (by id) switches comments on for its CM1 and CM2
pupils, so that the demo's class blogs show pupils' comments; every other level and every
other establishment keeps the defaults (off in primary, on in secondary). Bulk writes, three
queries; running it twice adds nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

from romsie.core import versions
from romsie.establishments.models import Establishment

from .models import Level, SocialFeature, SocialSettings, SocialSwitch
from .social import level_default

#: the levels whose pupils may comment in the demo's primary school
COMMENTING_LEVELS = ("CM1", "CM2")


def populate(establishment_ids: Iterable[int]) -> int:
    """Switch comments on for CM1 and CM2 in the first primary school; return the rows created."""
    school = (
        Establishment.objects.filter(pk__in=list(establishment_ids), kind__in=Establishment.PRIMARY_KINDS)
        .order_by("pk")
        .first()
    )
    if school is None or SocialSettings.objects.filter(establishment=school).exists():
        return 0
    SocialSettings.objects.create(establishment=school)
    switches = [
        SocialSwitch(
            establishment=school,
            level=level,
            feature=feature,
            enabled=(feature == SocialFeature.COMMENTS and level.code in COMMENTING_LEVELS)
            or level_default(school.kind, level.is_primary),
        )
        for level in Level.objects.filter(is_primary=True)
        for feature in SocialFeature
    ]
    SocialSwitch.objects.bulk_create(switches)
    versions.bump(versions.Kind.SOCIAL_ESTABLISHMENT, school.pk)
    return 1 + len(switches)
