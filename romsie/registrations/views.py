"""Activity registration: the activities, registering a child, the organiser's lists, documents."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from romsie.core import fragments
from romsie.core.access.declarations import requires
from romsie.core.access.middleware import forbidden
from romsie.core.access.scope import ScopedRequest
from romsie.core.errors import ApplicationError
from romsie.core.exports import csv_response, xlsx_response
from romsie.core.forms import show_error
from romsie.core.services import audit_record
from romsie.core.uploads import download_response

from . import access, forms, selectors, services
from .habilitations import RegistrationsHabilitation as H
from .models import Activity, Registration

SERVICE = "registrations"


@requires(H.VIEW, service=SERVICE)
def activity_list(request: ScopedRequest) -> HttpResponse:
    """The activities and forms the person may open; a guardian sees their children's registrations."""
    scope = request.scope

    def render_list() -> str:
        rows = selectors.activity_list_for_person(scope)
        return render_to_string("registrations/_activity_list_body.html", {"rows": rows}, request)

    context = {
        "body": fragments.cached(request, "registrations-list", selectors.activity_list_stamp(scope), render_list),
        "may_organise": scope.has(H.ORGANISE),
        "may_review": access.can_review_documents(scope),
    }
    return render(request, "registrations/activity_list.html", context)


@requires(H.VIEW, service=SERVICE)
def activity_detail(request: ScopedRequest, pk: int) -> HttpResponse:
    """An activity: what, when, for whom; a guardian's children's registrations and the way to register."""
    scope = request.scope
    activity = access.get_activity(scope, pk)
    return render(request, "registrations/activity_detail.html", {"page": selectors.activity_page(scope, activity)})


def _save_activity(request: ScopedRequest, activity: Activity | None) -> HttpResponse:
    scope = request.scope
    query = request.POST.get("q", "") if request.method == "POST" else ""
    if request.method == "POST":
        form = forms.ActivityForm(request.POST, scope=scope, activity=activity, query=query)
        if "picker_search" not in request.POST and form.is_valid():
            try:
                saved = services.activity_save(
                    scope=scope, data=form.activity_data(), activity=activity, version=form.shown_version
                )
            except ApplicationError as error:
                show_error(request, error, form)
            else:
                messages.success(request, _("Saved."))
                return redirect("registrations:activity-detail", saved.pk)
    else:
        form = forms.ActivityForm(scope=scope, activity=activity)
    title = _("Change “%(title)s”") % {"title": activity.title} if activity else _("New activity or form")
    cancel = (
        reverse("registrations:activity-detail", args=[activity.pk])
        if activity
        else reverse("registrations:activity-list")
    )
    return render(request, "registrations/activity_form.html", {"form": form, "title": title, "cancel_url": cancel})


@requires(H.ORGANISE, service=SERVICE)
def activity_create(request: ScopedRequest) -> HttpResponse:
    return _save_activity(request, None)


@requires(H.VIEW, service=SERVICE)
def activity_update(request: ScopedRequest, pk: int) -> HttpResponse:
    activity = access.get_managed_activity(request.scope, pk)
    return _save_activity(request, activity)


@requires(H.VIEW, service=SERVICE)
def organiser_search(request: ScopedRequest) -> HttpResponse:
    """The people matching a name among those one may name organiser (the picker's live search)."""
    if not request.scope.has(H.ORGANISE):
        return forbidden(request)
    query = request.GET.get("q", "").strip()[:100]
    people = forms.organisers_matching(request.scope, query)
    context = {"people": people, "query": query, "name": "organisers", "base": "id_organisers"}
    return render(request, "core/widgets/_picker_people.html", context)


def _add_part(request: ScopedRequest, pk: int, form_class: type, title: str) -> HttpResponse:
    """Add a question, a document to provide or a consent to an activity one organises."""
    scope = request.scope
    activity = access.get_managed_activity(scope, pk)
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if form_class is forms.QuestionForm:
                services.question_create(scope=scope, activity=activity, **data)
            elif form_class is forms.DocumentItemForm:
                services.document_item_create(scope=scope, activity=activity, **data)
            else:
                services.consent_create(scope=scope, activity=activity, **data)
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            messages.success(request, _("Added."))
            return redirect("registrations:activity-detail", activity.pk)
    context = {
        "form": form,
        "title": title,
        "activity": activity,
        "cancel_url": reverse("registrations:activity-detail", args=[activity.pk]),
    }
    return render(request, "registrations/part_form.html", context)


