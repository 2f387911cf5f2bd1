"""Writes of the establishments app: services switched on, role rights, establishments.

Establishment-level writes act on the scope's current establishment only; territory
writes check that the scope administers the territory. A refusal the person can act on
raises :class:`~romsie.core.errors.ApplicationError`, whose message is shown to them. The writes behind edit
forms take the ``version`` the form showed and refuse a stale save
(``romsie.core.concurrency.StaleEdit``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from romsie.core import registry
from romsie.core.access import catalogue
from romsie.core.access.scope import Scope
from romsie.core.concurrency import claim_version
from romsie.core.errors import ApplicationError
from romsie.core.services import audit_record

from . import access
from .habilitations import EVERYONE
from .models import Establishment, Territory, uai_validator


def _current(scope: Scope) -> Establishment:
    if scope.establishment_id is None:
        raise PermissionDenied
    return access.get_current_establishment(scope)


@transaction.atomic
def establishment_services_set(*, scope: Scope, services: Iterable[str], version: int | None) -> Establishment:
    """Choose which switchable services are on in the scope's establishment."""
    establishment = _current(scope)
    switchable = [s.key for s in registry.switchable_services()]
    wanted = set(services)
    unknown = wanted - set(switchable)
    if unknown:
        raise ApplicationError(_("Unknown service: %(keys)s.") % {"keys": ", ".join(sorted(unknown))})
    claim_version(establishment, version)
    # Keys of services no longer installed are kept: switching a module back on later
    # should not silently lose the establishment's choice.
    kept = [k for k in establishment.enabled_services or [] if k not in switchable]
    establishment.enabled_services = kept + [k for k in switchable if k in wanted]
    establishment.save(update_fields=["enabled_services", "version"])
    audit_record(scope=scope, action="establishments.services_set", target=establishment, services=sorted(wanted))
    return establishment


def _outside_ceiling(
    overrides: Mapping[str, Mapping[str, bool]], adjustable: Mapping[str, frozenset[str]]
) -> list[tuple[str, str]]:
    known = {spec.key for spec in catalogue.all_specs()}
    return sorted(
        (profile, key)
        for profile, values in overrides.items()
        for key in values
        if profile not in EVERYONE or key not in known or key not in adjustable.get(profile, frozenset())
    )


@transaction.atomic
def habilitation_overrides_set(
    *, scope: Scope, overrides: Mapping[str, Mapping[str, bool]], version: int | None
) -> Establishment:
    """Replace the establishment's role rights with ``{profile: {habilitation: granted}}``.

    Every pair must be one the territory lets establishments adjust; otherwise nothing
    is saved and :class:`~romsie.core.errors.ApplicationError` names the refused pairs. Only values that
    differ from the catalogue's default are stored.
    """
    establishment = _current(scope)
    refused = _outside_ceiling(overrides, access.adjustable_habilitations(establishment.territory))
    if refused:
        raise ApplicationError(
            _("These rights cannot be adjusted in this establishment (the territory does not allow it): %(pairs)s.")
            % {"pairs": ", ".join(f"{key} ({profile})" for profile, key in refused)}
        )
    claim_version(establishment, version)
    stored: dict[str, dict[str, bool]] = {}
    for profile, values in overrides.items():
        for key, granted in values.items():
            spec = catalogue.get_spec(key)
            assert spec is not None  # checked above
            if bool(granted) != (profile in spec.defaults):
                stored.setdefault(profile, {})[key] = bool(granted)
    establishment.habilitation_overrides = stored
    establishment.save(update_fields=["habilitation_overrides", "version"])
    audit_record(scope=scope, action="establishments.habilitations_set", target=establishment, overrides=stored)
    return establishment


# Territory administration


def _check_territory(scope: Scope, territory_id: int) -> None:
    if territory_id not in scope.territory_ids:
        raise PermissionDenied


def _check_uai(uai: str, exclude_pk: int | None = None) -> None:
    try:
        uai_validator(uai)
    except ValidationError as invalid:
        raise ApplicationError(" ".join(invalid.messages)) from invalid
    others = Establishment.objects.filter(uai=uai)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    if others.exists():
        raise ApplicationError(_("An establishment with this UAI already exists."))


