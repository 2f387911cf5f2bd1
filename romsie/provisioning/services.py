"""Writes of the provisioning app: preview or apply an import of feed files, roll a school year over."""

from __future__ import annotations

import datetime
import hashlib
import os
import shutil
import tempfile
import uuid
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from romsie.core import versions
from romsie.core.text import fold
from romsie.establishments.models import Establishment
from romsie.identity.models import User
from romsie.schooling.models import SchoolYear

from . import aaf, onde
from .engine import apply_work, build_plan
from .models import ImportMapping, ImportRun, heartbeat_timeout
from .plan import PERSON_ACTIONS, Plan
from .records import CAT_GUARDIAN, CAT_STUDENT, PERSON_KINDS, Feed, FeedError, PersonRecord

FORMATS = ("aaf", "onde", "csv")
_MAX_STORED_PROBLEMS = 1000
MAX_STORED_CHANGES = 1000


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


def feed_read(
    files: Sequence[Path],
    *,
    format: str,
    uai: str = "",
    mapping: dict[str, str] | None = None,
    restrict_to: str = "",
    territory_id: int | None = None,
) -> Feed:
    """Parse the files; raise :class:`FeedError` when one is unusable (nothing is written then).

    ``mapping``: a generic CSV's column mapping. ``restrict_to``: the UAI of the establishment
    making the import, outside which an AAF feed writes nothing (see :func:`feed_restrict`).
    ``territory_id`` (AAF only, the operator's ``provision_feed --territory``): the establishments
    of the structure file not yet in the ENT are created in that territory, as part of the plan.
    """
    if format == "aaf":
        feed = aaf.read_files(files)
        feed.territory_id = territory_id
        return feed_restrict(feed, restrict_to) if restrict_to else feed
    if territory_id is not None:
        raise FeedError(", ".join(f.name for f in files), _("only AAF files can create establishments"))
    if not uai:
        raise FeedError(", ".join(f.name for f in files), _("an establishment UAI is required for ONDE and CSV files"))
    if format == "onde":
        return onde.read_files(files, uai.upper())
    if format == "csv":
        return onde.read_generic_csv(files, uai.upper(), mapping)
    raise FeedError("", _("unknown format %(format)s") % {"format": format})


def feed_restrict(feed: Feed, uai: str) -> Feed:
    """Keep only what concerns one establishment, for an import made by that establishment.

    People of other establishments are dropped (one warning per establishment, never written);
    a person also in another establishment keeps only their roles, classes and teachings here;
    guardians stay when a child of theirs does. A full file counts as full only for the
    categories it lists here, so a file of another school never turns our people into leavers.
    Records saying nothing of their establishment (a modification) stay only for people who hold
    a role here.
    """
    uai = uai.upper()
    mentioned = uai in feed.establishments or any(uai in r.uais for r in feed.people.values())
    feed.restricted_to = uai
    for other in [u for u in feed.establishments if u != uai]:
        del feed.establishments[other]
    feed.establishment(uai)
    ignored: Counter[str] = Counter()
    kept: dict[str, PersonRecord] = {}
    undecided: list[PersonRecord] = []
    for record in sorted(feed.people.values(), key=lambda r: r.category != CAT_STUDENT):
        if record.category == CAT_GUARDIAN:
            continue
        if not record.uais:
            undecided.append(record)
        elif uai in record.uais:
            _record_narrow(record, uai)
            kept[record.key] = record
        else:
            ignored[min(record.uais)] += 1
    dropped_students = {k for k, r in feed.people.items() if r.category == CAT_STUDENT and k not in kept}
    linked = {link.guardian_key for r in kept.values() for link in r.guardians or []}
    for record in feed.people.values():
        if record.category != CAT_GUARDIAN:
            continue
        children = [k for k in record.children or [] if k not in dropped_students]
        if record.children is not None:
            record.children = children
        if record.key in linked or children or uai in record.uais:
            record.uais = {uai} if record.uais else set()
            kept[record.key] = record
        elif record.uais or dropped_students & set(_children_of(feed, record)):
            ignored[min(record.uais) if record.uais else "?"] += 1
        else:
            undecided.append(record)
    if undecided:
        here = set(
            User.objects.filter(
                external_id__in=[r.key for r in undecided], role_assignments__establishment__uai=uai
            ).values_list("external_id", flat=True)
        )
        for record in undecided:
            if record.key in here:
                kept[record.key] = record
            else:
                ignored["?"] += 1
    feed.people = {key: record for key, record in feed.people.items() if key in kept}
    feed.full_categories = {c for c in feed.full_categories if any(r.category == c for r in kept.values())}
    for other, n in sorted(ignored.items()):
        if other == "?":
            message = _("%(n)d record(s) not linked to your establishment ignored") % {"n": n}
        else:
            message = _("%(n)d record(s) of establishment %(uai)s ignored: only your establishment is imported") % {
                "n": n,
                "uai": other,
            }
        feed.warning(message)
    if not mentioned and not kept:
        feed.error(_("these files do not concern your establishment (%(uai)s)") % {"uai": uai})
    return feed


