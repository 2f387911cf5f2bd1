"""Families' views of school life: the student's page, justifying online, and school life's review."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from romsie.core import fragments, versions
from romsie.core.access.declarations import requires
from romsie.core.access.scope import ScopedRequest
from romsie.core.errors import ApplicationError
from romsie.core.forms import show_error
from romsie.core.uploads import download_response

from .. import access, reasons, selectors, services
from ..forms_family import JustifyForm, ReviewForm
from ..habilitations import AttendanceHabilitation as H
from ..models import Absence, Justification, Lateness

SERVICE = "attendance"
# Documents shown in the review page itself; anything else is only downloaded.
PREVIEWED = {"image/jpeg", "image/png", "image/webp"}


@requires(H.VIEW, service=SERVICE)
def record(request: ScopedRequest) -> HttpResponse:
    """The school-life page of the student (oneself, or the parent's chosen child)."""
    scope = request.scope
    student_id = access.followed_student_id(scope)
    if student_id is None:
        if scope.is_parent:
            body = render_to_string("attendance/_family_record_body.html", {"record": None}, request)
            return render(request, "attendance/family_record.html", {"body": body})
        raise PermissionDenied
    child = scope.child if scope.is_parent else None

    def render_record() -> str:
        context = {"record": selectors.family_record(scope, student_id), "child": child}
        return render_to_string("attendance/_family_record_body.html", context, request)

    # Cached until the student's record changes (every write moves its stamp) or the guardians'
    # rights do (people); the day is in it, since coming of age and the school year depend on it.
    keys = [
        versions.key(versions.Kind.ATTENDANCE_RECORD, student_id),
        versions.key(versions.Kind.PEOPLE, scope.establishment_id),
    ]
    stamp = (student_id, timezone.localdate(), sorted(scope.habilitations), *versions.stamp(*keys))
    body = fragments.cached(request, "attendance-record", stamp, render_record)
    return render(request, "attendance/family_record.html", {"body": body, "child": child})


@requires(H.VIEW, service=SERVICE)
def justify_absence(request: ScopedRequest, pk: int) -> HttpResponse:
    """Justify an absence: a reason, a comment, a photo or a PDF."""
    return _justify(request, access.get_justifiable_absence(request.scope, pk))


@requires(H.VIEW, service=SERVICE)
def justify_lateness(request: ScopedRequest, pk: int) -> HttpResponse:
    """Justify a lateness: a reason, a comment, a photo or a PDF."""
    return _justify(request, access.get_justifiable_lateness(request.scope, pk))


def _justify(request: ScopedRequest, target: Absence | Lateness) -> HttpResponse:
    scope = request.scope
    assert scope.establishment_id is not None
    reasons.default_reasons_ensure(scope.establishment_id)
    form = JustifyForm(request.POST or None, request.FILES or None, scope=scope)
    if request.method == "POST" and form.is_valid():
        try:
            services.justification_submit(
                scope=scope,
                reason=form.cleaned_data["reason"],
                comment=form.cleaned_data["comment"],
                upload=form.cleaned_data["document"],
                absence=target if isinstance(target, Absence) else None,
                lateness=target if isinstance(target, Lateness) else None,
            )
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            messages.success(request, _("Thank you: school life will review your justification."))
            return redirect("attendance:record")
    context = {"form": form, "target": target, "is_absence": isinstance(target, Absence)}
    return render(request, "attendance/family_justify.html", context)


@requires(H.MANAGE, service=SERVICE)
def justification_list(request: ScopedRequest) -> HttpResponse:
    """Justifications to review (the pending ones by default), filtered by state, newest first."""
    scope = request.scope
    state = request.GET.get("etat", Justification.Status.PENDING)
    if state not in Justification.Status.values:
        state = ""
    page = selectors.justification_page(scope, state=state, cursor=request.GET.get("apres", ""))
    context = {"page": page, "state": state, "states": Justification.Status.choices}
    return render(request, "attendance/family_justification_list.html", context)


@requires(H.MANAGE, service=SERVICE)
def justification_review(request: ScopedRequest, pk: int) -> HttpResponse:
    """See a justification and its document; accept or refuse it with a comment."""
    scope = request.scope
    justification = selectors.justification_detail(scope, pk)
    form = ReviewForm(request.POST or None, scope=scope, initial={"reason": justification.reason_id})
    if request.method == "POST" and form.is_valid():
        accept = request.POST.get("decision") == "accept"
        try:
            services.justification_review(
                scope=scope,
                justification=justification,
                accept=accept,
                comment=form.cleaned_data["comment"],
                reason=form.cleaned_data["reason"],
            )
        except ApplicationError as error:
            if justification.status != Justification.Status.PENDING:
                show_error(request, error)
                return redirect("attendance:justification-review", pk=justification.pk)
            show_error(request, error, form)
        else:
            messages.success(
                request, _("Accepted: the family is told.") if accept else _("Refused: the family is told.")
            )
            return redirect("attendance:justification-list")
    target = justification.absence or justification.lateness
    context = {
        "justification": justification,
        "target": target,
        "is_absence": justification.absence_id is not None,
        "form": form if justification.status == Justification.Status.PENDING else None,
        "previewed": justification.content_type in PREVIEWED,
    }
    return render(request, "attendance/family_justification_review.html", context)


@requires(H.VIEW, service=SERVICE)
def justification_file(request: ScopedRequest, pk: int) -> FileResponse:
    """A justification's document, for school life and the family: a download, or an image shown in the review."""
    justification = access.get_justification(request.scope, pk)
    if not justification.file:
        raise Http404
    response = download_response(justification.file, justification.name, justification.content_type)
    if request.GET.get("apercu") == "1" and justification.content_type in PREVIEWED:
        response["Content-Disposition"] = "inline"
    return response
