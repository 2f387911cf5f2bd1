"""Audit events are kept for their retention delay, then purged with the names they hold."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from romsie.core import retention
from romsie.core.access.scope import Scope
from romsie.core.models import AuditEvent
from romsie.core.services import audit_record
from romsie.core.testing.world import World
from romsie.identity.models import User
from romsie.identity.services import leavers_purge

pytestmark = pytest.mark.django_db


def test_audit_events_naming_a_deleted_person_are_purged_after_their_delay(world: World) -> None:
    student = world.a.student
    name = str(student)
    audit_record(scope=Scope(user_id=world.a.head.pk), action="identity.deactivated", target=student)
    User.objects.filter(pk=student.pk).update(is_active=False, deletion_due_on=timezone.localdate())
    leavers_purge()
    assert not User.objects.filter(pk=student.pk).exists()
    assert AuditEvent.objects.filter(target=name).exists()  # the account is gone, the name is not yet

    now = timezone.now()
    assert retention.purge_expired(now=now + timedelta(days=364))["audit events"] == 0
    assert AuditEvent.objects.filter(target=name).exists()

    purged = retention.purge_expired(now=now + timedelta(days=366))

    assert purged["audit events"] == 2  # the event naming the student, and the purge's own count
    assert not AuditEvent.objects.exists()


def test_the_audit_event_delay_is_a_setting(world: World, settings: Any) -> None:
    settings.AUDIT_EVENT_RETENTION_DAYS = 30
    AuditEvent.objects.create(action="identity.deactivated", target=str(world.a.student))
    now = timezone.now()

    assert retention.purge_expired(now=now + timedelta(days=29))["audit events"] == 0
    assert retention.purge_expired(now=now + timedelta(days=31))["audit events"] == 1
