"""The history of provisioning runs: one row per preview or applied import."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from romsie.establishments.models import Establishment, Territory


class ImportRun(models.Model):
    """One import of feed files, previewed or applied, with its counts, problems and progress.

    ``establishment`` is set for a one-school import (ONDE, CSV); a territory operator's AAF run
    over many establishments sets ``territory`` or nothing. ``progress_done``/``progress_total``
    count batches, so a page can draw a progress bar while the import runs.
    """

    class Mode(models.TextChoices):
        PREVIEW = "preview", _("Preview")
        APPLIED = "applied", _("Applied")

    class Status(models.TextChoices):
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

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import run")
        verbose_name_plural = _("import runs")

    def __str__(self) -> str:
        return f"{self.source} {self.mode} {self.created_at:%Y-%m-%d %H:%M}"
