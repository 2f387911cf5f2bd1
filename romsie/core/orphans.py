"""Stored files that no row references, and their sweep (``manage.py sweep_orphan_files``).

``core.uploads.atomic_with_files`` removes the files of a transaction that fails, but a worker
killed between writing a file and committing its row (SIGKILL, out of memory, a power cut) runs
no code: the file stays, referenced by nothing. So do the files of rows deleted without them.

The sweep lists the storage's files under the top folders the models' ``upload_to`` use (every
``FileField`` of every model, ``core.models.StoredFile`` and the others, e.g. hand-ins) and
deletes those older than a grace delay (``ORPHAN_FILE_GRACE_MINUTES``, one hour: a file being
written now belongs to a transaction not yet committed) that no ``FileField`` of any model names.
Files are checked against the database in batches, so memory stays flat whatever their number;
on S3 the listing gives each object's age and size in the same request (1,000 objects a page).
"""

from __future__ import annotations

import logging
import posixpath
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.apps import apps
from django.conf import settings
from django.core.files.storage import Storage
from django.db import models
from django.utils import timezone

logger = logging.getLogger(__name__)

BATCH = 1000


@dataclass
class SweepReport:
    """What a sweep found: files examined, kept (referenced or too recent) and orphans (deleted unless a dry run)."""

    prefixes: list[str] = field(default_factory=list)
    examined: int = 0
    referenced: int = 0
    recent: int = 0
    orphans: list[str] = field(default_factory=list)
    orphan_bytes: int = 0


def file_fields() -> list[tuple[type[models.Model], models.FileField]]:
    """Every ``FileField`` (and ``ImageField``) of every concrete model, with its model."""
    found = []
    for model in apps.get_models():
        if model._meta.proxy:
            continue
        for model_field in model._meta.concrete_fields:
            if isinstance(model_field, models.FileField):
                found.append((model, model_field))
    return found


def stored_prefix(model: type[models.Model], file_field: models.FileField) -> str | None:
    """The top folder the field's ``upload_to`` stores under (``messaging/``), or None if it cannot tell."""
    try:
        name = file_field.generate_filename(model(), "file")
    except Exception:  # an upload_to reading related rows: this field's folder is not swept
        logger.warning("orphans: cannot tell where %s.%s stores files; not swept", model.__name__, file_field.name)
        return None
    if "/" not in name.strip("/"):
        logger.warning("orphans: %s.%s stores at the storage's root; not swept", model.__name__, file_field.name)
        return None
    return name.strip("/").split("/", 1)[0] + "/"


def _walk(storage: Storage, prefix: str) -> Iterator[tuple[str, datetime, int]]:
    """(name, modified, size) of every file under ``prefix``, at any depth."""
    bucket = getattr(storage, "bucket", None)
    if bucket is not None:  # django-storages' S3: one listing gives the age and size of 1,000 objects
        location = str(getattr(storage, "location", "") or "").strip("/")
        start = f"{location}/" if location else ""
        for item in bucket.objects.filter(Prefix=start + prefix):
            yield item.key[len(start) :], item.last_modified, int(item.size)
        return
    try:
        folders, files = storage.listdir(prefix)
    except FileNotFoundError:
        return
    for name in files:
        path = posixpath.join(prefix, name)
        try:
            yield path, storage.get_modified_time(path), storage.size(path)
        except FileNotFoundError:  # removed meanwhile
            continue
    for folder in folders:
        yield from _walk(storage, posixpath.join(prefix, folder) + "/")


def _referenced(names: list[str], fields: list[tuple[type[models.Model], models.FileField]]) -> set[str]:
    found: set[str] = set()
    for model, file_field in fields:
        rows = model._base_manager.filter(**{f"{file_field.attname}__in": names})
        found.update(rows.values_list(file_field.attname, flat=True))
    return found


def sweep(*, grace: timedelta | None = None, dry_run: bool = False, now: datetime | None = None) -> SweepReport:
    """Delete (or, ``dry_run``, only list) the stored files no row references, older than ``grace``."""
    if grace is None:
        grace = timedelta(minutes=int(getattr(settings, "ORPHAN_FILE_GRACE_MINUTES", 60)))
    cutoff = (now or timezone.now()) - grace
    fields = file_fields()
    storages: dict[int, tuple[Storage, set[str]]] = {}
    for model, file_field in fields:
        prefix = stored_prefix(model, file_field)
        if prefix is not None:
            storages.setdefault(id(file_field.storage), (file_field.storage, set()))[1].add(prefix)
    report = SweepReport()
    for storage, prefixes in storages.values():
        report.prefixes.extend(sorted(prefixes))
        for prefix in sorted(prefixes):
            batch: list[tuple[str, int]] = []
            for name, modified, size in _walk(storage, prefix):
                report.examined += 1
                if modified >= cutoff:
                    report.recent += 1
                    continue
                batch.append((name, size))
                if len(batch) >= BATCH:
                    _settle(storage, batch, fields, report, dry_run)
                    batch = []
            _settle(storage, batch, fields, report, dry_run)
    logger.info(
        "orphans: %d files examined under %s: %d referenced, %d too recent, %d orphans %s (%d bytes)",
        report.examined,
        ", ".join(report.prefixes),
        report.referenced,
        report.recent,
        len(report.orphans),
        "found (dry run)" if dry_run else "deleted",
        report.orphan_bytes,
    )
    return report


def _settle(
    storage: Storage,
    batch: list[tuple[str, int]],
    fields: list[tuple[type[models.Model], models.FileField]],
    report: SweepReport,
    dry_run: bool,
) -> None:
    if not batch:
        return
    referenced = _referenced([name for name, _size in batch], fields)
    for name, size in batch:
        if name in referenced:
            report.referenced += 1
            continue
        report.orphans.append(name)
        report.orphan_bytes += size
        if not dry_run:
            _delete(storage, name)


def _delete(storage: Storage, name: str) -> None:
    try:
        storage.delete(name)
    except OSError as error:
        logger.error("orphans: could not delete %s: %s", name, error)
        return
    logger.info("orphans: deleted %s", name)
