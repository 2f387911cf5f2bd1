"""The import pages of an establishment's administration: upload, column mapping, preview, apply,
progress and history.

Nothing is written before the preview but the run's history row; applying runs in the
background (``tasks.py``) and the run page follows its progress.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from romsie.administration.views.base import posted
from romsie.core.access.declarations import requires
from romsie.core.access.scope import ScopedRequest
from romsie.core.errors import ApplicationError
from romsie.core.exports import csv_response
from romsie.establishments.access import get_current_establishment

from . import access, services, tasks
from .forms import FIELD_LABELS, ColumnMappingForm, ImportUploadForm
from .models import ImportRun
from .plan import PERSON_ACTIONS
from .records import PERSON_KINDS, FeedError

IMPORT = access.IMPORT
HISTORY_PAGE_SIZE = 20
LIST_PAGE_SIZE = 50


def _kind_labels() -> dict[str, str]:
    return {"student": _("Students"), "guardian": _("Guardians"), "teacher": _("Teachers"), "staff": _("Staff")}


def _action_labels() -> dict[str, str]:
    return {
        "create": _("Arrivals"),
        "update": _("Updates"),
        "move": _("Class changes"),
        "deactivate": _("Leavers (deactivated)"),
        "reactivate": _("Returns (reactivated)"),
    }


def _run(request: ScopedRequest, pk: int) -> ImportRun:
    return access.get_import_run(request.scope, pk)


def _page(items: list[Any], request: ScopedRequest, param: str, run: ImportRun) -> dict[str, Any]:
    """Page a stored list (changes, problems) and give the links to the neighbouring pages."""
    page: Page[Any] = Paginator(items, LIST_PAGE_SIZE).get_page(request.GET.get(param))
    base = reverse("provisioning:run-detail", args=[run.pk])

    def link(number: int) -> str:
        query = request.GET.copy() if request.resolver_match and request.resolver_match.url_name == "run-detail" else {}
        query = dict(query.items())
        query[param] = str(number)
        return f"{base}?{urlencode(query)}#{param}"

    return {
        "page": page,
        "previous": link(page.previous_page_number()) if page.has_previous() else "",
        "next": link(page.next_page_number()) if page.has_next() else "",
    }


def _count_rows(run: ImportRun) -> list[dict[str, Any]]:
    """Rows of the counts table: one per kind of person, one cell per action."""
    kinds = _kind_labels()
    return [
        {"label": kinds[kind], "cells": [(run.counts.get(kind) or {}).get(action, 0) for action in PERSON_ACTIONS]}
        for kind in PERSON_KINDS
    ]


def _structure_rows(run: ImportRun) -> list[tuple[str, str]]:
    return [
        (kind, ", ".join(f"{action} {n}" for action, n in sorted(values.items())))
        for kind, values in sorted(run.counts.items())
        if kind not in PERSON_KINDS
    ]


@requires(IMPORT)
def run_list(request: ScopedRequest) -> HttpResponse:
    """List the establishment's imports, previews and applied ones, newest first."""
    runs = access.visible_import_runs(request.scope).select_related("created_by").order_by("-created_at", "-pk")
    page = Paginator(runs, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "provisioning/run_list.html", {"page_obj": page, "is_paginated": page.has_other_pages()})


@requires(IMPORT)
def run_upload(request: ScopedRequest) -> HttpResponse:
    """Upload feed files; a preview follows (or the column mapping of an unknown CSV)."""
    scope = request.scope
    form = ImportUploadForm(posted(request), request.FILES or None)
    if request.method == "POST" and form.is_valid():
        establishment = get_current_establishment(scope)
        try:
            run = services.import_upload(
                establishment=establishment,
                actor_id=scope.user_id,
                format=form.cleaned_data["format"],
                files=form.cleaned_data["uploads"],
            )
        except FeedError as error:
            form.add_error("uploads", _("Unusable file, nothing was imported: %(error)s") % {"error": error})
        else:
            if run.status == ImportRun.Status.MAPPING:
                return redirect("provisioning:run-mapping", run.pk)
            return redirect("provisioning:run-detail", run.pk)
    return render(request, "provisioning/run_upload.html", {"form": form})


@requires(IMPORT)
def run_mapping(request: ScopedRequest, pk: int) -> HttpResponse:
    """Match the columns of a generic CSV to fields; the mapping is remembered for next time."""
    run = _run(request, pk)
    if run.source != "csv" or run.mode != ImportRun.Mode.PREVIEW or not run.storage_paths or run_is_applied(run):
        messages.info(request, _("The columns of this import can no longer be changed."))
        return redirect("provisioning:run-detail", run.pk)
    headers = list(run.details.get("headers", []))
    form = ColumnMappingForm(posted(request), headers=headers, initial_mapping=run.mapping)
    if request.method == "POST" and form.is_valid():
        try:
            services.import_remap(run=run, mapping=form.mapping())
        except FeedError as error:
            form.add_error(None, _("Unusable file, nothing was imported: %(error)s") % {"error": error})
        else:
            return redirect("provisioning:run-detail", run.pk)
    return render(request, "provisioning/run_mapping.html", {"run": run, "form": form, "fields": FIELD_LABELS})


