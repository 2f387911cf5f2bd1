"""Writes of the WebDAV room: app passwords (audited) and WebDAV properties of nodes."""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from romsie.core.access.scope import Scope
from romsie.core.errors import ApplicationError
from romsie.core.services import audit_record

from .. import access
from ..models import AppPassword, DeadProperty, Node, Right

#: an app password: 5 groups of 5 characters from 32 (125 random bits), easy to copy by hand
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
GROUPS, GROUP_LENGTH = 5, 5
#: how many app passwords a person may keep
MAX_APP_PASSWORDS = 20
#: a node keeps at most this many WebDAV properties, each at most this long
MAX_PROPERTIES = 100
MAX_PROPERTY_BYTES = 64 * 1024


def secret_digest(secret: str) -> str:
    """The digest kept of an app password (the secret is random: a fast digest is safe)."""
    return hashlib.sha256(secret.strip().lower().encode()).hexdigest()


def looks_like_app_password(secret: str) -> bool:
    parts = secret.strip().lower().split("-")
    return (
        len(parts) == GROUPS
        and all(len(p) == GROUP_LENGTH for p in parts)
        and all(c in _ALPHABET for p in parts for c in p)
    )


@transaction.atomic
def app_password_create(*, scope: Scope, label: str) -> tuple[AppPassword, str]:
    """Create an app password for the person; return it and its secret (shown once, never kept)."""
    assert scope.user_id is not None
    label = " ".join(label.split())[:100]
    if not label:
        raise ApplicationError(_("Name the device or program this password is for."), extra={"code": "label"})
    if AppPassword.objects.filter(user_id=scope.user_id).count() >= MAX_APP_PASSWORDS:
        raise ApplicationError(
            _("You have %(max)d app passwords: revoke one you no longer use first.") % {"max": MAX_APP_PASSWORDS},
            extra={"code": "too_many"},
        )
    secret = "-".join("".join(secrets.choice(_ALPHABET) for _ in range(GROUP_LENGTH)) for _ in range(GROUPS))
    created = AppPassword.objects.create(user_id=scope.user_id, label=label, secret_hash=secret_digest(secret))
    audit_record(scope=scope, action="documents.app_password_create", target=label, app_password=created.pk)
    return created, secret


@transaction.atomic
def app_password_revoke(*, scope: Scope, pk: int) -> None:
    """Revoke one of the person's app passwords (another person's is "not found")."""
    found = AppPassword.objects.filter(user_id=scope.user_id, pk=pk).first()
    if found is None:
        raise ApplicationError(_("This app password no longer exists."), extra={"code": "not_found"})
    found.delete()
    audit_record(scope=scope, action="documents.app_password_revoke", target=found.label, app_password=pk)


def app_password_used(app_password_id: int) -> None:
    """Note when an app password was last used (at most once a minute: one cheap UPDATE)."""
    now = timezone.now()
    stale = Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - datetime.timedelta(minutes=1))
    AppPassword.objects.filter(stale, pk=app_password_id).update(last_used_at=now)


# -- WebDAV properties ---------------------------------------------------------------------


def _writable(scope: Scope, node: Node) -> Node:
    found = access.find_node(scope, node.pk)
    if found is None:
        raise ApplicationError(_("This document is no longer there."), extra={"code": "not_found"})
    access.require(found, Right.CONTRIBUTE)
    return found.node


def dead_property_check(*, scope: Scope, node: Node, namespace: str, name: str, value: str | None) -> None:
    """Refuse a property change the person may not make (their right, sizes), changing nothing."""
    _writable(scope, node)
    if value is not None and len(value.encode()) > MAX_PROPERTY_BYTES:
        raise ApplicationError(_("This property is too long."), extra={"code": "too_long"})
    if len(namespace) > 255 or len(name) > 255:
        raise ApplicationError(_("This property's name is too long."), extra={"code": "too_long"})
    if (
        value is not None
        and not DeadProperty.objects.filter(node=node, namespace=namespace, name=name).exists()
        and DeadProperty.objects.filter(node=node).count() >= MAX_PROPERTIES
    ):
        raise ApplicationError(_("This document has too many properties."), extra={"code": "too_many"})


@transaction.atomic
def dead_property_set(*, scope: Scope, node: Node, namespace: str, name: str, value: str | None) -> None:
    """Set (or, with ``value=None``, remove) a WebDAV property of a node (contribute right)."""
    dead_property_check(scope=scope, node=node, namespace=namespace, name=name, value=value)
    if value is None:
        DeadProperty.objects.filter(node=node, namespace=namespace, name=name).delete()
    else:
        DeadProperty.objects.update_or_create(node=node, namespace=namespace, name=name, defaults={"value": value})


def dead_properties_copy(*, scope: Scope, source: Node, target: Node) -> None:
    """Give ``target`` (a copy the person just made) the WebDAV properties of ``source``."""
    _writable(scope, target)
    DeadProperty.objects.bulk_create(
        [
            DeadProperty(node=target, namespace=p.namespace, name=p.name, value=p.value)
            for p in DeadProperty.objects.filter(node=source)
        ],
        ignore_conflicts=True,
    )