def _children_of(feed: Feed, guardian: PersonRecord) -> set[str]:
    found = set(guardian.children or [])
    for record in feed.people.values():
        if any(link.guardian_key == guardian.key for link in record.guardians or []):
            found.add(record.key)
    return found


def _record_narrow(record: PersonRecord, uai: str) -> None:
    """Drop from a record what it says about other establishments."""
    record.uais = {uai}
    if record.roles is not None:
        record.roles = {u: r for u, r in record.roles.items() if u == uai}
    if record.classes is not None:
        record.classes = {u: c for u, c in record.classes.items() if u == uai}
    if record.groups is not None:
        record.groups = {u: g for u, g in record.groups.items() if u == uai}
    if record.teachings is not None:
        record.teachings = {t for t in record.teachings if t[0] == uai}
    if record.homerooms is not None:
        record.homerooms = {h for h in record.homerooms if h[0] == uai}


def _run_start(feed: Feed, plan: Plan, *, mode: str, actor_id: int | None, run: ImportRun | None = None) -> ImportRun:
    values = {
        "files": plan.files,
        "counts": plan.counts(),
        "problems": [p.as_dict() for p in plan.problems[:_MAX_STORED_PROBLEMS]],
        "heartbeat_at": timezone.now(),  # the plan is built: a sign of life before the first batch
    }
    if run is not None:
        for name, value in values.items():
            setattr(run, name, value)
        run.save(update_fields=list(values))
        return run
    establishment = None
    if (feed.source in ("onde", "csv") or feed.restricted_to) and plan.establishments:
        establishment = Establishment.objects.filter(uai=feed.restricted_to or plan.establishments[0]).first()
    return ImportRun.objects.create(
        establishment=establishment,
        territory_id=establishment.territory_id if establishment else feed.territory_id,
        created_by_id=actor_id,
        source=feed.source,
        mode=mode,
        **values,
    )


def import_preview(
    feed: Feed, *, actor_id: int | None = None, record: bool = True, run: ImportRun | None = None
) -> tuple[Plan, ImportRun | None]:
    """Compare the feed with the database and return the plan; only the run's history row is written.

    ``run``: an existing preview row (a web upload) to fill instead of creating one.
    """
    plan, _work = build_plan(feed)
    if record or run is not None:
        run = _run_start(feed, plan, mode=ImportRun.Mode.PREVIEW, actor_id=actor_id, run=run)
        run.status = ImportRun.Status.WITH_ERRORS if plan.errors else ImportRun.Status.SUCCEEDED
        run.summary = plan.summary()
        run.details = plan_details(plan)
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "summary", "details", "finished_at"])
    return plan, run


