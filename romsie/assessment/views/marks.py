"""The teachers' part: their assessments, an assessment's form and marks grid (one cell at a time with
the script), a teaching's gradebook and report-card comments, and the head's settings."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from romsie.core import exports, fragments, versions
from romsie.core.access.declarations import requires
from romsie.core.access.scope import Scope, ScopedRequest
from romsie.core.concurrency import StaleEdit
from romsie.core.errors import ApplicationError
from romsie.core.forms import show_error
from romsie.core.ids import parse_id
from romsie.schooling.models import Period, Teaching

from .. import access, averages, selectors, services, tasks
from ..forms_marks import (
    STATUS_SHORT,
    AssessmentForm,
    CellForm,
    GridForm,
    ReportCommentsForm,
    SettingsForm,
    SubjectWeightForm,
    delay_days,
    mark_summary,
    mark_text,
)
from ..habilitations import AssessmentHabilitation as H
from ..models import Assessment, Mark

SERVICE = "assessment"


def _period(scope: Scope, request: ScopedRequest) -> Period | None:
    """The period asked for (``?periode=``, checked), else the current one."""
    return access.chosen_period(scope, request.GET.get("periode"))


def _locked(scope: Scope, teaching: Teaching, period_id: int) -> bool:
    """Whether the period is locked for the person (the head may still change it)."""
    if scope.has(H.MANAGE):
        return False
    return access.period_locked(period_id=period_id, school_class_ids=services.teaching_class_ids(teaching))


def _locked_error() -> ApplicationError:
    return ApplicationError(_("This period is locked: its report cards are published. Ask the head to change it."))


def _not_graded_error() -> ApplicationError:
    return ApplicationError(_("This assessment evaluates competencies only: it takes no marks."))


def _figures(stats: averages.Stats | None) -> dict[str, Any] | None:
    if stats is None:
        return None
    return {
        "minimum": formats.localize(averages.rounded(stats.minimum)),
        "maximum": formats.localize(averages.rounded(stats.maximum)),
        "mean": formats.localize(averages.rounded(stats.mean)),
        "count": stats.count,
    }


# -- My assessments -------------------------------------------------------------------------------


@requires(H.GRADE, service=SERVICE)
def assessment_list(request: ScopedRequest) -> HttpResponse:
    """The person's teachings, each with its assessments of the chosen period.

    The list is a fragment cached under the teacher's ``assessment-teacher`` stamp (an assessment
    or a mark of theirs saved), the establishment's structure (classes, enrolments, teachings) and
    the day (what families see from when).
    """
    scope = request.scope
    period = _period(scope, request)
    today = access.today()

    def render_list() -> str:
        context = {"period": period, "teachings": selectors.teacher_assessments(scope, period), "today": today}
        return render_to_string("assessment/marks/_assessment_list_body.html", context, request)

    keys = [
        versions.key(versions.Kind.ASSESSMENT_TEACHER, scope.user_id),
        versions.key(versions.Kind.STRUCTURE, scope.establishment_id),
    ]
    stamp = (period.pk if period else None, today, sorted(scope.habilitations), *versions.stamp(*keys))
    return render(
        request,
        "assessment/marks/assessment_list.html",
        {
            "period": period,
            "periods": access.year_periods(scope),
            "body": fragments.cached(request, "assessment-list", stamp, render_list),
        },
    )


@requires(H.GRADE, service=SERVICE)
def assessment_create(request: ScopedRequest) -> HttpResponse:
    """A new assessment of one of the person's teachings (``?enseignement=<id>``)."""
    scope = request.scope
    teaching_id = parse_id(request.GET.get("enseignement"))
    if teaching_id is None:
        raise Http404
    teaching = access.get_own_teaching(scope, teaching_id)
    assert scope.establishment_id is not None
    form = AssessmentForm(request.POST or None, scope=scope, delay_days=delay_days(scope.establishment_id))
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.assessment_create(scope=scope, teaching=teaching, data=form.assessment_data())
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            messages.success(request, _("The assessment is created: enter its marks."))
            return redirect("assessment:grid", pk=assessment.pk)
    return render(request, "assessment/marks/assessment_form.html", {"form": form, "teaching": teaching})


