"""The homework log, homework to do and work handed in."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from romsie.core import fragments
from romsie.core.access.declarations import requires
from romsie.core.access.scope import ScopedRequest
from romsie.core.archives import ZipEntry, zip_response
from romsie.core.errors import ApplicationError
from romsie.core.forms import show_error
from romsie.core.ids import parse_id
from romsie.core.uploads import download_response

from . import access, forms, selectors, services
from .habilitations import HomeworkHabilitation as H
from .models import LogEntry

SERVICE = "homework"


def _int(value: str | None) -> int | None:
    return parse_id(value)  # an over-long number is no id: never a 500


@requires(H.VIEW, service=SERVICE)
def home(request: ScopedRequest) -> HttpResponse:
    """Send each person to their page: homework to do, their teachings, or the classes' logs."""
    scope = request.scope
    if access.homework_student(scope) is not None or scope.is_parent:
        return redirect("homework:todo")
    if scope.has(H.WRITE):
        return redirect("homework:teaching-list")
    if scope.has(H.VIEW_ALL):
        return redirect("homework:class-list")
    raise PermissionDenied


# -- Homework to do ------------------------------------------------------------------------


@requires(H.VIEW, service=SERVICE)
def todo(request: ScopedRequest) -> HttpResponse:
    """Homework to do, by date or by subject; the list is cached until the homework or the ticks change."""
    scope = request.scope
    subject_id = _int(request.GET.get("matiere"))
    past = request.GET.get("passes") == "1"
    by_subject = request.GET.get("vue") == "matiere"

    def render_todo() -> str:
        page = selectors.todo_for_student(scope, subject_id=subject_id, past=past)
        context = {
            "page": page,
            "by_subject": by_subject,
            "groups": selectors.todo_by_subject(page) if by_subject else [],
            "child": scope.child if scope.is_parent else None,
        }
        return render_to_string("homework/_todo_body.html", context, request)

    body = fragments.cached(
        request, "homework-todo", selectors.todo_stamp(scope, subject_id, past, by_subject), render_todo
    )
    return render(request, "homework/todo.html", {"body": body})


@require_POST
@requires(H.VIEW, service=SERVICE)
def homework_tick(request: ScopedRequest, pk: int) -> HttpResponse:
    scope = request.scope
    homework = access.get_homework(scope, pk)
    try:
        services.homework_tick(scope=scope, homework=homework, done=request.POST.get("done") == "1")
    except ApplicationError as error:
        raise PermissionDenied(error.message) from error
    if request.htmx:
        item = selectors.homework_for_student(scope, homework.pk)
        return render(request, "homework/_widget_item.html", {"h": item, "is_student": True})
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("homework:todo")
    return redirect(next_url)


@requires(H.VIEW, service=SERVICE)
def planner_create(request: ScopedRequest) -> HttpResponse:
    return _planner_form(request, None)


@requires(H.VIEW, service=SERVICE)
def planner_update(request: ScopedRequest, pk: int) -> HttpResponse:
    return _planner_form(request, access.get_planner_entry(request.scope, pk))


def _planner_form(request: ScopedRequest, entry: Any) -> HttpResponse:
    scope = request.scope
    if not access.is_student(scope):
        raise PermissionDenied
    form = forms.PlannerForm(request.POST or None, instance=entry, scope=scope)
    if request.method == "POST" and form.is_valid():
        try:
            services.planner_save(
                scope=scope,
                title=form.cleaned_data["title"],
                due_on=form.cleaned_data["due_on"],
                subject=form.cleaned_data["subject"],
                is_done=form.cleaned_data["is_done"],
                entry=entry,
            )
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            messages.success(request, _("Saved in your planner."))
            return redirect("homework:todo")
    return render(request, "homework/planner_form.html", {"form": form, "entry": entry})


@require_POST
@requires(H.VIEW, service=SERVICE)
def planner_tick(request: ScopedRequest, pk: int) -> HttpResponse:
    scope = request.scope
    services.planner_tick(scope=scope, entry=access.get_planner_entry(scope, pk), done=request.POST.get("done") == "1")
    return redirect("homework:todo")