def import_apply(
    feed: Feed,
    *,
    actor_id: int | None = None,
    strict: bool = False,
    record: bool = True,
    run: ImportRun | None = None,
) -> tuple[Plan, ImportRun | None]:
    """Apply the feed in batches; records in error are skipped, the rest is written.

    With ``strict``, any error in the data stops the import before anything is written.
    Applying the same files twice writes nothing the second time: the plan is empty.
    ``run``: an existing row (a web import started in the background) to fill and keep up to date.
    """
    plan, work = build_plan(feed)
    if record or run is not None:
        run = _run_start(feed, plan, mode=ImportRun.Mode.APPLIED, actor_id=actor_id, run=run)
    if strict and plan.errors:
        if run is not None:
            run.status = ImportRun.Status.FAILED
            run.summary = plan.summary()
            run.finished_at = timezone.now()
            run.save(update_fields=["status", "summary", "finished_at"])
        return plan, run

    def progress(done: int, total: int) -> None:
        if run is not None:  # each batch is also the worker's sign of life (see ``ImportRun.heartbeat_at``)
            ImportRun.objects.filter(pk=run.pk).update(
                progress_done=done, progress_total=total, heartbeat_at=timezone.now()
            )

    try:
        if plan.has_changes:
            apply_work(work, actor_id=actor_id, on_progress=progress)
            cached_pages_refresh(feed)
    except Exception:
        if run is not None:
            ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.FAILED, finished_at=timezone.now())
        raise
    plan.applied = True
    if run is not None:
        run.status = ImportRun.Status.WITH_ERRORS if plan.errors else ImportRun.Status.SUCCEEDED
        run.summary = plan.summary()
        run.details = plan_details(plan)
        run.finished_at = timezone.now()
        fields = ["status", "summary", "details", "finished_at"]
        if not plan.has_changes:  # nothing to write: the progress bar is full at once
            run.progress_done = run.progress_total = 1
            fields += ["progress_done", "progress_total"]
        run.save(update_fields=fields)
    return plan, run


def cached_pages_refresh(feed: Feed) -> None:
    """Move the people and structure versions of the feed's establishments, once, after a run.

    The engine writes in bulk and sends no signal; without this, the cached pages built from
    who is in which class (the directory, the dashboard's widgets, a week's timetable) would
    show the change only when their minute in the cache ends.
    """
    uais = [feed.restricted_to] if feed.restricted_to else list(feed.establishments)
    for pk in Establishment.objects.filter(uai__in=uais).values_list("pk", flat=True):
        versions.bump(versions.Kind.PEOPLE, pk)
        versions.bump(versions.Kind.STRUCTURE, pk)


def plan_details(plan: Plan) -> dict[str, Any]:
    """Return what the preview and report pages show beyond the counts: per class, and the changes.

    Per class: students new in the class, moved in, moved out. Changes are capped so the stored
    row and the page stay small whatever the size of the import.
    """
    classes: dict[str, dict[str, int]] = {}
    for change in plan.people:
        if change.kind != "student" or not change.detail:
            continue
        if change.action == "create":
            classes.setdefault(change.detail, {"create": 0, "in": 0, "out": 0})["create"] += 1
        elif change.action == "move":
            old, _sep, new = change.detail.partition(" -> ")
            classes.setdefault(old, {"create": 0, "in": 0, "out": 0})["out"] += 1
            classes.setdefault(new, {"create": 0, "in": 0, "out": 0})["in"] += 1
    order = {kind: i for i, kind in enumerate(PERSON_KINDS)}
    people = sorted(plan.people, key=lambda c: (order.get(c.kind, 9), PERSON_ACTIONS.index(c.action), c.name))
    return {
        "classes": [{"code": code, **classes[code]} for code in sorted(classes)],
        "changes": [c.as_dict() for c in people[:MAX_STORED_CHANGES]],
        "changes_total": len(plan.people),
        "problems_total": len(plan.problems),
        "errors": len(plan.errors),
        "warnings": len(plan.warnings),
        "establishments": plan.establishments,
        "is_full": plan.is_full,
    }


# -- web imports: files kept in the storage between the upload, the preview and the background apply --

STORAGE_FOLDER = "provisioning"
STALE_PREVIEW_AGE = datetime.timedelta(days=2)


def upload_store(files: Sequence[UploadedFile]) -> list[str]:
    """Save uploaded files in a new folder of the default storage; return their storage names."""
    folder = f"{STORAGE_FOLDER}/{uuid.uuid4().hex}"
    names = []
    for upload in files:
        name = get_valid_filename(Path(upload.name or "feed").name)
        names.append(default_storage.save(f"{folder}/{name}", upload))
    return names


@contextmanager
def stored_files_local(names: Sequence[str]) -> Iterator[list[Path]]:
    """Copy stored files to a temporary folder (any storage backend) and yield their paths."""
    with tempfile.TemporaryDirectory(prefix="romsie-import-") as folder:
        paths = []
        for name in names:
            target = Path(folder) / Path(name).name
            with default_storage.open(name, "rb") as source, target.open("wb") as copy:
                shutil.copyfileobj(source, copy)
            paths.append(target)
        yield paths


