"""Spaces and their quotas: the settings that apply, and the spaces created on first use.

Quotas: the territory's default per profile kind (``DocumentSettings``, its field defaults when
the territory has no row), replaced by the establishment's own value when it set one
(``EstablishmentDocumentSettings``), never above the territory's ceiling. A person with roles in
several establishments gets the largest quota of their roles. The quota is written on the space
when it is created and refreshed by :func:`refresh_quotas` when settings change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from romsie.core.access.scope import Scope
from romsie.identity.models import Role, RoleAssignment
from romsie.schooling.models import SchoolClass

from . import names
from .models import QUOTA_KINDS, DocumentSettings, EstablishmentDocumentSettings, Node, Space

_ROLE_KIND = {
    Role.STUDENT: "student",
    Role.PARENT: "parent",
    Role.TEACHER: "teacher",
    Role.STAFF: "staff",
    Role.PARTNER: "partner",
}


def territory_settings(territory_id: int | None) -> DocumentSettings:
    """The territory's settings, or an unsaved row holding the defaults."""
    found = DocumentSettings.objects.filter(territory_id=territory_id).first() if territory_id else None
    return found if found is not None else DocumentSettings(territory_id=territory_id)


def establishment_settings(establishment_id: int) -> EstablishmentDocumentSettings:
    """The establishment's adjustments, or an unsaved row adjusting nothing."""
    found = EstablishmentDocumentSettings.objects.filter(establishment_id=establishment_id).first()
    return found if found is not None else EstablishmentDocumentSettings(establishment_id=establishment_id)


def effective_quota(kind: str, territory: DocumentSettings, establishment: EstablishmentDocumentSettings | None) -> int:
    """The quota of a profile kind in an establishment: its own value if set, within the ceiling."""
    assert kind in QUOTA_KINDS
    own = getattr(establishment, f"{kind}_quota_bytes", None) if establishment is not None else None
    value: int = own if own is not None else getattr(territory, f"{kind}_quota_bytes")
    return min(value, territory.ceiling_bytes)


def personal_quota(user_id: int) -> int:
    """The largest quota of the person's active roles (three queries whatever their number)."""
    roles = list(
        RoleAssignment.objects.filter(user_id=user_id, is_active=True).values_list(
            "role", "establishment_id", "establishment__territory_id"
        )
    )
    territories = {t.territory_id: t for t in DocumentSettings.objects.filter(territory_id__in={r[2] for r in roles})}
    own = {
        e.establishment_id: e
        for e in EstablishmentDocumentSettings.objects.filter(establishment_id__in={r[1] for r in roles})
    }
    quotas = [
        effective_quota(_ROLE_KIND[Role(role)], territories.get(territory_id) or DocumentSettings(), own.get(est_id))
        for role, est_id, territory_id in roles
    ]
    return max(quotas, default=DocumentSettings().partner_quota_bytes)


def _with_root(space: Space, root_name: str) -> Space:
    now = timezone.now()
    root = Node.objects.create(
        space=space,
        parent=None,
        path="/",
        is_folder=True,
        name=root_name,
        name_key=names.name_key(root_name),
        search_key=names.search_key(root_name),
        created_at=now,
        modified_at=now,
    )
    space.root = root
    space.save(update_fields=["root"])
    return space


def _get_or_create(lookup: Q, make: Callable[[], Space], root_name: str) -> Space:
    """The space matching ``lookup``, or a new one built by ``make`` (only called when missing)."""
    found = Space.objects.select_related("root").filter(lookup).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            space = make()
            space.save()
            return _with_root(space, root_name)
    except IntegrityError:
        # Created meanwhile by another request (the unique constraints hold one space).
        return Space.objects.select_related("root").get(lookup)


def personal_space_for(scope: Scope) -> Space:
    """The person's personal space, created on first use (one query when it exists)."""
    user_id = scope.user_id
    assert user_id is not None
    territory_id = scope.establishment.territory_id if scope.establishment else None
    return _get_or_create(
        Q(kind=Space.Kind.PERSONAL, owner_id=user_id),
        lambda: Space(
            kind=Space.Kind.PERSONAL,
            owner_id=user_id,
            territory_id=territory_id,
            name=_("My documents"),
            quota_bytes=personal_quota(user_id),
        ),
        _("My documents"),
    )


def class_space_for(school_class: SchoolClass) -> Space:
    """The class's shared space, created on first use."""
    establishment = school_class.establishment
    settings = territory_settings(establishment.territory_id)
    name = _("Class %(name)s") % {"name": school_class.name}
    return _get_or_create(
        Q(kind=Space.Kind.CLASS, school_class_id=school_class.pk),
        lambda: Space(
            kind=Space.Kind.CLASS,
            establishment_id=establishment.pk,
            school_class_id=school_class.pk,
            territory_id=establishment.territory_id,
            name=name,
            quota_bytes=settings.class_space_quota_bytes,
        ),
        name,
    )


def team_space_for(establishment_id: int, territory_id: int) -> Space:
    """The establishment's staff team space, created on first use."""
    settings = territory_settings(territory_id)
    name = _("Staff team")
    return _get_or_create(
        Q(kind=Space.Kind.TEAM, establishment_id=establishment_id),
        lambda: Space(
            kind=Space.Kind.TEAM,
            establishment_id=establishment_id,
            territory_id=territory_id,
            name=name,
            quota_bytes=settings.team_space_quota_bytes,
        ),
        name,
    )


def group_space_for(*, establishment_id: int, territory_id: int, group_kind: str, group_id: int, name: str) -> Space:
    """The shared space of a group another app holds (``documents.groups``), created on first use.

    Its quota is the team space's; the app that holds the group decides who reaches it.
    """
    settings = territory_settings(territory_id)
    return _get_or_create(
        Q(kind=Space.Kind.GROUP, group_kind=group_kind, group_id=group_id),
        lambda: Space(
            kind=Space.Kind.GROUP,
            establishment_id=establishment_id,
            territory_id=territory_id,
            group_kind=group_kind,
            group_id=group_id,
            name=name[:150],
            quota_bytes=settings.team_space_quota_bytes,
        ),
        name[:150],
    )


def refresh_quotas(owner_ids: Iterable[int]) -> int:
    """Recompute the quota of these people's personal spaces (after a settings change); return how many changed."""
    changed = 0
    for space in Space.objects.filter(kind=Space.Kind.PERSONAL, owner_id__in=list(owner_ids)):
        assert space.owner_id is not None
        quota = personal_quota(space.owner_id)
        if quota != space.quota_bytes:
            Space.objects.filter(pk=space.pk).update(quota_bytes=quota)
            changed += 1
    return changed