@require_POST
@requires(H.VIEW, service=SERVICE)
def planner_delete(request: ScopedRequest, pk: int) -> HttpResponse:
    scope = request.scope
    services.planner_delete(scope=scope, entry=access.get_planner_entry(scope, pk))
    messages.success(request, _("Removed from your planner."))
    return redirect("homework:todo")


# -- The teacher's log ---------------------------------------------------------------------


@requires(H.WRITE, service=SERVICE)
def teaching_list(request: ScopedRequest) -> HttpResponse:
    return render(request, "homework/teaching_list.html", {"teachings": selectors.my_teachings(request.scope)})


@requires(H.VIEW, service=SERVICE)
def teaching_log(request: ScopedRequest, pk: int) -> HttpResponse:
    scope = request.scope
    teaching = access.get_readable_teaching(scope, pk)
    log, page_obj = selectors.teaching_log(scope, teaching, request.GET.get("page"))
    form = forms.NewEntryForm(choices=log.sessions_to_log) if log.sessions_to_log else None
    return render(request, "homework/teaching_log.html", {"log": log, "page_obj": page_obj, "form": form})


@requires(H.WRITE, service=SERVICE)
def entry_start(request: ScopedRequest) -> HttpResponse:
    """Go from the session chosen on a teaching's log to its entry form."""
    chosen = _int(request.GET.get("session"))
    if chosen is None:
        return redirect("homework:teaching-list")
    session = access.get_loggable_session(request.scope, chosen)
    return redirect("homework:entry-create", session.pk)


def _entry_form(request: ScopedRequest, *, entry: LogEntry | None, session: Any) -> HttpResponse:
    scope = request.scope
    teaching = entry.teaching if entry else session.teaching
    date = entry.date if entry else session.date
    if request.method == "POST":
        form = forms.EntryForm(request.POST, request.FILES, entry=entry, scope=scope)
        formset = forms.HomeworkFormSet(request.POST, prefix="homework")
        if form.is_valid() and formset.is_valid():
            data = services.EntryData(
                title=form.cleaned_data["title"],
                content=form.cleaned_data["content"],
                links=form.cleaned_data["links"],
                publish=request.POST.get("action") == "publish",
                publish_at=form.cleaned_data["publish_at"],
                homework=forms.homework_data(formset),
                files=tuple(form.cleaned_data["uploads"]),
                remove_attachment_ids=tuple(a.pk for a in form.cleaned_data.get("remove_attachments") or ()),
                documents=tuple(form.cleaned_data["documents"]) if "documents" in form.fields else None,
            )
            try:
                saved = services.entry_save(
                    scope=scope, data=data, entry=entry, session=session, version=form.shown_version
                )
            except ApplicationError as error:
                show_error(request, error, form)
            else:
                if saved.is_scheduled:
                    messages.success(request, _("Published: students and parents will see it from the chosen time."))
                elif saved.is_published:
                    messages.success(request, _("Published: students and parents see it now."))
                else:
                    messages.success(request, _("Saved as a draft: only you see it."))
                return redirect("homework:entry-detail", saved.pk)
    else:
        initial: dict[str, Any] = {}
        homework_initial: list[dict[str, Any]] = []
        if entry is not None:
            initial = {
                "title": entry.title,
                "content": entry.content_html,
                "links": entry.links,
                "publish_at": entry.publish_at if entry.is_scheduled else None,
            }
            homework_initial = [
                {
                    "id": h.pk,
                    "kind": h.kind,
                    "instructions": h.instructions,
                    "due_on": h.due_on,
                    "duration_minutes": h.duration_minutes,
                }
                for h in entry.homework.order_by("due_on", "pk")
            ]
        due = services.next_session_date(teaching.pk, date)
        form = forms.EntryForm(initial=initial, entry=entry, scope=scope)
        formset = forms.HomeworkFormSet(prefix="homework", initial=homework_initial)
        for extra in formset.forms[len(homework_initial) :]:
            extra.initial = {"due_on": due}
            extra.fields["due_on"].initial = due
    context = {
        "form": form,
        "formset": formset,
        "entry": entry,
        "teaching": teaching,
        "date": date,
        "session": session,
        "locked_on": services.visa_date(teaching.pk),
    }
    return render(request, "homework/entry_form.html", context)


