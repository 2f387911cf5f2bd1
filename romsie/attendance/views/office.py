"""School-life office views of school life: the day's register, absences, outings, exemptions, lateness, reasons.

Every view needs ``attendance.manage`` (the absence reasons: ``attendance.settings``); the
objects come from the access module's gates, another establishment's answering 404.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from romsie.core.access.declarations import requires
from romsie.core.access.scope import ScopedRequest
from romsie.core.errors import ApplicationError
from romsie.core.forms import show_error
from romsie.core.ids import parse_id
from romsie.core.uploads import download_response

from .. import access, forms_office, selectors, services
from ..habilitations import AttendanceHabilitation as H

SERVICE = "attendance"
PICKER_FIELDS = ("student", "students")  # the pickers of the office forms


def _posted(request: ScopedRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _query(request: ScopedRequest) -> str:
    return (request.GET.get("q") or request.POST.get("q") or "").strip()[:100]


def _saving(request: ScopedRequest) -> bool:
    """A POST that saves (not the picker's Search button, used without JavaScript)."""
    return request.method == "POST" and "picker_search" not in request.POST


def _day(value: str | None) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value or "")
    except ValueError:
        return timezone.localdate()


@requires(H.MANAGE, service=SERVICE)
def register(request: ScopedRequest) -> HttpResponse:
    """The day's register: each class's sessions and who is away; one class per student and session."""
    scope = request.scope
    day = _day(request.GET.get("date"))
    class_id = parse_id(request.GET.get("class"))
    if class_id is not None:
        class_id = access.get_office_class(scope, class_id).pk
    found = selectors.day_register(scope, day, class_id)
    context = {
        "register": found,
        "previous": day - datetime.timedelta(days=1),
        "next": day + datetime.timedelta(days=1),
        "today": timezone.localdate(),
    }
    return render(request, "attendance/office_register.html", context)


@requires(H.MANAGE, service=SERVICE)
def student_search(request: ScopedRequest, field: str) -> HttpResponse:
    """The current students matching a name (the picker's search, with JavaScript)."""
    if field not in PICKER_FIELDS:
        raise Http404
    query = _query(request)
    people = [forms_office._person(s) for s in selectors.office_students_matching(request.scope, query)]
    return render(
        request,
        "core/widgets/_picker_people.html",
        {"people": people, "query": query, "name": field, "base": f"id_{field}"},
    )


def _student_initial(request: ScopedRequest) -> dict[str, Any]:
    student_id = parse_id(request.GET.get("student"))
    return {"student": [f"user:{student_id}"]} if student_id is not None else {}


@requires(H.MANAGE, service=SERVICE)
def absence_create(request: ScopedRequest) -> HttpResponse:
    """Enter an absence school life was told of (a phone call): one student, whole days or a period."""
    scope = request.scope
    form = forms_office.AbsenceForm(
        _posted(request),
        scope=scope,
        query=_query(request),
        initial={"starts_on": timezone.localdate(), **_student_initial(request)},
    )
    if _saving(request) and form.is_valid():
        starts_at, ends_at = form.span()
        try:
            absence = services.absence_create(
                scope=scope,
                student=form.cleaned_data["student"],
                starts_at=starts_at,
                ends_at=ends_at,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            )
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            messages.success(request, _("Absence recorded; the family is told."))
            return _to_register(absence.starts_at)
    return render(request, "attendance/office_absence_form.html", {"form": form, "title": _("Enter an absence")})


def _to_register(moment: datetime.datetime | datetime.date) -> HttpResponse:
    """Back to the register of the day of ``moment``."""
    day = timezone.localtime(moment).date() if isinstance(moment, datetime.datetime) else moment
    return redirect(f"{reverse('attendance:register')}?date={day.isoformat()}")


@requires(H.MANAGE, service=SERVICE)
def outing_create(request: ScopedRequest) -> HttpResponse:
    """A collective absence (a school trip): pick a class and untick, or pick people; one span."""
    scope = request.scope
    class_id = parse_id(request.GET.get("class"))
    school_class = access.get_office_class(scope, class_id) if class_id is not None else None
    initial: dict[str, Any] = {"starts_on": timezone.localdate()}
    if school_class is not None:
        initial["students"] = [f"user:{pk}" for pk in selectors.class_student_ids(scope, school_class.pk)]
    form = forms_office.OutingForm(_posted(request), scope=scope, query=_query(request), initial=initial)
    if _saving(request) and form.is_valid():
        starts_at, ends_at = form.span()
        try:
            outings = services.outing_create(
                scope=scope,
                student_ids=form.cleaned_data["students"],
                starts_at=starts_at,
                ends_at=ends_at,
                note=form.cleaned_data["note"],
            )
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            messages.success(request, _("%(count)d students recorded out of school.") % {"count": len(outings)})
            return _to_register(starts_at)
    context = {
        "form": form,
        "classes": access.office_classes(scope).order_by("name"),
        "school_class": school_class,
    }
    return render(request, "attendance/office_outing_form.html", context)


