"""The history of provisioning runs: one row per preview or applied import."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from romsie.establishments.models import Establishment, Territory

DEFAULT_HEARTBEAT_TIMEOUT_SECONDS = 600


def heartbeat_timeout() -> datetime.timedelta:
    """Return how long an applied run may go without a sign of life before it counts as interrupted.

    Setting ``PROVISIONING_HEARTBEAT_TIMEOUT_SECONDS`` (10 minutes by default): far longer than a
    batch takes, so a slow import is never taken for a dead one.
    """
    seconds = getattr(settings, "PROVISIONING_HEARTBEAT_TIMEOUT_SECONDS", DEFAULT_HEARTBEAT_TIMEOUT_SECONDS)
    return datetime.timedelta(seconds=int(seconds))


class ImportRun(models.Model):
    """One import of feed files, previewed or applied, with its counts, problems and progress.

    ``establishment`` is set for a one-school import (ONDE, CSV); a territory operator's AAF run
    over many establishments sets ``territory`` or nothing. ``progress_done``/``progress_total``
    count batches, so a page can draw a progress bar while the import runs. ``heartbeat_at`` is
    the running worker's last sign of life (when it took the run, then after each batch): a run
    still ``running`` without one for :func:`heartbeat_timeout` lost its worker (killed, database
    stopped) and is shown as interrupted, with a way to resume it.
    """

    class Mode(models.TextChoices):
        PREVIEW = "preview", _("Preview")
        APPLIED = "applied", _("Applied")

    class Status(models.TextChoices):
        MAPPING = "mapping", _("Columns to match")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        WITH_ERRORS = "with_errors", _("Done with errors")
        FAILED = "failed", _("Failed")

    establishment = models.ForeignKey(
        Establishment, null=True, blank=True, on_delete=models.SET_NULL, related_name="import_runs"
    )
    territory = models.ForeignKey(Territory, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=8)
    mode = models.CharField(_("mode"), max_length=8, choices=Mode.choices)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.RUNNING)
    # [{"name": ..., "sha256": ..., "size_bytes": ..., "full": bool}]
    files = models.JSONField(default=list, blank=True)
    counts = models.JSONField(default=dict, blank=True)
    problems = models.JSONField(default=list, blank=True)
    summary = models.TextField(blank=True)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    # Web imports: where the uploaded files wait in the storage, the generic CSV's column mapping
    # ({folded header: field}), what the preview page shows (per class, a capped list of changes),
    # and the preview an applied run comes from (one application per preview).
    storage_paths = models.JSONField(default=list, blank=True)
    mapping = models.JSONField(default=dict, blank=True)
    details = models.JSONField(default=dict, blank=True)
    applied_from = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="application"
    )
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import run")
        verbose_name_plural = _("import runs")

    def __str__(self) -> str:
        return f"{self.source} {self.mode} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def is_interrupted(self) -> bool:
        """Tell whether this applied run's worker stopped before the end (no sign of life for too long)."""
        if self.mode != self.Mode.APPLIED or self.status != self.Status.RUNNING or self.finished_at is not None:
            return False
        return (self.heartbeat_at or self.created_at) < timezone.now() - heartbeat_timeout()

    @property
    def can_resume(self) -> bool:
        """Tell whether an interrupted run can be resumed: its files are still kept (a web import)."""
        return self.is_interrupted and bool(self.storage_paths)

    @property
    def status_label(self) -> str:
        """Return the status as shown to people: an interrupted run is not "running"."""
        return str(_("Interrupted")) if self.is_interrupted else str(self.get_status_display())

    @property
    def person_totals(self) -> dict[str, int]:
        """Return the people created, updated, moved, deactivated and reactivated, all kinds together."""
        totals = dict.fromkeys(("create", "update", "move", "deactivate", "reactivate"), 0)
        for kind in ("student", "guardian", "teacher", "staff"):
            for action, n in (self.counts.get(kind) or {}).items():
                if action in totals:
                    totals[action] += int(n)
        return totals

    @property
    def error_count(self) -> int:
        return sum(1 for p in self.problems if p.get("severity") == "error")

    @property
    def warning_count(self) -> int:
        return sum(1 for p in self.problems if p.get("severity") != "error")

    @property
    def file_names(self) -> list[str]:
        return [str(f.get("name", "")) for f in self.files]


class ImportMapping(models.Model):
    """The columns of a generic CSV matched to fields, remembered per establishment and set of headers.

    ``signature`` is the digest of the files' folded headers, so the same export from the same
    software is recognised next time; ``mapping`` is ``{folded header: field}`` ("" = ignored).
    """

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    signature = models.CharField(max_length=64)
    mapping = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["establishment", "signature"], name="provisioning_mapping_unique")
        ]
        verbose_name = _("CSV column mapping")
        verbose_name_plural = _("CSV column mappings")

    def __str__(self) -> str:
        return f"{self.establishment_id} {self.signature[:8]}"
