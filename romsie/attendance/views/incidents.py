"""Incident and sanction views of school life."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from romsie.core.access.declarations import requires
from romsie.core.access.scope import ScopedRequest
from romsie.core.errors import ApplicationError
from romsie.core.forms import show_error
from romsie.core.ids import parse_id

from .. import access, record_forms, selectors, services
from ..habilitations import AttendanceHabilitation as H

SERVICE = "attendance"


@requires(H.REPORT_INCIDENT, service=SERVICE)
def incident_create(request: ScopedRequest) -> HttpResponse:
    """Report an incident: when, where, the students involved, what happened, the witnesses."""
    scope = request.scope
    form = record_forms.IncidentForm(request.POST or None, scope=scope)
    if request.method == "POST" and form.is_valid():
        try:
            incident = services.incident_report(
                scope=scope,
                occurred_at=form.cleaned_data["occurred_at"],
                place=form.cleaned_data["place"],
                description=form.cleaned_data["description"],
                witnesses=form.cleaned_data["witnesses"],
                student_ids=form.student_ids(),
            )
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            messages.success(request, _("Incident reported; school life follows it up."))
            return redirect("attendance:incident-detail", pk=incident.pk)
    return render(request, "attendance/record_incident_form.html", {"form": form})


@requires(H.REPORT_INCIDENT, service=SERVICE)
def incident_list(request: ScopedRequest) -> HttpResponse:
    """The incidents the person follows up (school life) or reported (others)."""
    scope = request.scope
    page = selectors.incident_list(scope, cursor=request.GET.get("apres", "")[:40])
    context = {"page": page, "incidents": page.entries, "may_sanction": scope.has(H.SANCTION)}
    return render(request, "attendance/record_incident_list.html", context)


@requires(H.REPORT_INCIDENT, service=SERVICE)
def incident_detail(request: ScopedRequest, pk: int) -> HttpResponse:
    """An incident, its sanctions, and (for those who follow it up) its follow-up form."""
    scope = request.scope
    incident = access.get_incident(scope, pk)
    may_sanction = scope.has(H.SANCTION)
    if request.method == "POST" and not may_sanction:
        raise PermissionDenied
    form = record_forms.FollowUpForm(
        request.POST or None, edited=incident, initial={"status": incident.status, "follow_up": incident.follow_up}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.incident_follow_up(
                scope=scope,
                incident=incident,
                version=form.shown_version,
                status=form.cleaned_data["status"],
                follow_up=form.cleaned_data["follow_up"],
            )
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            messages.success(request, _("Follow-up saved."))
            return redirect("attendance:incident-detail", pk=incident.pk)
    context = {"incident": incident, "form": form if may_sanction else None, "may_sanction": may_sanction}
    context.update(selectors.incident_detail(incident))
    return render(request, "attendance/record_incident_detail.html", context)


@requires(H.SANCTION, service=SERVICE)
def sanction_create(request: ScopedRequest) -> HttpResponse:
    """Give a punishment or a sanction, from an incident (``?incident=``) or for a student (``?student=``)."""
    scope = request.scope
    incident_id = parse_id(request.GET.get("incident"))
    student_id = parse_id(request.GET.get("student"))
    incident = access.get_incident(scope, incident_id) if incident_id is not None else None
    students = access.visible_students(scope).filter(is_active=True).order_by("last_name", "first_name", "pk")
    if incident is not None:
        involved = list(incident.students.values_list("pk", flat=True))
        students = students.filter(pk__in=involved)
        student_id = involved[0] if len(involved) == 1 else None  # one student involved: chosen already
    elif student_id is not None:
        students = students.filter(pk=access.get_student(scope, student_id).pk)
    initial = {"student": student_id} if student_id is not None else {}
    form = record_forms.SanctionForm(request.POST or None, scope=scope, students=students, initial=initial)
    if request.method == "POST" and form.is_valid():
        student = form.cleaned_data["student"]
        try:
            services.sanction_give(
                scope=scope,
                student=student,
                kind=form.cleaned_data["kind"],
                starts_at=form.cleaned_data["starts_at"],
                ends_at=form.cleaned_data["ends_at"],
                supervisor=form.cleaned_data["supervisor"],
                reason=form.cleaned_data["reason"],
                incident=incident,
            )
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            messages.success(request, _("Measure recorded; the family is told."))
            if incident is not None:
                return redirect("attendance:incident-detail", pk=incident.pk)
            return redirect(reverse("attendance:student", args=[student.pk]))
    return render(request, "attendance/record_sanction_form.html", {"form": form, "incident": incident})