@requires(H.MANAGE, service=SERVICE)
def exemption_create(request: ScopedRequest) -> HttpResponse:
    """Record an exemption (a sport exemption with its certificate) for a subject and some days."""
    scope = request.scope
    form = forms_office.ExemptionForm(
        _posted(request),
        request.FILES or None,
        scope=scope,
        query=_query(request),
        initial={"starts_on": timezone.localdate(), **_student_initial(request)},
    )
    if _saving(request) and form.is_valid():
        data = form.cleaned_data
        try:
            services.exemption_create(
                scope=scope,
                student=data["student"],
                subject=data["subject"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                must_attend=data["must_attend"],
                note=data["note"],
                certificate=data["certificate"],
            )
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            messages.success(request, _("Exemption recorded."))
            return _to_register(data["starts_on"])
    context = {"form": form, "title": _("Record an exemption"), "files": True}
    return render(request, "attendance/office_absence_form.html", context)


@requires(H.MANAGE, service=SERVICE)
def exemption_certificate(request: ScopedRequest, pk: int) -> HttpResponseBase:
    """Download an exemption's certificate (school life only)."""
    exemption = access.get_managed_exemption(request.scope, pk)
    if not exemption.file:
        raise Http404
    return download_response(exemption.file, exemption.name, exemption.content_type)


@requires(H.MANAGE, service=SERVICE)
def lateness_create(request: ScopedRequest) -> HttpResponse:
    """Record a lateness at the gate: the session running then is linked; the family is told."""
    scope = request.scope
    form = forms_office.LatenessForm(
        _posted(request), scope=scope, query=_query(request), initial=_student_initial(request)
    )
    if _saving(request) and form.is_valid():
        data = form.cleaned_data
        try:
            lateness = services.lateness_create(
                scope=scope,
                student=data["student"],
                arrived_at=data["arrived_at"],
                minutes=data["minutes"],
                reason=data["reason"],
                note=data["note"],
            )
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            messages.success(request, _("Lateness recorded; the family is told."))
            return _to_register(lateness.arrived_at)
    return render(request, "attendance/office_absence_form.html", {"form": form, "title": _("Record a lateness")})


@requires(H.MANAGE, service=SERVICE)
def absence_update(request: ScopedRequest, pk: int) -> HttpResponse:
    """Change an absence's span, reason, note or justification (a stale form is refused)."""
    scope = request.scope
    absence = access.get_managed_absence(scope, pk)
    form = forms_office.AbsenceUpdateForm(_posted(request), scope=scope, absence=absence)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.absence_update(
                scope=scope,
                absence=absence,
                version=form.shown_version,
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                reason=data["reason"],
                status=data["status"],
                note=data["note"],
            )
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            messages.success(request, _("Absence changed."))
            return _to_register(absence.starts_at)
    context = {"form": form, "absence": absence, "title": _("Change an absence")}
    return render(request, "attendance/office_absence_update.html", context)


@require_POST
@requires(H.MANAGE, service=SERVICE)
def absence_close(request: ScopedRequest, pk: int) -> HttpResponse:
    """Close an absence: it is dealt with."""
    scope = request.scope
    absence = access.get_managed_absence(scope, pk)
    try:
        services.absence_close(scope=scope, absence=absence, version=parse_id(request.POST.get("version")))
    except ApplicationError as error:
        show_error(request, error)
        return redirect("attendance:absence-update", absence.pk)
    messages.success(request, _("Absence closed."))
    return _to_register(absence.starts_at)


@requires(H.MANAGE, service=SERVICE)
def lateness_update(request: ScopedRequest, pk: int) -> HttpResponse:
    """Change a lateness's minutes, reason, note or justification (a stale form is refused)."""
    scope = request.scope
    lateness = access.get_managed_lateness(scope, pk)
    form = forms_office.LatenessUpdateForm(_posted(request), scope=scope, lateness=lateness)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.lateness_update(
                scope=scope,
                lateness=lateness,
                version=form.shown_version,
                minutes=data["minutes"],
                reason=data["reason"],
                status=data["status"],
                note=data["note"],
            )
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            messages.success(request, _("Lateness changed."))
            return _to_register(lateness.arrived_at)
    context = {"form": form, "title": _("Change a lateness")}
    return render(request, "attendance/office_absence_form.html", context)


@requires(H.SETTINGS, service=SERVICE)
def reason_list(request: ScopedRequest) -> HttpResponse:
    """The establishment's absence reasons (a default list is created on first use)."""
    scope = request.scope
    reasons = selectors.settable_reasons(scope)
    return render(request, "attendance/office_reason_list.html", {"reasons": reasons})


@requires(H.SETTINGS, service=SERVICE)
def reason_create(request: ScopedRequest) -> HttpResponse:
    return _reason_form(request, None)


@requires(H.SETTINGS, service=SERVICE)
def reason_update(request: ScopedRequest, pk: int) -> HttpResponse:
    return _reason_form(request, pk)


def _reason_form(request: ScopedRequest, pk: int | None) -> HttpResponse:
    scope = request.scope
    reason = access.get_settable_reason(scope, pk) if pk is not None else None
    form = forms_office.ReasonForm(_posted(request), reason=reason)
    if request.method == "POST" and form.is_valid():
        try:
            services.reason_save(scope=scope, reason=reason, **form.cleaned_data)
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            messages.success(request, _("Reason saved."))
            return redirect("attendance:reason-list")
    title = _("Change a reason") if reason else _("Add a reason")
    return render(request, "attendance/office_absence_form.html", {"form": form, "title": title})
