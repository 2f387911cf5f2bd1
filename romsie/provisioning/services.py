"""Writes of the provisioning app: preview or apply an import of feed files, roll a school year over."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from romsie.establishments.models import Establishment
from romsie.schooling.models import SchoolYear

from . import aaf, onde
from .engine import apply_work, build_plan
from .models import ImportRun
from .plan import Plan
from .records import Feed, FeedError

FORMATS = ("aaf", "onde", "csv")
_MAX_STORED_PROBLEMS = 1000


def feed_files(paths: Sequence[Path]) -> list[Path]:
    """Return the files named, folders expanded to their ``.xml`` and ``.csv`` files, sorted."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.iterdir() if p.suffix.lower() in (".xml", ".csv") and p.is_file())
        elif path.is_file():
            files.append(path)
        else:
            raise FeedError(str(path), _("no such file or folder"))
    if not files:
        raise FeedError(", ".join(str(p) for p in paths), _("no feed file found"))
    return files


def format_guess(files: Sequence[Path]) -> str:
    """Tell the format from the file names: XML is AAF, ``CSVExtraction-*`` is ONDE, else CSV."""
    if all(f.suffix.lower() == ".xml" for f in files):
        return "aaf"
    if all("csvextraction" in f.name.lower() for f in files):
        return "onde"
    if all(f.suffix.lower() == ".csv" for f in files):
        return "csv"
    raise FeedError(", ".join(f.name for f in files), _("mixed formats: give XML or CSV files, not both"))


def feed_read(files: Sequence[Path], *, format: str, uai: str = "") -> Feed:
    """Parse the files; raise :class:`FeedError` when one is unusable (nothing is written then)."""
    if format == "aaf":
        return aaf.read_files(files)
    if not uai:
        raise FeedError(", ".join(f.name for f in files), _("an establishment UAI is required for ONDE and CSV files"))
    if format == "onde":
        return onde.read_files(files, uai.upper())
    if format == "csv":
        return onde.read_generic_csv(files, uai.upper())
    raise FeedError("", _("unknown format %(format)s") % {"format": format})


def _run_start(feed: Feed, plan: Plan, *, mode: str, actor_id: int | None) -> ImportRun:
    establishment = None
    if feed.source in ("onde", "csv") and plan.establishments:
        establishment = Establishment.objects.filter(uai=plan.establishments[0]).first()
    return ImportRun.objects.create(
        establishment=establishment,
        territory_id=establishment.territory_id if establishment else None,
        created_by_id=actor_id,
        source=feed.source,
        mode=mode,
        files=plan.files,
        counts=plan.counts(),
        problems=[p.as_dict() for p in plan.problems[:_MAX_STORED_PROBLEMS]],
    )


def import_preview(feed: Feed, *, actor_id: int | None = None, record: bool = True) -> tuple[Plan, ImportRun | None]:
    """Compare the feed with the database and return the plan; only the run's history row is written."""
    plan, _work = build_plan(feed)
    run = None
    if record:
        run = _run_start(feed, plan, mode=ImportRun.Mode.PREVIEW, actor_id=actor_id)
        run.status = ImportRun.Status.WITH_ERRORS if plan.errors else ImportRun.Status.SUCCEEDED
        run.summary = plan.summary()
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "summary", "finished_at"])
    return plan, run


def import_apply(
    feed: Feed, *, actor_id: int | None = None, strict: bool = False, record: bool = True
) -> tuple[Plan, ImportRun | None]:
    """Apply the feed in batches; records in error are skipped, the rest is written.

    With ``strict``, any error in the data stops the import before anything is written.
    Applying the same files twice writes nothing the second time: the plan is empty.
    """
    plan, work = build_plan(feed)
    run = _run_start(feed, plan, mode=ImportRun.Mode.APPLIED, actor_id=actor_id) if record else None
    if strict and plan.errors:
        if run is not None:
            run.status = ImportRun.Status.FAILED
            run.summary = plan.summary()
            run.finished_at = timezone.now()
            run.save(update_fields=["status", "summary", "finished_at"])
        return plan, run

    def progress(done: int, total: int) -> None:
        if run is not None:
            ImportRun.objects.filter(pk=run.pk).update(progress_done=done, progress_total=total)

    try:
        if plan.has_changes:
            apply_work(work, actor_id=actor_id, on_progress=progress)
    except Exception:
        if run is not None:
            ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.FAILED, finished_at=timezone.now())
        raise
    plan.applied = True
    if run is not None:
        run.status = ImportRun.Status.WITH_ERRORS if plan.errors else ImportRun.Status.SUCCEEDED
        run.summary = plan.summary()
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "summary", "finished_at"])
    return plan, run


@transaction.atomic
def school_year_rollover(
    *, establishment: Establishment, new_name: str, starts_on: datetime.date, ends_on: datetime.date
) -> SchoolYear:
    """Open a new current school year; the previous one stays, read-only (``is_current`` False).

    Classes are not copied: students get their new classes from the next feed.
    """
    SchoolYear.objects.filter(establishment=establishment, is_current=True).update(is_current=False)
    year, _created = SchoolYear.objects.update_or_create(
        establishment=establishment,
        name=new_name,
        defaults={"starts_on": starts_on, "ends_on": ends_on, "is_current": True},
    )
    return year
