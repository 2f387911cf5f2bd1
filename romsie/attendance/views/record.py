"""A student's history, the monthly class report, the alert thresholds and the alerts of school life."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from romsie.core.access.declarations import requires
from romsie.core.access.scope import Scope, ScopedRequest
from romsie.core.errors import ApplicationError
from romsie.core.exports import csv_response, xlsx_response
from romsie.core.forms import display_value, show_error
from romsie.core.ids import parse_id

from .. import access, early_warning, record_forms, selectors, services
from ..habilitations import AttendanceHabilitation as H

SERVICE = "attendance"
FORMATS = ("csv", "xlsx")


def _reads_records(scope: Scope) -> bool:
    """Staff who follow students (school life, sanctions) and teachers; never families nor partners."""
    return scope.has(H.MANAGE) or scope.has(H.SANCTION) or scope.has(H.VIEW_CLASSES)


def _export(filename: str, header: list[str], rows: Iterable[Iterable[Any]], fmt: str, title: str) -> HttpResponse:
    if fmt == "xlsx":
        return xlsx_response(f"{filename}.xlsx", header, rows, title=title)
    return csv_response(f"{filename}.csv", header, rows)


def _student_record(request: ScopedRequest, pk: int) -> selectors.StudentRecord:
    scope = request.scope
    if not _reads_records(scope):
        raise PermissionDenied
    student = access.get_student(scope, pk)
    services.record_read(scope=scope, student=student)
    return selectors.student_record(scope, student, period_id=parse_id(request.GET.get("period")))


@requires(H.VIEW, service=SERVICE)
def student(request: ScopedRequest, pk: int) -> HttpResponse:
    """A student's history: totals of the period and the year, absences, lateness, exemptions, incidents, sanctions."""
    record = _student_record(request, pk)
    scope = request.scope
    context = {"record": record, "may_sanction": scope.has(H.SANCTION), "may_report": scope.has(H.REPORT_INCIDENT)}
    return render(request, "attendance/record_student.html", context)


@requires(H.VIEW, service=SERVICE)
def student_export(request: ScopedRequest, pk: int) -> HttpResponse:
    """A student's history as a CSV or XLSX file (``?format=csv|xlsx``)."""
    record = _student_record(request, pk)
    fmt = request.GET.get("format", "csv")
    if fmt not in FORMATS:
        fmt = "csv"
    header = [_("Kind"), _("From"), _("To"), _("Detail"), _("Status")]
    rows: list[list[Any]] = []
    for absence in record.absences:
        detail = absence.reason.label if absence.reason else absence.note
        status = absence.get_status_display() if absence.kind == absence.Kind.ABSENCE else absence.get_kind_display()
        rows.append([_("Absence"), display_value(absence.starts_at), display_value(absence.ends_at), detail, status])
    for late in record.lateness:
        detail = _("%(minutes)s minutes") % {"minutes": late.minutes}
        rows.append([_("Lateness"), display_value(late.arrived_at), "", detail, late.get_status_display()])
    for exemption in record.exemptions:
        subject = exemption.subject.name if exemption.subject else _("Every subject")
        rows.append([_("Exemption"), display_value(exemption.starts_on), display_value(exemption.ends_on), subject, ""])
    for incident in record.incidents:
        rows.append(
            [_("Incident"), display_value(incident.occurred_at), "", incident.place, incident.get_status_display()]
        )
    for sanction in record.sanctions:
        rows.append(
            [
                sanction.get_kind_display(),
                display_value(sanction.starts_at),
                display_value(sanction.ends_at) if sanction.ends_at else "",
                sanction.reason,
                "",
            ]
        )
    name = slugify(record.student.get_full_name()) or "eleve"
    return _export(f"vie-scolaire-{name}", header, rows, fmt, record.student.get_full_name())


def _month(value: str | None) -> datetime.date:
    """The month of ``?month=YYYY-MM``, this month when missing or invalid."""
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        return datetime.date(year, month, 1)
    except ValueError:
        return timezone.localdate().replace(day=1)


