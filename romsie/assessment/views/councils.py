"""The classes' results, the class councils, report cards (generation, progress, publication), the LSU export.

Who: the homeroom teacher (``assessment.council``) for their classes, the head
(``assessment.manage``) for every class. Staff reads of a class's marks are audited.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from romsie.core import exports
from romsie.core.access.declarations import requires
from romsie.core.access.scope import Scope, ScopedRequest
from romsie.core.errors import ApplicationError
from romsie.core.forms import show_error
from romsie.core.ids import parse_id
from romsie.core.services import audit_record
from romsie.schooling.models import Period, SchoolClass

from .. import access, averages, lsu, selectors, services, tasks
from ..forms_councils import CouncilForm, DecisionForm
from ..habilitations import AssessmentHabilitation as H
from ..models import Council, ReportCardRun

SERVICE = "assessment"
PERIOD = "periode"


def _follows_classes(scope: Scope) -> None:
    """Only the homeroom teachers and the head follow whole classes."""
    if not (scope.has(H.COUNCIL) or scope.has(H.MANAGE)):
        raise PermissionDenied


def _period(request: ScopedRequest) -> Period | None:
    """The period chosen in the query string (404 if not one of the year's), else the current one."""
    return access.chosen_period(request.scope, request.GET.get(PERIOD))


def _period_or_404(request: ScopedRequest) -> Period:
    period = _period(request)
    if period is None:
        raise Http404
    return period


def _with_period(url_name: str, pk: int, period: Period) -> str:
    return f"{reverse(url_name, kwargs={'pk': pk})}?{PERIOD}={period.pk}"


def figure(value: Decimal | None) -> Decimal | None:
    """A figure as shown (rounded once, for display)."""
    return averages.rounded(value)


# -- My classes ----------------------------------------------------------------------------------


@requires(H.VIEW, service=SERVICE)
def class_list(request: ScopedRequest) -> HttpResponse:
    """The classes the person follows for a period, with their councils' and report cards' state."""
    scope = request.scope
    _follows_classes(scope)
    period = _period(request)
    classes = list(access.followed_classes(scope).select_related("level").order_by("level__order", "name", "pk"))
    levels = sorted({(c.level.order, c.level_id, c.level.name) for c in classes})
    level_id = parse_id(request.GET.get("niveau"))
    if level_id is not None:
        classes = [c for c in classes if c.level_id == level_id]
    overview = selectors.classes_overview(classes=classes, period_id=period.pk) if period else {}
    context = {
        "period": period,
        "periods": access.year_periods(scope),
        "levels": [(pk, name) for _order, pk, name in levels],
        "level_id": level_id,
        "rows": [(c, overview.get(c.pk, {})) for c in classes],
        "manager": scope.has(H.MANAGE),
    }
    return render(request, "assessment/councils/class_list.html", context)


# -- A class's results ---------------------------------------------------------------------------


def _results(request: ScopedRequest, pk: int) -> tuple[SchoolClass, Period, selectors.ClassSheet]:
    scope = request.scope
    _follows_classes(scope)
    school_class = access.get_followed_class(scope, pk)
    period = _period_or_404(request)
    sheet = selectors.class_sheet(school_class=school_class, period=period, with_comments=False)
    _audit_read(scope, school_class, period)
    return school_class, period, sheet


def _audit_read(scope: Scope, school_class: SchoolClass, period: Period) -> None:
    """A staff read of a whole class's marks goes to the audit log."""
    if access.read_needs_audit(scope, school_class_id=school_class.pk):
        audit_record(
            scope=scope,
            action="assessment.class_read",
            target=school_class,
            school_class=school_class.pk,
            period=period.pk,
        )


@requires(H.VIEW, service=SERVICE)
def class_results(request: ScopedRequest, pk: int) -> HttpResponse:
    """Students × subjects: averages, overall averages, class figures, absences and lateness."""
    school_class, period, sheet = _results(request, pk)
    context = {
        "school_class": school_class,
        "period": period,
        "periods": access.year_periods(request.scope),
        "sheet": sheet,
        "rows": _result_rows(sheet),
        "subjects": [(s, _figures(s.figures)) for s in sheet.subjects],
    }
    return render(request, "assessment/councils/class_results.html", context)


def _figures(stats: averages.Stats | None) -> tuple[Decimal | None, Decimal | None, Decimal | None]:
    if stats is None:
        return (None, None, None)
    return (figure(stats.minimum), figure(stats.mean), figure(stats.maximum))


def _result_rows(sheet: selectors.ClassSheet) -> list[dict[str, Any]]:
    rows = []
    for student, subjects, overall in sheet.rows():
        rows.append(
            {
                "student": student,
                "averages": [figure(average) for _subject, average, _comment in subjects],
                "overall": figure(overall),
                "totals": sheet.totals.get(student.pk),
            }
        )
    return rows


@requires(H.VIEW, service=SERVICE)
def class_results_export(request: ScopedRequest, pk: int) -> HttpResponse:
    """The class's results as a spreadsheet (``?format=xlsx``) or CSV."""
    school_class, period, sheet = _results(request, pk)
    header = [
        _("Last name"),
        _("First name"),
        *[subject.name for subject in sheet.subjects],
        _("Overall average"),
        _("Half-days of absence"),
        _("Not justified"),
        _("Lateness"),
    ]
    rows: list[list[Any]] = []
    for row in _result_rows(sheet):
        totals = row["totals"]
        rows.append(
            [
                row["student"].last_name,
                row["student"].first_name,
                *[float(value) if value is not None else "" for value in row["averages"]],
                float(row["overall"]) if row["overall"] is not None else "",
                totals.half_days if totals else 0,
                totals.unjustified if totals else 0,
                totals.lateness if totals else 0,
            ]
        )
    name = f"{_('results')}-{school_class.code or school_class.name}-{period.name}"
    if request.GET.get("format") == "xlsx":
        return exports.xlsx_response(f"{name}.xlsx", header, rows, title=school_class.name)
    return exports.csv_response(f"{name}.csv", header, rows)


# -- The class council ---------------------------------------------------------------------------


@requires(H.VIEW, service=SERVICE)
def council_page(request: ScopedRequest, pk: int) -> HttpResponse:
    """The class council: per student, averages and teachers' comments, absences, and the council's words."""
    scope = request.scope
    _follows_classes(scope)
    school_class = access.get_followed_class(scope, pk)
    period = _period_or_404(request)
    try:
        the_council = services.council_open(scope=scope, school_class=school_class, period=period)
    except ApplicationError as error:
        show_error(request, error)
        return redirect("assessment:class-list")
    sheet = selectors.class_sheet(school_class=school_class, period=period, council_id=the_council.pk)
    if request.method != "POST":
        _audit_read(scope, school_class, period)
    data = request.POST if request.method == "POST" else None
    council_form = CouncilForm(data, edited=the_council, prefix="council")
    forms = [
        DecisionForm(data, edited=sheet.decisions.get(student.pk), prefix=f"s{student.pk}")
        for student in sheet.students
    ]
    editable = services.council_editable(scope, the_council)
    if request.method == "POST":
        if not editable:
            show_error(request, services.refusal(scope, the_council))
            return redirect(_with_period("assessment:council", school_class.pk, period))
        if _save(request, the_council, council_form, forms, sheet):
            return _after_save(request, the_council, school_class, period)
    context = {
        "school_class": school_class,
        "period": period,
        "periods": access.year_periods(scope),
        "council": the_council,
        "council_form": council_form,
        "editable": editable,
        "manager": scope.has(H.MANAGE),
        "students": _council_rows(sheet, forms),
        "subjects": sheet.subjects,
        "run": access.latest_run(the_council),
        "cards": list(access.council_report_cards(the_council)),
        "Status": Council.Status,
    }
    return render(request, "assessment/councils/council.html", context)


def _council_rows(sheet: selectors.ClassSheet, forms: list[DecisionForm]) -> list[dict[str, Any]]:
    rows = []
    for (student, subjects, overall), form in zip(sheet.rows(), forms, strict=True):
        rows.append(
            {
                "student": student,
                "subjects": [(subject, figure(average), comment) for subject, average, comment in subjects],
                "overall": figure(overall),
                "totals": sheet.totals.get(student.pk),
                "form": form,
            }
        )
    return rows


def _save(
    request: ScopedRequest, the_council: Council, council_form: CouncilForm, forms: list[DecisionForm], sheet: Any
) -> bool:
    """Save every changed row; a refused row keeps what was typed, the others are saved. All saved: True."""
    scope = request.scope
    saved, failed = 0, 0
    if council_form.is_valid():
        if council_form.changed():
            try:
                services.council_update(
                    scope=scope,
                    council=the_council,
                    class_comment=council_form.cleaned_data["class_comment"],
                    held_on=council_form.cleaned_data["held_on"],
                    version=council_form.shown_version,
                )
                saved += 1
            except ApplicationError as error:
                show_error(request, error, council_form)
                failed += 1
    else:
        failed += 1
    for student, form in zip(sheet.students, forms, strict=True):
        if not form.is_valid():
            failed += 1
            continue
        if not form.changed():
            continue
        try:
            services.council_decision_save(
                scope=scope,
                council=the_council,
                student_id=student.pk,
                general_comment=form.cleaned_data["general_comment"],
                mention=form.cleaned_data["mention"],
                decision=form.cleaned_data["decision"],
                version=form.shown_version,
            )
            saved += 1
        except ApplicationError as error:
            show_error(request, error, form)
            failed += 1
    if failed:
        messages.error(
            request,
            _("%(saved)d saved; %(failed)d could not be saved: see the messages below, what you typed is kept.")
            % {"saved": saved, "failed": failed},
        )
        return False
    return True


def _after_save(
    request: ScopedRequest, the_council: Council, school_class: SchoolClass, period: Period
) -> HttpResponse:
    """Everything saved: run the status action of the button pressed, if any."""
    scope = request.scope
    action = request.POST.get("action", "save")
    actions = {
        "prepare": (services.council_prepare, _("The council is prepared: the head can validate it.")),
        "validate": (services.council_validate, _("The council is validated: generate the report cards.")),
        "send_back": (services.council_send_back, _("The council is sent back to the homeroom teacher.")),
    }
    if action in actions:
        run, done = actions[action]
        try:
            run(scope=scope, council=the_council)
        except ApplicationError as error:
            show_error(request, error)
        else:
            messages.success(request, done)
    else:
        messages.success(request, _("The council is saved."))
    return redirect(_with_period("assessment:council", school_class.pk, period))


# -- Report cards: generation, progress, publication ---------------------------------------------


def _class_council(request: ScopedRequest, pk: int) -> tuple[SchoolClass, Period, Council]:
    scope = request.scope
    _follows_classes(scope)
    school_class = access.get_followed_class(scope, pk)
    period = _period_or_404(request)
    return school_class, period, access.get_class_council(scope, school_class, period)


@require_POST
@requires(H.MANAGE, service=SERVICE)
def report_cards_generate(request: ScopedRequest, pk: int) -> HttpResponse:
    """Start generating the class's report cards in the background, then follow the progress."""
    school_class, period, the_council = _class_council(request, pk)
    try:
        run = tasks.report_cards_request(scope=request.scope, council=the_council)
    except ApplicationError as error:
        show_error(request, error)
        return redirect(_with_period("assessment:council", school_class.pk, period))
    return redirect("assessment:report-cards-progress", pk=school_class.pk, run=run.pk)


@requires(H.VIEW, service=SERVICE)
def report_cards_progress(request: ScopedRequest, pk: int, run: int) -> HttpResponse:
    """A generation's progress bar (``?json=1``: its state, read by the page's script), then the files."""
    scope = request.scope
    _follows_classes(scope)
    school_class = access.get_followed_class(scope, pk)
    the_run = access.get_report_card_run(scope, school_class, run)
    finished = the_run.status in (ReportCardRun.Status.DONE, ReportCardRun.Status.FAILED)
    percent = 100 if the_run.status == ReportCardRun.Status.DONE else _percent(the_run)
    if request.GET.get("json") == "1":
        return JsonResponse(
            {
                "status": the_run.status,
                "label": the_run.get_status_display(),
                "done": the_run.done,
                "total": the_run.total,
                "percent": percent,
                "finished": finished,
                "error": the_run.error,
            }
        )
    the_council = the_run.council
    context = {
        "school_class": school_class,
        "period": the_council.period,
        "council": the_council,
        "run": the_run,
        "percent": percent,
        "finished": finished,
        "cards": list(access.council_report_cards(the_council)) if the_run.status == ReportCardRun.Status.DONE else [],
        "manager": scope.has(H.MANAGE),
    }
    return render(request, "assessment/councils/progress.html", context)


def _percent(run: ReportCardRun) -> int:
    return int(run.done * 100 / run.total) if run.total else 0


@require_POST
@requires(H.MANAGE, service=SERVICE)
def council_publish(request: ScopedRequest, pk: int) -> HttpResponse:
    """Publish the class's report cards to the students and their guardians; the period locks."""
    school_class, period, the_council = _class_council(request, pk)
    try:
        services.council_publish(scope=request.scope, council=the_council)
    except ApplicationError as error:
        show_error(request, error)
    else:
        messages.success(request, _("The report cards are published: the students and their guardians are told."))
    return redirect(_with_period("assessment:council", school_class.pk, period))


@require_POST
@requires(H.MANAGE, service=SERVICE)
def council_reopen(request: ScopedRequest, pk: int) -> HttpResponse:
    """Take published report cards back: families lose access, changes are allowed again."""
    school_class, period, the_council = _class_council(request, pk)
    try:
        services.council_reopen(scope=request.scope, council=the_council)
    except ApplicationError as error:
        show_error(request, error)
    else:
        messages.success(request, _("The report cards are taken back: families no longer see them."))
    return redirect(_with_period("assessment:council", school_class.pk, period))


# -- LSU export ----------------------------------------------------------------------------------


@requires(H.MANAGE, service=SERVICE)
def lsu_export(request: ScopedRequest) -> HttpResponse:
    """The national LSU file of the establishment for a period (``?periode=``), or the choice of the period."""
    scope = request.scope
    chosen = parse_id(request.GET.get(PERIOD))
    if chosen is None:
        context = {
            "periods": access.year_periods(scope),
            "period": access.current_period(scope),
        }
        return render(request, "assessment/councils/lsu.html", context)
    period = access.get_period(scope, chosen)
    assert scope.establishment is not None  # a period was found in it
    content = lsu.export(scope=scope, period=period)
    audit_record(scope=scope, action="assessment.lsu_export", target=period, period=period.pk)
    response = HttpResponse(content, content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="lsu-{scope.establishment.uai}-{period.pk}.xml"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
