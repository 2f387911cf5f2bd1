"""Writes of the CAS server: registrations, tickets issued and validated, single logout, purge.

Tickets are random (256 bits), single-use (consumed by one ``UPDATE ... WHERE used_at IS NULL``,
so two validations racing for one ticket see one success), valid ``SERVICE_TICKET_SECONDS``,
bound to the exact service address they were issued for, and bound to the person's session
epoch: deactivating the account or signing out everywhere makes every ticket worthless.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from romsie.core.access.scope import Scope
from romsie.core.concurrency import claim_version
from romsie.core.errors import ApplicationError
from romsie.core.models import AuditEvent
from romsie.core.services import audit_record
from romsie.core.tasks import enqueue_on_commit
from romsie.establishments.models import Territory
from romsie.identity.models import RoleAssignment, User
from romsie.schooling.access import current_class_ids
from romsie.schooling.audiences import taught_class_ids
from romsie.schooling.models import SchoolClass

from . import protocol, tasks
from .models import CasService, CasTicket

logger = logging.getLogger(__name__)

SERVICE_TICKET_SECONDS = 10


@dataclass(frozen=True)
class ServiceData:
    """What a territory admin types to register a service."""

    name: str
    match: str
    pattern: str
    attributes: list[str]
    single_logout: bool


def _checked(data: ServiceData) -> ServiceData:
    problem = protocol.check_pattern(data.match, data.pattern)
    if problem:
        raise ApplicationError(problem, extra={"field": "pattern"})
    unknown = [a for a in data.attributes if a not in protocol.ATTRIBUTES]
    if unknown:
        raise ApplicationError(_("Choose attributes from the list."), extra={"field": "attributes"})
    return data


def _same_name(territory: Territory, name: str, exclude: int | None = None) -> None:
    others = CasService.objects.filter(territory=territory, name=name).exclude(pk=exclude)
    if others.exists():
        raise ApplicationError(_("The territory already has a service of this name."), extra={"field": "name"})


@transaction.atomic
def service_create(*, scope: Scope, territory: Territory, data: ServiceData) -> CasService:
    """Register a CAS service for a territory the person administers."""
    data = _checked(data)
    _same_name(territory, data.name)
    service = CasService.objects.create(
        territory=territory,
        name=data.name,
        match=data.match,
        pattern=data.pattern,
        attributes=data.attributes,
        single_logout=data.single_logout,
    )
    audit_record(scope=scope, action="cas.service_created", target=service.name, pattern=service.pattern)
    return service


@transaction.atomic
def service_update(*, scope: Scope, service: CasService, data: ServiceData, version: int | None = None) -> CasService:
    """Change a registered service (its pattern is checked again); a stale edit is refused."""
    claim_version(service, version)
    data = _checked(data)
    _same_name(service.territory, data.name, exclude=service.pk)
    for field in ("name", "match", "pattern", "attributes", "single_logout"):
        setattr(service, field, getattr(data, field))
    service.save()
    audit_record(scope=scope, action="cas.service_updated", target=service.name, pattern=service.pattern)
    return service


@transaction.atomic
def service_delete(*, scope: Scope, service: CasService) -> None:
    """Remove a registered service; its outstanding tickets go with it."""
    audit_record(scope=scope, action="cas.service_deleted", target=service.name, pattern=service.pattern)
    service.delete()


@transaction.atomic
def ticket_issue(
    *, scope: Scope, user: User, service: CasService, service_url: str, session_key: str, from_new_login: bool
) -> CasTicket:
    """Issue a service ticket for one exact address of a registered service."""
    now = timezone.now()
    return CasTicket.objects.create(
        ticket=protocol.new_ticket(),
        service=service,
        service_url=service_url,
        user=user,
        establishment_id=scope.establishment_id,
        session_epoch=user.session_epoch,
        session_key=session_key or "",
        from_new_login=from_new_login,
        created_at=now,
        expires_at=now + timedelta(seconds=SERVICE_TICKET_SECONDS),
    )


@dataclass(frozen=True)
class Validation:
    """The outcome of a validation: the username and attributes, or a CAS error code and message."""

    user: str = ""
    attributes: dict[str, list[str]] | None = None
    code: str = ""
    message: str = ""

    @property
    def ok(self) -> bool:
        return not self.code


def _refused(code: str, message: str, ticket: str) -> Validation:
    logger.warning("CAS validation refused (%s): %s [%s…]", code, message, ticket[:8])
    return Validation(code=code, message=message)


def _attributes(ticket: CasTicket) -> dict[str, list[str]]:
    """The released attributes of the ticket's person (one query for profiles, one for classes)."""
    user, establishment, wanted = ticket.user, ticket.establishment, ticket.service.attributes
    values: dict[str, list[str]] = {
        "ENTPersonJointure": [user.external_id] if user.external_id else [],
        "uid": [user.username],
        "sn": [user.last_name],
        "givenName": [user.first_name],
        "displayName": [f"{user.first_name} {user.last_name}".strip()],
        "mail": [user.email] if user.email else [],
        "ENTStructureUAI": [establishment.uai] if establishment else [],
    }
    if "ENTPersonProfils" in wanted:
        roles = RoleAssignment.objects.filter(establishment_id=ticket.establishment_id, user_id=user.pk, is_active=True)
        values["ENTPersonProfils"] = sorted({role.profile for role in roles.only("role", "function")})
    if "ENTPersonClasses" in wanted:
        classes = SchoolClass.objects.filter(
            establishment_id=ticket.establishment_id, school_year__is_current=True
        ).filter(
            Q(pk__in=current_class_ids(ticket.establishment_id, user.pk))
            | Q(pk__in=taught_class_ids(ticket.establishment_id, user.pk))
        )
        values["ENTPersonClasses"] = list(classes.order_by("name").values_list("name", flat=True))
    return {name: values[name] for name in protocol.ATTRIBUTES if name in wanted and values.get(name)}