@requires(H.VIEW, service=SERVICE)
def question_create(request: ScopedRequest, pk: int) -> HttpResponse:
    return _add_part(request, pk, forms.QuestionForm, _("Add a question"))


@requires(H.VIEW, service=SERVICE)
def item_create(request: ScopedRequest, pk: int) -> HttpResponse:
    return _add_part(request, pk, forms.DocumentItemForm, _("Add a document to provide"))


@requires(H.VIEW, service=SERVICE)
def consent_create(request: ScopedRequest, pk: int) -> HttpResponse:
    return _add_part(request, pk, forms.ConsentForm, _("Add a consent"))


@requires(H.VIEW, service=SERVICE)
def consent_update(request: ScopedRequest, pk: int) -> HttpResponse:
    """Give a consent a new text (a new version: signatures keep the text they signed)."""
    scope = request.scope
    consent = access.get_managed_consent(scope, pk)
    current = consent.versions.order_by("-number").first()
    form = forms.ConsentTextForm(request.POST or None, initial={"text": current.text if current else ""})
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_revise(scope=scope, consent=consent, text=form.cleaned_data["text"])
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            messages.success(request, _("The new text is the one families now sign."))
            return redirect("registrations:activity-detail", consent.activity_id)
    context = {
        "form": form,
        "title": _("New text of “%(name)s”") % {"name": consent.name},
        "activity": consent.activity,
        "cancel_url": reverse("registrations:activity-detail", args=[consent.activity_id]),
    }
    return render(request, "registrations/part_form.html", context)


@requires(H.REGISTER, service=SERVICE)
def registration_create(request: ScopedRequest, pk: int) -> HttpResponse:
    """A guardian registers one of their eligible children: answers and consents, on a phone."""
    scope = request.scope
    activity = access.get_activity(scope, pk)
    page = selectors.activity_page(scope, activity)
    form = forms.RegistrationForm(
        request.POST or None, children=page.registrable, questions=page.questions, consents=page.consents
    )
    if request.method == "POST" and form.is_valid():
        try:
            registration = services.registration_create(
                scope=scope,
                activity=activity,
                student_id=form.cleaned_data["child"],
                answers=form.answers(),
                consents=form.consent_choices(),
            )
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            if registration.status == Registration.Status.REGISTERED:
                messages.success(request, _("Registered."))
            else:
                messages.info(request, _("Registered on the waiting list: you will be told if a place frees up."))
            return redirect("registrations:registration-detail", registration.pk)
    context = {"form": form, "page": page}
    return render(request, "registrations/registration_form.html", context)


@requires(H.VIEW, service=SERVICE)
def registration_detail(request: ScopedRequest, pk: int) -> HttpResponse:
    """A child's registration: answers, consents, documents (their status), forms to provide or review them."""
    scope = request.scope
    registration = access.get_registration(scope, pk)
    page = selectors.registration_page(scope, registration)
    items = [item for item, _upload in page.documents]
    context = {
        "page": page,
        "upload_form": forms.UploadForm(items=items) if page.is_guardian and items else None,
        "review_form": forms.ReviewForm() if page.may_review else None,
    }
    return render(request, "registrations/registration_detail.html", context)


def _act(request: ScopedRequest, action: Callable[..., Registration], registration: Registration, done: str) -> None:
    """Run a service on a registration; say it was done, or why it was refused."""
    try:
        action(scope=request.scope, registration=registration)
    except ApplicationError as error:
        show_error(request, error)
    else:
        messages.success(request, done)


@require_POST
@requires(H.VIEW, service=SERVICE)
def registration_withdraw(request: ScopedRequest, pk: int) -> HttpResponse:
    """Withdraw a child (guardian or organiser): the first on the waiting list gets the place."""
    registration = access.get_registration(request.scope, pk)
    _act(request, services.registration_withdraw, registration, _("Withdrawn."))
    return redirect("registrations:activity-detail", registration.activity_id)


@require_POST
@requires(H.VIEW, service=SERVICE)
def registration_refuse(request: ScopedRequest, pk: int) -> HttpResponse:
    """An organiser refuses a registration."""
    registration = access.get_managed_registration(request.scope, pk)
    _act(request, services.registration_refuse, registration, _("Refused: the family is told."))
    return redirect("registrations:registration-detail", registration.pk)


