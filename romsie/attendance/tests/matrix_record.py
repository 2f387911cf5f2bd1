"""Permission-matrix rows of a student's record, the alerts, incidents and sanctions."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from romsie.attendance.models import Incident, IncidentStudent, Threshold, ThresholdAlert
from romsie.core.testing.world import EstablishmentWorld, World

from .builders import enable

# url name                          object | anon stud pare teac part head life libr offi afte digi terr
MATRIX = """
attendance:student                  own    | 302  403  403  200  403  200  200  403  403  403  403  403
attendance:student                  other  | 302  403  403  404  403  404  404  403  403  403  403  403
attendance:student-export           own    | 302  403  403  200  403  200  200  403  403  403  403  403
attendance:student-export           other  | 302  403  403  404  403  404  404  403  403  403  403  403
attendance:class-report             own    | 302  403  403  200  403  200  200  403  403  403  403  403
attendance:class-report             other  | 302  403  403  404  403  404  404  403  403  403  403  403
attendance:threshold-list           -      | 302  403  403  403  403  200  200  403  403  403  403  403
attendance:threshold-delete         own    | 302  403  403  403  403  405  405  403  403  403  403  403
attendance:threshold-delete         other  | 302  403  403  403  403  405  405  403  403  403  403  403
attendance:alert-list               -      | 302  403  403  403  403  200  200  403  403  403  403  403
attendance:alert-handle             own    | 302  403  403  403  403  405  405  403  403  403  403  403
attendance:alert-handle             other  | 302  403  403  403  403  405  405  403  403  403  403  403
attendance:incident-list            -      | 302  403  403  200  403  200  200  403  403  403  403  403
attendance:incident-create          -      | 302  403  403  200  403  200  200  403  403  403  403  403
attendance:incident-detail          own    | 302  403  403  200  403  200  200  403  403  403  403  403
attendance:incident-detail          other  | 302  403  403  404  403  404  404  403  403  403  403  403
attendance:sanction-create          -      | 302  403  403  403  403  200  200  403  403  403  403  403
"""

# url name                          object | anon stud pare teac part head life libr offi afte digi terr
POST_MATRIX = """
attendance:threshold-list           -      | 302  403  403  403  403  302+ 302+ 403  403  403  403  403
attendance:threshold-delete         own    | 302  403  403  403  403  302+ 302+ 403  403  403  403  403
attendance:threshold-delete         other  | 302  403  403  403  403  404  404  403  403  403  403  403
attendance:alert-handle             own    | 302  403  403  403  403  302+ 302+ 403  403  403  403  403
attendance:alert-handle             other  | 302  403  403  403  403  404  404  403  403  403  403  403
attendance:incident-create          -      | 302  403  403  302+ 403  302+ 302+ 403  403  403  403  403
attendance:incident-detail          own    | 302  403  403  403  403  302+ 302+ 403  403  403  403  403
attendance:incident-detail          other  | 302  403  403  404  403  404  404  403  403  403  403  403
attendance:sanction-create          -      | 302  403  403  403  403  302+ 302+ 403  403  403  403  403
"""


def record_objects(ew: EstablishmentWorld) -> dict[str, Any]:
    """A threshold, an open alert and an incident in the establishment (built once per world)."""
    cached: dict[str, Any] | None = ew.__dict__.get("record_objects")
    if cached is not None:
        return cached
    ew.school_class.homeroom_teacher = ew.teacher
    ew.school_class.save(update_fields=["homeroom_teacher"])
    threshold = Threshold.objects.create(establishment=ew.establishment, half_days=4)
    alert = ThresholdAlert.objects.create(
        establishment=ew.establishment,
        threshold=threshold,
        student=ew.student,
        month=timezone.localdate().replace(day=1),
        half_days=5,
    )
    incident = Incident.objects.create(
        establishment=ew.establishment,
        occurred_at=timezone.now() - datetime.timedelta(hours=2),
        place="Cour",
        description="Bousculade",
        reported_by=ew.teacher,
    )
    IncidentStudent.objects.create(establishment=ew.establishment, incident=incident, student=ew.student)
    found = {"threshold": threshold, "alert": alert, "incident": incident}
    ew.__dict__["record_objects"] = found
    return found


def _world(world: World, which: str) -> EstablishmentWorld:
    enable(world.a, world.c)
    return world.a if which != "other" else world.c


def _student(world: World, which: str) -> dict[str, Any]:
    ew = _world(world, which)
    record_objects(ew)
    return {"pk": ew.student.pk}


def _class(world: World, which: str) -> dict[str, Any]:
    ew = _world(world, which)
    record_objects(ew)
    return {"pk": ew.school_class.pk}


def _object(name: str) -> Callable[[World, str], dict[str, Any]]:
    def build(world: World, which: str) -> dict[str, Any]:
        return {"pk": record_objects(_world(world, which))[name].pk}

    return build


def _enabled(world: World, which: str) -> dict[str, Any]:
    _world(world, which)
    return {}


OBJECTS: dict[str, Callable[[World, str], dict[str, Any]]] = {
    "attendance:student": _student,
    "attendance:student-export": _student,
    "attendance:class-report": _class,
    "attendance:threshold-list": _enabled,
    "attendance:threshold-delete": _object("threshold"),
    "attendance:alert-list": _enabled,
    "attendance:alert-handle": _object("alert"),
    "attendance:incident-list": _enabled,
    "attendance:incident-create": _enabled,
    "attendance:incident-detail": _object("incident"),
    "attendance:sanction-create": _enabled,
}


def _incident_data(world: World, which: str) -> dict[str, Any]:
    return {
        "occurred_at": "2026-11-20T10:15",
        "place": "Cour",
        "description": "Bousculade",
        "students": f"student:{world.a.student.pk}",
    }


def _follow_up_data(world: World, which: str) -> dict[str, Any]:
    incident = record_objects(_world(world, which))["incident"]
    incident.refresh_from_db()
    return {"status": "closed", "follow_up": "Entretien avec la famille", "version": str(incident.version)}


def _sanction_data(world: World, which: str) -> dict[str, Any]:
    return {
        "student": str(world.a.student.pk),
        "kind": "reprimand",
        "starts_at": "2026-11-21T09:00",
        "reason": "Bousculade",
    }


POST_DATA: dict[str, Callable[[World, str], dict[str, Any]]] = {
    "attendance:threshold-list": lambda world, which: {"half_days": "9"},
    "attendance:incident-create": _incident_data,
    "attendance:incident-detail": _follow_up_data,
    "attendance:sanction-create": _sanction_data,
}
