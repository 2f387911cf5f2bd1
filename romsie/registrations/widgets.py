"""Dashboard contribution of activity registration: what a guardian may register their children to now.

The widget is cached for a minute per person against the ``registrations`` version stamp (bumped
when an activity is saved or a registration taken, withdrawn, refused or drawn), the chosen child
and the hour (an opening or a deadline passing is covered by the one-minute time-out).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef
from django.utils import timezone

from romsie.core import registry, versions
from romsie.core.access.scope import ScopedRequest

from . import access
from .habilitations import RegistrationsHabilitation
from .models import Registration

SERVICE = "registrations"
SHOWN = 5


def open_context(request: ScopedRequest) -> dict[str, Any] | None:
    """The activities open now, each saying whether one of the guardian's children is registered (one query)."""
    scope = request.scope
    children = access.children_ids(scope)
    if SERVICE not in scope.services or not children:
        return None
    now = timezone.now()
    mine = Registration.objects.filter(activity=OuterRef("pk"), student_id__in=children).exclude(
        status=Registration.Status.WITHDRAWN
    )
    activities = list(
        access.visible_activities(scope)
        .filter(is_published=True, opens_at__lte=now, closes_at__gt=now)
        .annotate(has_mine=Exists(mine))
        .order_by("closes_at", "pk")[:SHOWN]
    )
    return {"activities": activities}


def open_stamp(request: ScopedRequest) -> tuple[Any, ...]:
    scope = request.scope
    child = scope.child.id if scope.child else None
    hour = timezone.now().strftime("%Y-%m-%d %H")
    key = versions.key(versions.Kind.REGISTRATIONS, scope.establishment_id)
    return (SERVICE in scope.services, child, hour, *versions.stamp(key))


OPEN_WIDGET = registry.Widget(
    key="registrations-open",
    template_name="registrations/_widget_open.html",
    get_context=open_context,
    order=30,
    service=SERVICE,
    habilitation=RegistrationsHabilitation.REGISTER,
    css=("registrations/registrations.css",),
    cache_stamp=open_stamp,
)