def stored_files_delete(names: Sequence[str]) -> None:
    """Remove stored feed files (they hold personal data: kept only until applied)."""
    for name in names:
        default_storage.delete(name)
    for folder in {str(Path(name).parent) for name in names}:
        # A file system storage keeps empty folders: remove the run's own (other storages have none).
        with suppress(NotImplementedError, OSError):
            os.rmdir(default_storage.path(folder))


def stale_previews_purge(*, establishment_id: int, now: datetime.datetime | None = None) -> int:
    """Delete the files of the establishment's previews never applied after two days; return how many runs."""
    limit = (now or timezone.now()) - STALE_PREVIEW_AGE
    stale = list(
        ImportRun.objects.filter(
            establishment_id=establishment_id, mode=ImportRun.Mode.PREVIEW, created_at__lt=limit, application=None
        )
        .exclude(storage_paths=[])
        .only("pk", "storage_paths")
    )
    for run in stale:
        stored_files_delete(run.storage_paths)
    if stale:
        ImportRun.objects.filter(pk__in=[run.pk for run in stale]).update(storage_paths=[])
    return len(stale)


DEFAULT_RUN_RETENTION_DAYS = 365


def import_run_retention() -> datetime.timedelta:
    """Return how long the import history is kept (setting ``PROVISIONING_RUN_RETENTION_DAYS``, a year)."""
    days = getattr(settings, "PROVISIONING_RUN_RETENTION_DAYS", DEFAULT_RUN_RETENTION_DAYS)
    return datetime.timedelta(days=int(days))


def import_runs_purge(*, now: datetime.datetime | None = None) -> int:
    """Delete the import runs started longer ago than their retention delay, with any file left; return how many.

    A run keeps pupils' names (its changes and problems) after they have left: the delay bounds
    how long. Run by the daily retention job (``romsie.core.retention``).
    """
    old = ImportRun.objects.filter(created_at__lt=(now or timezone.now()) - import_run_retention())
    for paths in old.exclude(storage_paths=[]).values_list("storage_paths", flat=True):
        stored_files_delete(paths)
    deleted, _by_model = old.delete()
    return deleted


def csv_headers(paths: Sequence[Path]) -> list[str]:
    """Return the distinct header cells of generic CSV files, in file order."""
    seen: dict[str, str] = {}
    for path in paths:
        for header in onde.csv_headers(path):
            if header and fold(header) not in seen:
                seen[fold(header)] = header
    return list(seen.values())


def csv_mapping_signature(headers: Sequence[str]) -> str:
    """Return the digest identifying a set of CSV headers, whatever their order, case or accents."""
    return hashlib.sha256("\n".join(sorted({fold(h) for h in headers})).encode()).hexdigest()


def csv_mapping_initial(*, establishment_id: int, headers: Sequence[str]) -> tuple[dict[str, str], bool]:
    """Return the mapping to propose for these headers and whether it needs no confirmation.

    The establishment's remembered mapping of the same headers comes first, then the headers
    recognised by name (French or English). Complete: remembered, or every header recognised.
    """
    remembered = ImportMapping.objects.filter(
        establishment_id=establishment_id, signature=csv_mapping_signature(headers)
    ).first()
    known = remembered.mapping if remembered else {}
    mapping = {fold(h): known.get(fold(h), onde.CSV_COLUMNS.get(fold(h), "")) for h in headers}
    complete = remembered is not None or all(fold(h) in onde.CSV_COLUMNS for h in headers)
    return mapping, complete


def csv_mapping_remember(*, establishment_id: int, headers: Sequence[str], mapping: dict[str, str]) -> ImportMapping:
    """Remember the establishment's mapping for these headers, for the next import."""
    remembered, _created = ImportMapping.objects.update_or_create(
        establishment_id=establishment_id, signature=csv_mapping_signature(headers), defaults={"mapping": mapping}
    )
    return remembered


def _web_feed(run: ImportRun, paths: Sequence[Path]) -> Feed:
    assert run.establishment is not None
    uai = run.establishment.uai
    return feed_read(paths, format=run.source, uai=uai, mapping=run.mapping or None, restrict_to=uai)


def _web_preview(run: ImportRun, paths: Sequence[Path], headers: list[str] | None) -> None:
    feed = _web_feed(run, paths)
    import_preview(feed, actor_id=run.created_by_id, run=run)
    if headers is not None:
        run.details["headers"] = headers
        run.save(update_fields=["details"])