@requires(H.GRADE, service=SERVICE)
def assessment_update(request: ScopedRequest, pk: int) -> HttpResponse:
    """Change an assessment (versioned: a change made meanwhile by someone else is shown, not lost)."""
    scope = request.scope
    assessment = access.get_editable_assessment(scope, pk)
    form = AssessmentForm(
        request.POST or None,
        instance=assessment,
        scope=scope,
        delay_days=delay_days(assessment.establishment_id),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.assessment_update(
                scope=scope,
                assessment=access.get_editable_assessment(scope, pk),
                data=form.assessment_data(),
                version=form.shown_version,
            )
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            messages.success(request, _("The assessment is saved."))
            return redirect("assessment:grid", pk=pk)
    return render(
        request,
        "assessment/marks/assessment_form.html",
        {
            "form": form,
            "teaching": assessment.teaching,
            "assessment": assessment,
            "locked": _locked(scope, assessment.teaching, assessment.period_id),
        },
    )


@requires(H.GRADE, service=SERVICE)
def assessment_delete(request: ScopedRequest, pk: int) -> HttpResponse:
    """Delete an assessment and its marks, after a confirmation page."""
    scope = request.scope
    assessment = access.get_editable_assessment(scope, pk)
    if request.method == "POST":
        try:
            services.assessment_delete(scope=scope, assessment=assessment)
        except ApplicationError as error:
            show_error(request, error)
            return redirect("assessment:grid", pk=pk)
        messages.success(request, _("The assessment and its marks are deleted."))
        return redirect(f"{reverse('assessment:assessment-list')}?periode={assessment.period_id}")
    return render(
        request,
        "assessment/marks/assessment_delete.html",
        {"assessment": assessment, "mark_count": selectors.mark_count(assessment)},
    )


@require_POST
@requires(H.GRADE, service=SERVICE)
def assessment_publish(request: ScopedRequest, pk: int) -> HttpResponse:
    """Show the marks to families from today; they are told once the notification runs."""
    scope = request.scope
    assessment = access.get_editable_assessment(scope, pk)
    try:
        tasks.assessment_publish_now(scope=scope, assessment=assessment)
    except ApplicationError as error:
        show_error(request, error)
    else:
        messages.success(request, _("The marks are shown to families from today."))
    return redirect("assessment:grid", pk=pk)


# -- The grid ---------------------------------------------------------------------------------------


@requires(H.GRADE, service=SERVICE)
def grid(request: ScopedRequest, pk: int) -> HttpResponse:
    """An assessment's marks: one form for every cell; the script saves each cell on change."""
    scope = request.scope
    assessment = access.get_editable_assessment(scope, pk)
    sheet = selectors.assessment_grid(assessment)
    locked = _locked(scope, assessment.teaching, assessment.period_id)
    form = GridForm(request.POST or None, grid=sheet)
    if request.method == "POST" and (locked or not assessment.graded):
        show_error(request, _locked_error() if locked else _not_graded_error(), form)
    elif request.method == "POST":
        form.is_valid()  # cells in error are left out and shown; the valid changed cells are saved
        try:
            outcome = services.marks_save(scope=scope, assessment=assessment, cells=form.changed_cells())
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            saved = outcome.saved
            if not outcome.refused and not form.errors:
                messages.success(
                    request,
                    ngettext("%(n)s mark saved.", "%(n)s marks saved.", len(saved)) % {"n": len(saved)}
                    if saved
                    else _("Nothing changed."),
                )
                return redirect("assessment:grid", pk=pk)
            form.show_outcome(saved, outcome.refused)
            sheet = selectors.assessment_grid(assessment)
            if saved:
                messages.success(
                    request,
                    ngettext(
                        "%(n)s mark saved; see the cells in error below.",
                        "%(n)s marks saved; see the cells in error below.",
                        len(saved),
                    )
                    % {"n": len(saved)},
                )
    form.describe_errors()
    return render(
        request,
        "assessment/marks/grid.html",
        {
            "assessment": assessment,
            "form": form,
            "figures": _figures(sheet.figures),
            "locked": locked,
            "published": assessment.publish_on <= access.today(),
            "status_short": STATUS_SHORT,
        },
    )


@require_POST
@requires(H.GRADE, service=SERVICE)
def cell_save(request: ScopedRequest, pk: int) -> JsonResponse:
    """Save one cell of the grid; answer its saved state and the class figures, or the error for that cell.

    A refusal the person can act on (bad input, changed meanwhile, locked) is an answer like any
    other (200, ``ok`` false), shown next to the cell; only a forged request gets a 400.
    """
    scope = request.scope
    assessment = access.get_editable_assessment(scope, pk)
    form = CellForm(request.POST, assessment=assessment)
    if not form.pk:
        return JsonResponse(
            {"ok": False, "errors": {"mark": _("This student does not follow this teaching.")}}, status=400
        )
    cell = form.cell() if form.is_valid() else None
    if cell is None:
        errors = {name.split("-")[0]: " ".join(str(e) for e in errs) for name, errs in form.errors.items()}
        return JsonResponse({"ok": False, "errors": errors})
    try:
        mark = services.mark_save(scope=scope, assessment=assessment, cell=cell)
    except StaleEdit as error:
        current = error.current if isinstance(error.current, Mark) else None
        return JsonResponse(
            {
                "ok": False,
                "conflict": True,
                "errors": {
                    "mark": _("Someone else changed this mark meanwhile: it is now %(theirs)s.")
                    % {"theirs": mark_summary(current)}
                    + " "
                    + _("Type yours again to replace it.")
                },
                **_cell_state(current),
                "figures": _figures(selectors.current_assessment_figures(assessment)),
            }
        )
    except ApplicationError as error:
        return JsonResponse({"ok": False, "errors": {"mark": error.message}})
    return JsonResponse(
        {"ok": True, **_cell_state(mark), "figures": _figures(selectors.current_assessment_figures(assessment))}
    )


def _cell_state(mark: Mark | None) -> dict[str, Any]:
    return {
        "mark": mark_text(mark.value) if mark else "",
        "status": mark.status if mark else "",
        "comment": mark.comment if mark else "",
        "version": mark.version if mark else None,
    }


# -- The gradebook -------------------------------------------------------------------------------------


def _gradebook(request: ScopedRequest, pk: int) -> tuple[Teaching, Period | None, selectors.Gradebook | None]:
    scope = request.scope
    teaching = access.get_own_teaching(scope, pk)
    period = _period(scope, request)
    return teaching, period, selectors.gradebook(teaching, period) if period is not None else None


@requires(H.GRADE, service=SERVICE)
def gradebook(request: ScopedRequest, pk: int) -> HttpResponse:
    """A teaching's marks of a period: students × assessments, averages and class figures."""
    teaching, period, book = _gradebook(request, pk)
    return render(
        request,
        "assessment/marks/gradebook.html",
        {
            "teaching": teaching,
            "period": period,
            "periods": access.year_periods(request.scope),
            "book": book,
            "status_short": STATUS_SHORT,
            "average_figures": _figures(book.average_figures) if book else None,
            "assessment_figures": [_figures(figures) for _a, figures in book.assessments] if book else [],
        },
    )


def _export_heading(assessment: Assessment) -> str:
    """An assessment's column in the export: title, date, scale and weight."""
    day = formats.date_format(assessment.date, "SHORT_DATE_FORMAT")
    return f"{assessment.title} ({day}, /{mark_text(assessment.out_of)}, ×{mark_text(assessment.weight)})"


def _cell_text(mark: Mark | None) -> str:
    if mark is None:
        return ""
    return mark_text(mark.value) if mark.value is not None else STATUS_SHORT.get(mark.status, mark.status)


@requires(H.GRADE, service=SERVICE)
def gradebook_export(request: ScopedRequest, pk: int) -> HttpResponse:
    """The gradebook as a spreadsheet (``?format=xlsx``) or CSV."""
    teaching, period, book = _gradebook(request, pk)
    if book is None or period is None:
        raise Http404
    header = [
        _("Last name"),
        _("First name"),
        *[_export_heading(a) for a, _f in book.assessments],
        _("Average"),
    ]
    xlsx = request.GET.get("format") == "xlsx"

    def number(mark: Mark | None) -> Any:
        if xlsx and mark is not None and mark.value is not None:
            return float(mark.value)
        return _cell_text(mark)

    def average(value: Decimal | None) -> Any:
        shown = averages.rounded(value)
        if shown is None:
            return ""
        return float(shown) if xlsx else mark_text(shown)

    rows = [
        [row.student.last_name, row.student.first_name, *[number(mark) for mark in row.marks], average(row.average)]
        for row in book.rows
    ]
    group = (
        teaching.school_class.name
        if teaching.school_class
        else teaching.teaching_group.name
        if teaching.teaching_group
        else ""
    )
    name = f"notes-{teaching.subject.name}-{group}-{period.name}".replace(" ", "-")
    if xlsx:
        return exports.xlsx_response(f"{name}.xlsx", header, rows, title=teaching.subject.name)
    return exports.csv_response(f"{name}.csv", header, rows)


# -- Report-card comments ----------------------------------------------------------------------------


@requires(H.GRADE, service=SERVICE)
def report_comments(request: ScopedRequest, pk: int) -> HttpResponse:
    """One report-card comment per student of the teaching for the period, beside their average."""
    scope = request.scope
    teaching = access.get_own_teaching(scope, pk)
    period = _period(scope, request)
    if period is None:
        raise Http404
    locked = _locked(scope, teaching, period.pk)
    rows = selectors.report_comment_rows(teaching, period)
    form = ReportCommentsForm(request.POST or None, rows=rows)
    if request.method == "POST" and locked:
        show_error(request, _locked_error(), form)
    elif request.method == "POST":
        form.is_valid()  # rows in error are left out and shown; the valid changed rows are saved
        try:
            saved, refused = services.report_comments_save(
                scope=scope, teaching=teaching, period=period, comments=form.changed_comments()
            )
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            if not refused and not form.errors:
                messages.success(
                    request,
                    ngettext("%(n)s comment saved.", "%(n)s comments saved.", len(saved)) % {"n": len(saved)}
                    if saved
                    else _("Nothing changed."),
                )
                return redirect(f"{reverse('assessment:report-comments', args=[pk])}?periode={period.pk}")
            form.show_outcome(saved, refused)
    return render(
        request,
        "assessment/marks/report_comments.html",
        {
            "teaching": teaching,
            "period": period,
            "periods": access.year_periods(scope),
            "form": form,
            "locked": locked,
        },
    )


# -- Settings -------------------------------------------------------------------------------------------


@requires(H.SETTINGS, service=SERVICE)
def settings(request: ScopedRequest) -> HttpResponse:
    """The establishment's publication delay, report cards' style and subjects' weights."""
    scope = request.scope
    assert scope.establishment_id is not None
    current = selectors.assessment_settings(scope.establishment_id)
    form = SettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.settings_update(
                scope=scope,
                publication_delay_days=form.cleaned_data["publication_delay_days"],
                report_heading=form.cleaned_data["report_heading"],
                report_colour=form.cleaned_data["report_colour"],
                version=form.shown_version,
            )
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            messages.success(request, _("The settings are saved."))
            return redirect("assessment:settings")
    return render(
        request,
        "assessment/marks/settings.html",
        {
            "form": form,
            "weights": selectors.subject_weight_list(scope.establishment_id),
            "weight_form": SubjectWeightForm(scope=scope, auto_id="id_new_%s"),
        },
    )


@requires(H.SETTINGS, service=SERVICE)
def subject_weight_create(request: ScopedRequest) -> HttpResponse:
    """Set a subject's weight for a level or every level."""
    return _subject_weight_form(request, None)


@requires(H.SETTINGS, service=SERVICE)
def subject_weight_update(request: ScopedRequest, pk: int) -> HttpResponse:
    """Change a subject's weight (versioned)."""
    return _subject_weight_form(request, pk)


def _subject_weight_form(request: ScopedRequest, pk: int | None) -> HttpResponse:
    scope = request.scope
    row = access.get_subject_weight(scope, pk) if pk is not None else None
    form = SubjectWeightForm(request.POST or None, instance=row, scope=scope)
    if request.method == "POST" and form.is_valid():
        try:
            services.subject_weight_save(
                scope=scope,
                subject=form.cleaned_data["subject"],
                level=form.cleaned_data.get("level"),
                weight=form.cleaned_data["weight"],
                edited=access.get_subject_weight(scope, pk) if pk is not None else None,
                version=form.shown_version,
            )
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            messages.success(request, _("The subject's weight is saved."))
            return redirect("assessment:settings")
    return render(request, "assessment/marks/subject_weight_form.html", {"form": form, "row": row})


@requires(H.SETTINGS, service=SERVICE)
def subject_weight_delete(request: ScopedRequest, pk: int) -> HttpResponse:
    """Remove a subject's weight, after a confirmation page."""
    scope = request.scope
    row = access.get_subject_weight(scope, pk)
    if request.method == "POST":
        services.subject_weight_delete(scope=scope, row=row)
        messages.success(request, _("The subject's weight is removed: it weighs 1."))
        return redirect("assessment:settings")
    return render(request, "assessment/marks/subject_weight_delete.html", {"row": row})
