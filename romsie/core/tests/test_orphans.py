"""Orphan files: a worker killed (SIGKILL) between writing a file and committing its row leaves a file
no row names; ``manage.py sweep_orphan_files`` deletes it once older than the grace delay, and keeps
every file a row names."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from romsie.core import orphans
from romsie.core.testing.world import World

KILLED_WORKER = Path(__file__).with_name("killed_worker.py")


def _killed_worker(media: Path) -> str:
    """Run a worker that stores a file and is killed before its commit; the name of its file."""
    worker = subprocess.Popen(  # noqa: S603 - our own script, fixed arguments
        [sys.executable, str(KILLED_WORKER), str(media)], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        assert worker.stdout is not None
        name = worker.stdout.readline().decode().strip()
        assert name, worker.stderr.read().decode() if worker.stderr else ""
        os.kill(worker.pid, signal.SIGKILL)
        assert worker.wait(timeout=30) == -signal.SIGKILL
        assert b"committed" not in worker.stdout.read()
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    return name


def _age(path: Path, hours: float) -> None:
    then = time.time() - hours * 3600
    os.utime(path, (then, then))


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    """Uploads on a real local disk (``FileSystemStorage``)."""
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(root)}},
    }
    return root


def _send_with_attachment(world: World) -> Any:
    from romsie.messaging.models import Attachment
    from romsie.messaging.tests.helpers import enable_messaging, send

    enable_messaging(world)
    a = world.a
    message = send(a.teacher, [f"user:{a.parent.pk}"], files=[SimpleUploadedFile("sortie.pdf", b"%PDF-1.7\n")])
    return Attachment.objects.get(message=message)


def test_the_file_of_a_killed_worker_is_swept_once_old_and_referenced_files_are_kept(world: World, media: Path) -> None:
    orphan = _killed_worker(media)
    assert orphan.startswith("messaging/1/") and (media / orphan).read_bytes() == b"bonjour"
    kept = _send_with_attachment(world)
    recent = default_storage.save("homework/1/just-written", ContentFile(b"being committed"))
    for name in (orphan, kept.file.name):
        _age(media / name, hours=2)

    out = io.StringIO()
    call_command("sweep_orphan_files", "--dry-run", stdout=out)
    assert out.getvalue().splitlines()[0] == orphan
    assert (
        "3 files examined" in out.getvalue()
        and "1 referenced, 1 too recent to judge, 1 orphans would be" in out.getvalue()
    )
    assert (media / orphan).exists()

    out = io.StringIO()
    call_command("sweep_orphan_files", stdout=out)
    assert "1 orphans deleted" in out.getvalue()
    assert not (media / orphan).exists()
    assert (media / kept.file.name).read_bytes() == b"%PDF-1.7\n" and (media / recent).exists()

    # Once the grace delay is over, the file nobody committed goes too.
    assert orphans.sweep(grace=timedelta(0)).orphans == [recent]
    assert sorted(p.relative_to(media).as_posix() for p in media.rglob("*") if p.is_file()) == [kept.file.name]


def test_files_of_every_model_with_a_file_field_are_kept_not_only_stored_files(world: World, media: Path) -> None:
    """A hand-in (homework.Submission, not a StoredFile) lives under homework/ beside log attachments."""
    from romsie.homework.models import Submission

    fields = {(model.__name__, field.name) for model, field in orphans.file_fields()}
    assert {("Submission", "file"), ("Submission", "corrected_file"), ("Attachment", "file")} <= fields
    assert orphans.stored_prefix(Submission, Submission._meta.get_field("file")) == "homework/"  # type: ignore[arg-type]


def test_the_sweep_works_on_s3(world: World, s3_storage: Any) -> None:
    kept = _send_with_attachment(world)
    orphan = default_storage.save("messaging/1/orphan", ContentFile(b"nobody"))
    assert s3_storage.stored_files() == sorted([kept.file.name, orphan])
    time.sleep(1.1)  # S3 dates objects to the second
    report = orphans.sweep(grace=timedelta(0))
    assert report.orphans == [orphan] and report.referenced == 1 and report.orphan_bytes == 6
    assert s3_storage.stored_files() == [kept.file.name]