@requires(H.VIEW, service=SERVICE)
def class_report(request: ScopedRequest, pk: int) -> HttpResponse:
    """A class's month: one row per student with their totals, sortable, exported with ``?format=csv|xlsx``."""
    scope = request.scope
    if not (scope.has(H.MANAGE) or scope.has(H.VIEW_CLASSES)):
        raise PermissionDenied
    school_class = selectors.get_reportable_class(scope, pk)
    month = _month(request.GET.get("month"))
    sort = request.GET.get("sort", "name")
    if sort not in selectors.REPORT_SORTS:
        sort = "name"
    rows = selectors.class_report(school_class, month=month, sort=sort)
    fmt = request.GET.get("format")
    if fmt in FORMATS:
        header = [
            _("Student"),
            _("Half-days absent"),
            _("Justified"),
            _("Not justified"),
            _("Pending"),
            _("Lateness"),
            _("Minutes late"),
        ]
        data = [
            [
                row.student.get_full_name(),
                row.totals.half_days,
                row.totals.justified,
                row.totals.unjustified,
                row.totals.pending,
                row.totals.lateness,
                row.totals.minutes_late,
            ]
            for row in rows
        ]
        return _export(f"rapport-{slugify(school_class.name)}-{month:%Y-%m}", header, data, fmt, school_class.name)
    previous = (month - datetime.timedelta(days=1)).replace(day=1)
    following = (month + datetime.timedelta(days=32)).replace(day=1)
    context = {
        "school_class": school_class,
        "rows": rows,
        "month": month,
        "month_label": formats.date_format(month, "YEAR_MONTH_FORMAT"),
        "month_param": f"{month:%Y-%m}",
        "previous": f"{previous:%Y-%m}",
        "following": f"{following:%Y-%m}",
        "sort": sort,
        "sorts": [
            ("name", _("Name")),
            ("half_days", _("Half-days absent")),
            ("unjustified", _("Not justified")),
            ("lateness", _("Lateness")),
            ("minutes", _("Minutes late")),
        ],
    }
    return render(request, "attendance/record_class_report.html", context)


@requires(H.SETTINGS, service=SERVICE)
def threshold_list(request: ScopedRequest) -> HttpResponse:
    """The establishment's alert thresholds; add one."""
    scope = request.scope
    form = record_forms.ThresholdForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.threshold_create(scope=scope, half_days=form.cleaned_data["half_days"])
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            messages.success(request, _("Threshold added."))
            return redirect("attendance:threshold-list")
    context = {
        "form": form,
        "thresholds": list(selectors.thresholds_of(scope)),
        "default_half_days": early_warning.DEFAULT_THRESHOLD_HALF_DAYS,
    }
    return render(request, "attendance/record_thresholds.html", context)


@require_POST
@requires(H.SETTINGS, service=SERVICE)
def threshold_delete(request: ScopedRequest, pk: int) -> HttpResponse:
    """Remove a threshold."""
    scope = request.scope
    services.threshold_delete(scope=scope, threshold=selectors.get_threshold(scope, pk))
    messages.success(request, _("Threshold removed."))
    return redirect("attendance:threshold-list")


@requires(H.MANAGE, service=SERVICE)
def alert_list(request: ScopedRequest) -> HttpResponse:
    """The open threshold alerts, newest first."""
    alerts = list(selectors.open_alerts(request.scope)[:200])
    return render(request, "attendance/record_alerts.html", {"alerts": alerts})


@require_POST
@requires(H.MANAGE, service=SERVICE)
def alert_handle(request: ScopedRequest, pk: int) -> HttpResponse:
    """Mark an alert handled."""
    scope = request.scope
    services.alert_handle(scope=scope, alert=selectors.get_open_alert(scope, pk))
    messages.success(request, _("Alert marked as handled."))
    return redirect("attendance:alert-list")