@transaction.atomic
def ticket_validate(*, ticket: str, service_url: str, renew: bool = False) -> Validation:
    """Consume a service ticket presented by a service and say who it names.

    A constant number of queries whatever happens: consume (one ``UPDATE``), read the ticket with
    its person, service and establishment (one ``SELECT``), the profiles and classes when the
    service receives them (one each), and one audit event on success.
    """
    if not ticket or not service_url:
        return _refused(protocol.Failure.INVALID_REQUEST, "'ticket' and 'service' are required", ticket)
    if not ticket.startswith(protocol.SERVICE_TICKET_PREFIX):
        return _refused(protocol.Failure.INVALID_TICKET_SPEC, f"Ticket '{ticket[:80]}' is not a service ticket", ticket)
    now = timezone.now()
    consumed = CasTicket.objects.filter(ticket=ticket, used_at__isnull=True).update(used_at=now)
    if not consumed:
        return _refused(protocol.Failure.INVALID_TICKET, f"Ticket '{ticket[:80]}' not recognized", ticket)
    found = CasTicket.objects.select_related("user", "service", "establishment").get(ticket=ticket)
    user, service = found.user, found.service
    if found.expires_at <= now:
        return _refused(protocol.Failure.INVALID_TICKET, f"Ticket '{ticket[:80]}' has expired", ticket)
    if not user.is_active or user.session_epoch != found.session_epoch:
        return _refused(protocol.Failure.INVALID_TICKET, f"Ticket '{ticket[:80]}' is no longer valid", ticket)
    if renew and not found.from_new_login:
        return _refused(protocol.Failure.INVALID_TICKET, "Ticket was not issued from a new sign-in", ticket)
    if service_url != found.service_url or not protocol.matches(service.match, service.pattern, service_url):
        return _refused(protocol.Failure.INVALID_SERVICE, "Ticket was not issued for this service", ticket)
    attributes = _attributes(found)
    AuditEvent.objects.create(
        actor_id=user.pk,
        establishment_id=found.establishment_id,
        action="cas.validated",
        target=service.name[:200],
        details={"service": service_url[:300]},
    )
    return Validation(user=user.username, attributes=attributes)


@transaction.atomic
def single_logout(*, user: User, session_key: str) -> int:
    """Queue the logout requests for the services that validated a ticket of this session.

    Return how many services will be told; the posting happens in a background task.
    """
    if not session_key:
        return 0
    used = CasTicket.objects.filter(
        user=user, session_key=session_key, used_at__isnull=False, service__single_logout=True
    ).values_list("service_url", "ticket")
    requests = [[service_url, ticket] for service_url, ticket in used]
    if requests:
        enqueue_on_commit(tasks.single_logout_task, requests)
    return len(requests)


def signed_out(sender: object, request: HttpRequest | None = None, user: User | None = None, **kwargs: Any) -> None:
    """``user_logged_out`` receiver: single logout for the session that ends (before it is flushed)."""
    session = getattr(request, "session", None)
    if user is not None and session is not None and session.session_key:
        single_logout(user=user, session_key=session.session_key)


def ticket_retention() -> timedelta:
    """How long a validated ticket is kept: as long as the session it was issued in may live."""
    return timedelta(seconds=settings.SESSION_COOKIE_AGE)


def tickets_purge(*, now: datetime | None = None) -> int:
    """Delete the tickets never validated and expired, and those older than a session; return how many."""
    moment = now or timezone.now()
    stale = Q(used_at__isnull=True, expires_at__lt=moment) | Q(created_at__lt=moment - ticket_retention())
    deleted, _by_model = CasTicket.objects.filter(stale).delete()
    return deleted