def import_upload(
    *, establishment: Establishment, actor_id: int | None, format: str, files: Sequence[UploadedFile]
) -> ImportRun:
    """Store uploaded feed files and preview them for the establishment: only the run row is written.

    A generic CSV whose headers are neither all recognised nor remembered waits for its column
    mapping (status ``mapping``). An unusable file raises :class:`FeedError`; nothing is kept then.
    """
    if not files:
        raise FeedError("", _("no file was given"))
    stale_previews_purge(establishment_id=establishment.pk)
    names = upload_store(files)
    try:
        with stored_files_local(names) as paths:
            headers = csv_headers(paths) if format == "csv" else None
            mapping, complete = (
                csv_mapping_initial(establishment_id=establishment.pk, headers=headers)
                if headers is not None
                else ({}, True)
            )
            run = ImportRun(
                establishment=establishment,
                territory_id=establishment.territory_id,
                created_by_id=actor_id,
                source=format,
                mode=ImportRun.Mode.PREVIEW,
                storage_paths=names,
                mapping=mapping,
            )
            feed = _web_feed(run, paths)  # an unusable file is refused before any row is written
            with transaction.atomic():
                if complete:
                    run.save()
                    import_preview(feed, actor_id=actor_id, run=run)
                else:
                    run.status = ImportRun.Status.MAPPING
                    run.files = [f.as_dict() for f in feed.files]
                    run.save()
                if headers is not None:
                    run.details["headers"] = headers
                    run.save(update_fields=["details"])
    except Exception:
        stored_files_delete(names)
        raise
    return run


def import_remap(*, run: ImportRun, mapping: dict[str, str]) -> ImportRun:
    """Set a generic CSV run's column mapping, remember it for the establishment, preview again."""
    assert run.establishment_id is not None
    headers = list(run.details.get("headers", []))
    with stored_files_local(run.storage_paths) as paths, transaction.atomic():
        csv_mapping_remember(establishment_id=run.establishment_id, headers=headers, mapping=mapping)
        run.mapping = mapping
        run.save(update_fields=["mapping"])
        _web_preview(run, paths, headers)
    return run


def can_apply(run: ImportRun) -> bool:
    """Tell whether a web preview may still be applied: previewed, files kept, not applied yet."""
    return (
        run.mode == ImportRun.Mode.PREVIEW
        and run.status in (ImportRun.Status.SUCCEEDED, ImportRun.Status.WITH_ERRORS)
        and bool(run.storage_paths)
        and getattr(run, "application", None) is None
    )


def _run_claim(run_id: int) -> bool:
    """Take a running run for this worker: nobody has it yet, or its worker gave no sign of life.

    A conditional UPDATE, so of two workers given the same run (a task delivered twice, a
    resume) exactly one gets it.
    """
    now = timezone.now()
    return bool(
        ImportRun.objects.filter(pk=run_id, status=ImportRun.Status.RUNNING, finished_at=None)
        .filter(Q(heartbeat_at=None) | Q(heartbeat_at__lt=now - heartbeat_timeout()))
        .update(heartbeat_at=now)
    )


def import_run_execute(*, run_id: int) -> ImportRun:
    """Apply a web run from its stored files, keeping its progress up to date; the files are then deleted."""
    if not _run_claim(run_id):
        # Done already, or another worker is on it: a task delivered twice does nothing.
        return ImportRun.objects.get(pk=run_id)
    run = ImportRun.objects.select_related("establishment").get(pk=run_id)
    try:
        if run.establishment is None:
            raise FeedError("", _("the establishment of this import no longer exists"))
        with stored_files_local(run.storage_paths) as paths:
            feed = _web_feed(run, paths)
            import_apply(feed, actor_id=run.created_by_id, run=run)
    except FeedError as error:
        run.status = ImportRun.Status.FAILED
        run.summary = str(error)
        run.problems = [{"severity": "error", "message": error.message, "file": error.file, "line": error.line}]
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "summary", "problems", "finished_at"])
    except Exception:
        ImportRun.objects.filter(pk=run.pk).update(
            status=ImportRun.Status.FAILED, finished_at=timezone.now(), summary=_("The import stopped on an error.")
        )
        raise
    finally:
        stored_files_delete(run.storage_paths)
        ImportRun.objects.filter(pk__in=[run.pk, run.applied_from_id or 0]).update(storage_paths=[])
    return run


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
