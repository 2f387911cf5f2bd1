"""School-life objects for tests: the service switched on, sessions, absences."""

from __future__ import annotations

from romsie.core.testing.world import EstablishmentWorld

SERVICES = ["directory", "timetable", "homework", "attendance"]


def enable(*worlds: EstablishmentWorld) -> None:
    """Switch school life (and the timetable) on in these establishments."""
    for ew in worlds:
        ew.establishment.enabled_services = SERVICES
        ew.establishment.save(update_fields=["enabled_services"])
