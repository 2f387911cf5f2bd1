"""Writes of the saml app: register identity providers, accept a verified assertion."""

from __future__ import annotations

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from romsie.core.access.scope import Scope
from romsie.core.concurrency import claim_version
from romsie.core.errors import ApplicationError
from romsie.core.services import audit_record
from romsie.establishments.models import Territory
from romsie.identity.models import Role, User

from . import protocol
from .models import IdentityProvider, SeenAssertion
from .protocol import VerifiedAssertion

logger = logging.getLogger(__name__)

#: The roles a kind of provider signs in: families through EduConnect, staff through the academy's.
ROLES_OF_KIND: dict[str, tuple[str, ...]] = {
    IdentityProvider.Kind.FAMILY: (Role.STUDENT, Role.PARENT),
    IdentityProvider.Kind.STAFF: (Role.TEACHER, Role.STAFF),
}

#: The mapping a new provider starts with, per kind (docs/saml.md).
DEFAULT_MAPPING: dict[str, dict[str, str]] = {
    IdentityProvider.Kind.FAMILY: {
        "identifier_attribute": "FrEduCtId",
        "identifier_field": IdentityProvider.Field.EXTERNAL_ID,
        "ine_attribute": "FrEduCtEleveINE",
    },
    IdentityProvider.Kind.STAFF: {
        "identifier_attribute": "ENTPersonJointure",
        "identifier_field": IdentityProvider.Field.EXTERNAL_ID,
        "ine_attribute": "",
    },
}


@transaction.atomic
def provider_save(
    *,
    scope: Scope,
    provider: IdentityProvider | None,
    version: int | None,
    territory: Territory,
    metadata_xml: str,
    **fields: object,
) -> IdentityProvider:
    """Register (``provider`` None) or change an identity provider; its metadata is checked first."""
    if territory.pk not in scope.territory_ids:
        raise ApplicationError(_("You do not administer this territory."))
    metadata = protocol.read_idp_metadata(metadata_xml)
    if provider is None:
        provider = IdentityProvider()
    else:
        claim_version(provider, version)
    clash = IdentityProvider.objects.filter(territory=territory, entity_id=metadata.entity_id)
    if provider.pk:
        clash = clash.exclude(pk=provider.pk)
    if clash.exists():
        raise ApplicationError(_("This identity provider is already registered for this territory."))
    for name, value in fields.items():
        setattr(provider, name, value)
    provider.territory = territory
    provider.metadata_xml = metadata_xml
    provider.entity_id = metadata.entity_id
    provider.save()
    audit_record(scope=scope, action="saml.provider_saved", target=provider, entity_id=metadata.entity_id)
    return provider


@transaction.atomic
def provider_delete(*, scope: Scope, provider: IdentityProvider) -> None:
    """Remove an identity provider: its button disappears, sessions already open stay."""
    audit_record(scope=scope, action="saml.provider_deleted", target=provider, entity_id=provider.entity_id)
    provider.delete()


def _people(provider: IdentityProvider, field: str, value: str, roles: tuple[str, ...]) -> list[User]:
    # Only people with a current role of the right kind in an establishment of the provider's
    # territory: another territory's namesake, or a parent account for a staff provider, is unknown.
    matches = User.objects.filter(
        **{field: value},
        role_assignments__establishment__territory_id=provider.territory_id,
        role_assignments__role__in=roles,
        role_assignments__is_active=True,
    ).distinct()
    return list(matches[:2])


def person_for_assertion(provider: IdentityProvider, assertion: VerifiedAssertion) -> User:
    """Find the provisioned person the assertion names; never create one."""
    unknown = protocol.refusal(
        "unknown-person",
        _(
            "Your account was recognised by the identity provider, but no account of this school "
            "workspace matches it. Contact your establishment."
        ),
    )
    identifier = assertion.value(provider.identifier_attribute)
    people = (
        _people(provider, provider.identifier_field, identifier, ROLES_OF_KIND[provider.kind]) if identifier else []
    )
    if not people and provider.ine_attribute:
        ine = assertion.value(provider.ine_attribute).upper()
        if ine:
            people = _people(provider, "ine", ine, (Role.STUDENT,))
    if not people:
        raise unknown
    if len(people) > 1:
        logger.warning("SAML: %s matches several accounts of territory %s", identifier, provider.territory_id)
        raise unknown
    person = people[0]
    if not person.is_active:
        raise protocol.refusal("deactivated", _("This account has been deactivated. Contact your establishment."))
    return person


@transaction.atomic
def assertion_accept(*, provider: IdentityProvider, assertion: VerifiedAssertion) -> User:
    """Accept a verified assertion once: find the person and keep its id until it expires (no replay)."""
    person = person_for_assertion(provider, assertion)
    SeenAssertion.objects.filter(expires_at__lt=timezone.now()).delete()
    try:
        with transaction.atomic():
            SeenAssertion.objects.create(
                assertion_id=assertion.assertion_id, provider=provider, expires_at=assertion.expires_at
            )
    except IntegrityError:
        raise protocol.refusal("replayed") from None
    return person