def run_is_applied(run: ImportRun) -> bool:
    return getattr(run, "application", None) is not None


def _report_context(request: ScopedRequest, run: ImportRun) -> dict[str, Any]:
    details = run.details or {}
    kinds, actions = _kind_labels(), _action_labels()
    changes = _page(details.get("changes", []), request, "changes", run)
    changes["rows"] = [
        {**c, "kind_label": kinds.get(c["kind"], c["kind"]), "action_label": actions.get(c["action"], c["action"])}
        for c in changes["page"].object_list
    ]
    return {
        "run": run,
        "actions": list(actions.values()),
        "count_rows": _count_rows(run),
        "structure_rows": _structure_rows(run),
        "classes": details.get("classes", []),
        "changes": changes,
        "changes_total": details.get("changes_total", 0),
        "problems": _page(run.problems, request, "problems", run),
        "problems_total": details.get("problems_total", len(run.problems)),
        "is_running": run.status == ImportRun.Status.RUNNING and run.mode == ImportRun.Mode.APPLIED,
        "is_interrupted": run.is_interrupted,
        "percent": round(100 * run.progress_done / run.progress_total) if run.progress_total else 0,
    }


@requires(IMPORT)
def run_detail(request: ScopedRequest, pk: int) -> HttpResponse:
    """Show a preview (with the Apply button) or an applied run (its progress, then its report)."""
    run = _run(request, pk)
    if run.status == ImportRun.Status.MAPPING:
        return redirect("provisioning:run-mapping", run.pk)
    context = _report_context(request, run)
    context["can_apply"] = services.can_apply(run)
    return render(request, "provisioning/run_detail.html", context)


@requires(IMPORT)
def run_progress(request: ScopedRequest, pk: int) -> HttpResponse:
    """Return the progress block of a run (polled by the run page while the import runs)."""
    run = _run(request, pk)
    response = render(request, "provisioning/_run_progress.html", _report_context(request, run))
    response["Cache-Control"] = "no-store"
    return response


@requires(IMPORT)
@require_POST
def run_apply(request: ScopedRequest, pk: int) -> HttpResponse:
    """Apply a preview: a new run starts in the background and its page shows the progress."""
    preview = _run(request, pk)
    try:
        if run_is_applied(preview):
            raise tasks.already_applied(preview.application.pk)
        if not services.can_apply(preview):
            messages.error(request, _("This preview can no longer be applied: upload the files again."))
            return redirect("provisioning:run-detail", preview.pk)
        run = tasks.import_apply_start(preview=preview, actor_id=request.scope.user_id)
    except ApplicationError as already:
        messages.info(request, already.message)
        return redirect("provisioning:run-detail", already.extra["run_id"])
    messages.success(request, _("The import has started."))
    return redirect("provisioning:run-detail", run.pk)


@requires(IMPORT)
@require_POST
def run_resume(request: ScopedRequest, pk: int) -> HttpResponse:
    """Resume an interrupted import: what was written stays, the rest is applied in the background."""
    run = _run(request, pk)
    if tasks.import_resume(run=run):
        messages.success(request, _("The import has resumed."))
    else:
        messages.info(request, _("This import cannot be resumed: it is not interrupted, or its files are gone."))
    return redirect("provisioning:run-detail", run.pk)


@requires(IMPORT)
def run_report(request: ScopedRequest, pk: int) -> HttpResponse:
    """Download a run's report as CSV: the counts, then every problem with its file and line."""
    run = _run(request, pk)
    kinds, actions = _kind_labels(), _action_labels()
    rows: list[list[Any]] = []
    for kind in PERSON_KINDS:
        for action in PERSON_ACTIONS:
            rows.append([_("count"), "", "", kinds[kind], actions[action], (run.counts.get(kind) or {}).get(action, 0)])
    for kind, text in _structure_rows(run):
        rows.append([_("count"), "", "", kind, text, ""])
    for problem in run.problems:
        severity = _("error") if problem.get("severity") == "error" else _("warning")
        rows.append([severity, problem.get("file", ""), problem.get("line") or "", "", problem.get("message", ""), ""])
    stamp = timezone.localtime(run.created_at).strftime("%Y%m%d-%H%M")
    header = [_("Type"), _("File"), _("Line"), _("Kind"), _("Message"), _("Number")]
    return csv_response(f"import-{run.source}-{stamp}-{run.pk}.csv", header, rows)