@require_POST
@requires(H.REGISTER, service=SERVICE)
def document_upload(request: ScopedRequest, pk: int) -> HttpResponse:
    """A guardian provides a document of the checklist."""
    scope = request.scope
    registration = access.get_registration(scope, pk)
    items = list(registration.activity.document_items.all())
    form = forms.UploadForm(request.POST, request.FILES, items=items)
    if form.is_valid():
        try:
            services.document_upload(
                scope=scope,
                registration=registration,
                item_id=form.cleaned_data["item"],
                upload=form.cleaned_data["file"],
            )
        except ApplicationError as error:
            show_error(request, error)
        else:
            messages.success(request, _("Document sent: the office will check it."))
    else:
        messages.error(request, _("Choose the document and its file."))
    return redirect("registrations:registration-detail", registration.pk)


@requires(H.VIEW, service=SERVICE)
def document_download(request: ScopedRequest, pk: int) -> HttpResponse | FileResponse:
    """Download a document provided (guardians, organisers and the office only; audited for the others)."""
    scope = request.scope
    upload = access.get_upload(scope, pk)
    if not access.is_guardian_of(scope, upload.registration):
        audit_record(scope=scope, action="registrations.document_read", target=upload)
    return download_response(upload.file, upload.name, upload.content_type)


@require_POST
@requires(H.REVIEW_DOCUMENTS, service=SERVICE)
def document_review(request: ScopedRequest, pk: int) -> HttpResponse:
    """The office accepts or refuses a document provided."""
    scope = request.scope
    upload = access.get_reviewable_upload(scope, pk)
    form = forms.ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.document_review(
                scope=scope,
                upload=upload,
                accepted=form.cleaned_data["decision"] == upload.Status.ACCEPTED,
                reason=form.cleaned_data["reason"],
            )
        except ApplicationError as error:
            show_error(request, error)
        else:
            messages.success(request, _("Decision recorded: the family is told."))
    else:
        messages.error(request, _("Choose accept or refuse."))
    return redirect("registrations:registration-detail", upload.registration_id)


@requires(H.REVIEW_DOCUMENTS, service=SERVICE)
def document_queue(request: ScopedRequest) -> HttpResponse:
    """The documents waiting for the office's decision."""
    uploads = list(selectors.pending_uploads(request.scope)[:200])
    return render(request, "registrations/document_queue.html", {"uploads": uploads})


@requires(H.VIEW, service=SERVICE)
def activity_registrations(request: ScopedRequest, pk: int) -> HttpResponse:
    """The organiser's list: registered, waiting, refused, by class, with answers, consents and documents."""
    scope = request.scope
    activity = access.get_managed_activity(scope, pk)
    status = request.GET.get("statut", "")
    page = selectors.list_page(scope, activity, status=status)
    statuses = [
        (value, label, page.counts.get(value, 0))
        for value, label in Registration.Status.choices
        if value != Registration.Status.WITHDRAWN
    ]
    context = {"page": page, "status": status, "statuses": statuses}
    return render(request, "registrations/activity_registrations.html", context)


@requires(H.VIEW, service=SERVICE)
def activity_export(request: ScopedRequest, pk: int) -> HttpResponse:
    """The registrations of an activity as CSV or XLSX."""
    scope = request.scope
    activity = access.get_managed_activity(scope, pk)
    header, rows = selectors.export_rows(scope, activity)
    name = f"inscriptions-{activity.pk}"
    if request.GET.get("format") == "xlsx":
        return xlsx_response(f"{name}.xlsx", header, rows, title=activity.title)
    return csv_response(f"{name}.csv", header, rows)


@require_POST
@requires(H.VIEW, service=SERVICE)
def activity_remind(request: ScopedRequest, pk: int) -> HttpResponse:
    """Remind the guardians of eligible children who have not answered."""
    scope = request.scope
    activity = access.get_managed_activity(scope, pk)
    try:
        told = services.activity_remind(scope=scope, activity=activity)
    except ApplicationError as error:
        show_error(request, error)
    else:
        messages.success(request, _("%(count)d guardians reminded.") % {"count": told})
    return redirect("registrations:activity-registrations", activity.pk)