@transaction.atomic
def establishment_create(
    *,
    scope: Scope,
    territory: Territory,
    uai: str,
    name: str,
    kind: str,
    address: str = "",
    postal_code: str = "",
    city: str = "",
    phone: str = "",
    email: str = "",
) -> Establishment:
    """Create an establishment of a territory the scope administers, every service on."""
    _check_territory(scope, territory.pk)
    _check_uai(uai)
    establishment = Establishment.objects.create(
        territory=territory,
        uai=uai,
        name=name,
        kind=kind,
        address=address,
        postal_code=postal_code,
        city=city,
        phone=phone,
        email=email,
        enabled_services=[s.key for s in registry.switchable_services()],
    )
    audit_record(scope=scope, action="establishments.created", target=establishment, uai=uai)
    return establishment


@transaction.atomic
def establishment_update(
    *,
    scope: Scope,
    establishment: Establishment,
    version: int | None,
    territory: Territory,
    uai: str,
    name: str,
    kind: str,
    address: str = "",
    postal_code: str = "",
    city: str = "",
    phone: str = "",
    email: str = "",
) -> Establishment:
    """Change an establishment's identity and contact details (within the scope's territories)."""
    _check_territory(scope, establishment.territory_id)
    _check_territory(scope, territory.pk)
    _check_uai(uai, exclude_pk=establishment.pk)
    claim_version(establishment, version)
    fields = {
        "territory": territory,
        "uai": uai,
        "name": name,
        "kind": kind,
        "address": address,
        "postal_code": postal_code,
        "city": city,
        "phone": phone,
        "email": email,
    }
    for field, value in fields.items():
        setattr(establishment, field, value)
    establishment.save()
    audit_record(scope=scope, action="establishments.updated", target=establishment, uai=uai)
    return establishment


@transaction.atomic
def establishment_set_active(*, scope: Scope, establishment: Establishment, is_active: bool) -> Establishment:
    """Deactivate an establishment (its people lose their roles there) or reactivate it."""
    _check_territory(scope, establishment.territory_id)
    establishment.is_active = is_active
    establishment.save(update_fields=["is_active"])
    action = "establishments.reactivated" if is_active else "establishments.deactivated"
    audit_record(scope=scope, action=action, target=establishment, uai=establishment.uai)
    return establishment


@transaction.atomic
def territory_create(*, scope: Scope, name: str, kind: str) -> tuple[Territory, bool]:
    """Create a territory, or find the one of that name; return it and whether it is new.

    Idempotent on the name: an existing territory is returned unchanged (whatever ``kind``
    says), so re-running a set-up script changes nothing. Reserved to the platform operator
    (``manage.py territory_create``).
    """
    if not scope.is_operator:
        raise PermissionDenied
    name = name.strip()
    if not name:
        raise ApplicationError(_("A territory needs a name."))
    if kind not in Territory.Kind.values:
        raise ApplicationError(_("Unknown kind of territory: %(kind)s.") % {"kind": kind})
    existing = Territory.objects.filter(name=name).first()
    if existing is not None:
        return existing, False
    territory = Territory.objects.create(name=name, kind=kind)
    audit_record(scope=scope, action="establishments.territory_created", target=territory, kind=kind)
    return territory, True


@transaction.atomic
def territory_ceiling_set(
    *, scope: Scope, territory: Territory, ceiling: Mapping[str, Iterable[str]], version: int | None
) -> Territory:
    """Choose, per profile, which habilitations the territory's establishments may adjust.

    Every profile is stored, even with an empty list, so that "nothing adjustable" is
    not mistaken for "no ceiling set" (which means the catalogue's defaults).
    """
    _check_territory(scope, territory.pk)
    known = {spec.key for spec in catalogue.all_specs()}
    unknown = [p for p in ceiling if p not in EVERYONE] + [
        k for keys in ceiling.values() for k in keys if k not in known
    ]
    if unknown:
        raise ApplicationError(_("Unknown profile or right: %(keys)s.") % {"keys": ", ".join(sorted(unknown))})
    claim_version(territory, version)
    territory.habilitation_ceiling = {profile: sorted(set(ceiling.get(profile, ()))) for profile in sorted(EVERYONE)}
    territory.save(update_fields=["habilitation_ceiling", "version"])
    audit_record(scope=scope, action="establishments.ceiling_set", target=territory)
    return territory
