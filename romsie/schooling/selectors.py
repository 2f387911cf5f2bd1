"""Reads of the schooling app's settings pages: the social features of an establishment and a territory."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q

from romsie.establishments.models import Establishment, Territory

from .models import Level, SchoolClass, SocialCeiling, SocialFeature, SocialSettings, SocialSwitch, Stage
from .social import closed_cells, level_default, stage_of_level


@dataclass
class SocialCell:
    """One checkbox of a settings table: a feature for a level (or for a stage)."""

    name: str
    feature: SocialFeature
    enabled: bool
    closed: bool = False


@dataclass
class SocialRow:
    """One line of a settings table: a level (establishment) or a stage (territory)."""

    key: int | str
    label: str
    stage: Stage
    cells: list[SocialCell] = field(default_factory=list)


def cell_name(key: int | str, feature: str) -> str:
    """The form field of one cell: ``level_<id>_<feature>`` or ``stage_<stage>_<feature>``."""
    prefix = "level" if isinstance(key, int) else "stage"
    return f"{prefix}_{key}_{feature}"


def social_levels(establishment: Establishment) -> list[Level]:
    """The levels an establishment sets: those of its stage, and those of its current classes (one query)."""
    classes = SchoolClass.objects.filter(establishment_id=establishment.pk, school_year__is_current=True)
    wanted = Q(is_primary=establishment.is_primary) | Q(pk__in=classes.values("level_id"))
    return list(Level.objects.filter(wanted).order_by("order"))


def establishment_social(establishment: Establishment) -> tuple[SocialSettings, list[SocialRow]]:
    """Return the establishment's settings row (unsaved when never saved) and its table, level by level.

    A cell shows the establishment's choice, or the level's default when it chose nothing; a cell
    the territory's ceiling closes is shown off and ``closed``. Four queries.
    """
    settings_row = SocialSettings.objects.filter(establishment_id=establishment.pk).first() or SocialSettings(
        establishment=establishment
    )
    closed = closed_cells(establishment.territory_id)
    chosen = {
        (level_id, feature): enabled
        for level_id, feature, enabled in SocialSwitch.objects.filter(establishment_id=establishment.pk).values_list(
            "level_id", "feature", "enabled"
        )
    }
    rows = []
    for level in social_levels(establishment):
        stage = stage_of_level(level.is_primary)
        row = SocialRow(level.pk, level.name, stage)
        for feature in SocialFeature:
            is_closed = (stage, feature) in closed
            enabled = chosen.get((level.pk, feature), level_default(establishment.kind, level.is_primary))
            row.cells.append(SocialCell(cell_name(level.pk, feature), feature, enabled and not is_closed, is_closed))
        rows.append(row)
    return settings_row, rows


def territory_social(territory: Territory) -> tuple[SocialCeiling, list[SocialRow]]:
    """Return the territory's ceiling row (unsaved when never saved) and its table, stage by stage."""
    ceiling = SocialCeiling.objects.filter(territory_id=territory.pk).first() or SocialCeiling(territory=territory)
    closed = closed_cells(territory.pk)
    rows = []
    for stage in Stage:
        row = SocialRow(str(stage), str(stage.label), stage)
        for feature in SocialFeature:
            row.cells.append(SocialCell(cell_name(str(stage), feature), feature, (stage, feature) not in closed))
        rows.append(row)
    return ceiling, rows
