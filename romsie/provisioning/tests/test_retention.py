"""The import history names pupils: it is kept for its retention delay, then purged by the daily job."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from romsie.core import retention
from romsie.core.models import AuditEvent
from romsie.core.testing.world import World
from romsie.identity.models import ConnectionLog
from romsie.provisioning.models import ImportRun

from .conftest import FIXTURES
from .test_views import upload, uploads

pytestmark = pytest.mark.django_db


def test_import_history_naming_pupils_is_purged_after_its_delay(
    world: World, client_for: Callable[[Any], Client]
) -> None:
    upload(client_for(world.a.head), "onde", uploads(FIXTURES / "onde"))
    run = ImportRun.objects.get()
    assert "LEROY" in str(run.details["changes"])  # pupils' names, and the files themselves
    stored = list(run.storage_paths)
    now = timezone.now()

    assert retention.purge_expired(now=now + timedelta(days=364))["import runs"] == 0
    assert ImportRun.objects.filter(pk=run.pk).exists()

    purged = retention.purge_expired(now=now + timedelta(days=366))

    assert purged["import runs"] == 1
    assert not ImportRun.objects.exists()
    assert not any(default_storage.exists(p) for p in stored)


def test_the_import_history_delay_is_a_setting(world: World, settings: Any) -> None:
    settings.PROVISIONING_RUN_RETENTION_DAYS = 90
    ImportRun.objects.create(establishment=world.a.establishment, source="onde", mode="applied", status="succeeded")
    now = timezone.now()

    assert retention.purge_expired(now=now + timedelta(days=89))["import runs"] == 0
    assert retention.purge_expired(now=now + timedelta(days=91))["import runs"] == 1


def test_the_daily_retention_job_purges_sign_ins_audit_events_and_import_history(world: World) -> None:
    long_ago = timezone.now() - timedelta(days=400)
    recent = timezone.now() - timedelta(days=10)
    for at in (long_ago, recent):
        log = ConnectionLog.objects.create(user=world.a.teacher, establishment=world.a.establishment)
        ConnectionLog.objects.filter(pk=log.pk).update(at=at)
        event = AuditEvent.objects.create(action="provisioning.create", target=f"Lina MARTIN ({at:%Y})")
        AuditEvent.objects.filter(pk=event.pk).update(at=at)
        run = ImportRun.objects.create(establishment=world.a.establishment, source="onde", mode="applied")
        ImportRun.objects.filter(pk=run.pk).update(created_at=at)
    out = StringIO()

    call_command("purge_connection_logs", stdout=out)

    lines = out.getvalue().splitlines()
    assert {
        "1 sign-in records older than one year deleted.",
        "1 audit events past their retention delay deleted.",
        "0 registrations, consents and documents past their retention delay deleted.",
        "1 import runs past their retention delay deleted.",
    } <= set(lines)
    assert lines[0] == "1 sign-in records older than one year deleted."  # then one line per kind of data
    assert [log.at.date() for log in ConnectionLog.objects.all()] == [recent.date()]
    assert list(AuditEvent.objects.values_list("at", flat=True)) == [recent]
    assert list(ImportRun.objects.values_list("created_at", flat=True)) == [recent]