@requires(H.WRITE, service=SERVICE)
def entry_create(request: ScopedRequest, session_pk: int) -> HttpResponse:
    scope = request.scope
    session = access.get_loggable_session(scope, session_pk)
    if request.method != "POST":
        existing = access.writable_entries(scope).filter(session=session).values_list("pk", flat=True).first()
        if existing is not None:
            return redirect("homework:entry-update", existing)
    # A POST goes to the service even when an entry appeared meanwhile: it refuses with a message
    # and the form comes back with the person's text, rather than a redirect that would drop it.
    return _entry_form(request, entry=None, session=session)


@requires(H.WRITE, service=SERVICE)
def entry_update(request: ScopedRequest, pk: int) -> HttpResponse:
    entry = access.get_writable_entry(request.scope, pk)
    return _entry_form(request, entry=entry, session=None)


@requires(H.VIEW, service=SERVICE)
def entry_detail(request: ScopedRequest, pk: int) -> HttpResponse:
    page = selectors.entry_detail(request.scope, pk)
    return render(
        request,
        "homework/entry_detail.html",
        {"page": page, "entry": page.entry, "submission_form": forms.SubmissionForm()},
    )


@requires(H.WRITE, service=SERVICE)
def entry_delete(request: ScopedRequest, pk: int) -> HttpResponse:
    scope = request.scope
    entry = access.get_writable_entry(scope, pk)
    error = ""
    if request.method == "POST":
        teaching_pk = entry.teaching_id
        try:
            services.entry_delete(scope=scope, entry=entry)
        except ApplicationError as refused:
            error = refused.message
        else:
            messages.success(request, _("Entry deleted."))
            return redirect("homework:teaching-log", teaching_pk)
    return render(request, "homework/entry_confirm_delete.html", {"entry": entry, "error": error})


@requires(H.WRITE, service=SERVICE)
def entry_copy(request: ScopedRequest, pk: int) -> HttpResponse:
    scope = request.scope
    entry = access.get_writable_entry(scope, pk)
    teachings = (
        access.writable_teachings(scope)
        .exclude(pk=entry.teaching_id)
        .select_related("subject", "school_class", "teaching_group")
        .order_by("school_class__name", "teaching_group__name", "subject__name")
    )
    form = forms.CopyForm(request.POST or None, teachings=teachings)
    if request.method == "POST" and form.is_valid():
        try:
            copy = services.entry_copy(scope=scope, entry=entry, teaching=form.cleaned_data["teaching"])
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            messages.success(request, _("Copied as a draft: check it and publish it."))
            return redirect("homework:entry-update", copy.pk)
    return render(request, "homework/entry_copy.html", {"form": form, "entry": entry})


@requires(H.VIEW, service=SERVICE)
def attachment_download(request: ScopedRequest, pk: int) -> FileResponse:
    attachment = access.get_attachment(request.scope, pk)
    return download_response(attachment.file, attachment.name, attachment.content_type)


# -- The head: classes' logs and visas -----------------------------------------------------


@requires(H.VIEW_ALL, service=SERVICE)
def class_list(request: ScopedRequest) -> HttpResponse:
    return render(request, "homework/class_list.html", {"classes": selectors.class_index(request.scope)})


@requires(H.VIEW_ALL, service=SERVICE)
def class_log(request: ScopedRequest, pk: int) -> HttpResponse:
    scope = request.scope
    school_class = access.get_consultable_class(scope, pk)
    log = selectors.class_log(scope, school_class, request.GET.get("page"))
    form = forms.VisaForm() if scope.has(H.VISA) else None
    return render(request, "homework/class_log.html", {"log": log, "page_obj": log.entries, "form": form})


