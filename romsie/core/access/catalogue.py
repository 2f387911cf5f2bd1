"""The habilitation catalogue: every app declares its rights and their role defaults.

A *profile* is a role as habilitations see it: ``student``, ``parent``, ``teacher``,
``partner`` or ``staff.<function>`` (``staff.head``, ``staff.digital_lead``...). Each
habilitation lists the profiles that hold it by default and those for which an
establishment may switch it on or off (within its territory's limits).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .profiles import EVERYONE as DECLARED_PROFILES


@dataclass(frozen=True)
class HabilitationSpec:
    """One right: its key (``app.verb``), label, default and adjustable profiles."""

    key: str
    label: Any
    defaults: frozenset[str]
    adjustable: frozenset[str] = frozenset()


_catalogue: dict[str, HabilitationSpec] = {}


def register(specs: Iterable[HabilitationSpec]) -> None:
    """Add an app's habilitations to the catalogue (call from ``AppConfig.ready``).

    A spec naming a profile that :mod:`romsie.core.access.profiles` does not declare is refused:
    a misspelt profile would silently grant the right to nobody.
    """
    for spec in specs:
        unknown = (spec.defaults | spec.adjustable) - DECLARED_PROFILES
        if unknown:
            raise ValueError(f"Habilitation {spec.key} names undeclared profiles: {sorted(unknown)}")
        _catalogue[spec.key] = spec


def all_specs() -> list[HabilitationSpec]:
    return sorted(_catalogue.values(), key=lambda s: s.key)


def get_spec(key: str) -> HabilitationSpec | None:
    return _catalogue.get(key)


def default_ceiling() -> dict[str, list[str]]:
    """Return, per profile, the habilitations an establishment may adjust by default."""
    ceiling: dict[str, list[str]] = {}
    for spec in all_specs():
        for profile in spec.adjustable:
            ceiling.setdefault(profile, []).append(spec.key)
    return ceiling


def effective_habilitations(
    profiles: Iterable[str],
    overrides: Mapping[str, Mapping[str, bool]],
    ceiling: Mapping[str, Iterable[str]] | None,
) -> frozenset[str]:
    """Compute the habilitations of a set of profiles in one establishment.

    ``overrides`` maps a profile to ``{habilitation: granted}`` chosen by the
    establishment; an override counts only if the territory's ceiling (or, when the
    territory set none, the catalogue's adjustable profiles) allows it.
    """
    granted: set[str] = set()
    for profile in profiles:
        allowed = set(ceiling.get(profile, ())) if ceiling else None
        own = overrides.get(profile, {})
        for spec in _catalogue.values():
            adjustable = profile in spec.adjustable if allowed is None else spec.key in allowed
            value = profile in spec.defaults
            if adjustable and spec.key in own:
                value = bool(own[spec.key])
            if value:
                granted.add(spec.key)
    return frozenset(granted)