@require_POST
@requires(H.VISA, service=SERVICE)
def class_visa(request: ScopedRequest, pk: int) -> HttpResponse:
    scope = request.scope
    school_class = access.get_consultable_class(scope, pk)
    form = forms.VisaForm(request.POST)
    if form.is_valid():
        try:
            services.visa_stamp(
                scope=scope,
                school_class=school_class,
                signed_on=form.cleaned_data["signed_on"],
                comment=form.cleaned_data["comment"],
            )
        except ApplicationError as error:
            show_error(request, error)
        else:
            messages.success(request, _("Visa recorded: the entries up to that date are now read-only."))
    else:
        messages.error(request, _("Give the date the visa covers."))
    return redirect("homework:class-log", school_class.pk)


# -- Work handed in ------------------------------------------------------------------------


@require_POST
@requires(H.VIEW, service=SERVICE)
def submission_create(request: ScopedRequest, pk: int) -> HttpResponse:
    scope = request.scope
    homework = access.get_homework(scope, pk)
    form = forms.SubmissionForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose the file to hand in."))
    else:
        try:
            submission = services.submission_save(scope=scope, homework=homework, upload=form.cleaned_data["file"])
        except ApplicationError as error:
            show_error(request, error)
        else:
            if submission.is_late:
                messages.success(request, _("Handed in, after the deadline: your teacher will see it as late."))
            else:
                messages.success(request, _("Handed in. You can replace it until the deadline."))
    return HttpResponseRedirect(reverse("homework:entry-detail", args=[homework.entry_id]) + f"#homework-{pk}")


@requires(H.WRITE, service=SERVICE)
def submission_list(request: ScopedRequest, pk: int) -> HttpResponse:
    scope = request.scope
    homework = access.get_teacher_homework(scope, pk)
    rows = selectors.hand_in_list(scope, homework)
    handed = sum(1 for row in rows if row.submission is not None)
    return render(
        request,
        "homework/submission_list.html",
        {"homework": homework, "rows": rows, "handed": handed, "missing": len(rows) - handed},
    )


@requires(H.WRITE, service=SERVICE)
def submission_zip(request: ScopedRequest, pk: int) -> HttpResponseBase:
    """All the work handed in for a homework, in one zip (named by student)."""
    scope = request.scope
    homework = access.get_teacher_homework(scope, pk)
    entries = []
    for row in selectors.hand_in_list(scope, homework):
        submission = row.submission
        if submission is None:
            continue
        late = "-late" if submission.is_late else ""
        name = f"{slugify(row.student.last_name)}-{slugify(row.student.first_name)}{late}-{submission.name}"
        entries.append(ZipEntry(name, submission.file.open, submission.submitted_at, submission.content_type))
    label = slugify(f"{homework.teaching.subject.name}-{homework.due_on:%Y-%m-%d}")
    return zip_response(entries, filename=f"{label}.zip")


@requires(H.VIEW, service=SERVICE)
def submission_download(request: ScopedRequest, pk: int) -> FileResponse:
    submission = access.get_submission(request.scope, pk)
    return download_response(submission.file, submission.name, submission.content_type)


@requires(H.VIEW, service=SERVICE)
def submission_corrected(request: ScopedRequest, pk: int) -> FileResponse:
    submission = access.get_submission(request.scope, pk)
    if not submission.corrected_file:
        raise Http404
    return download_response(submission.corrected_file, submission.corrected_name, submission.corrected_content_type)


@requires(H.WRITE, service=SERVICE)
def submission_return(request: ScopedRequest, pk: int) -> HttpResponse:
    scope = request.scope
    submission = access.get_returnable_submission(scope, pk)
    form = forms.ReturnForm(request.POST or None, request.FILES or None, initial={"feedback": submission.feedback})
    if request.method == "POST" and form.is_valid():
        try:
            services.submission_return(
                scope=scope,
                submission=submission,
                feedback=form.cleaned_data["feedback"],
                corrected=form.cleaned_data["corrected"],
            )
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            messages.success(request, _("Returned: the student and their guardians are notified."))
            return redirect("homework:submission-list", submission.homework_id)
    return render(request, "homework/submission_return.html", {"form": form, "submission": submission})
