"""Competencies: the establishment's items, the grids of levels, a student's record, a class's view.

Teachers and the head keep the establishment's items under the eight national components; a
teacher evaluates a class of one of their teachings on a competency in one grid (or the
competencies an assessment lists); staff who may see a student read their record over the
current cycle (audited beyond their own teachings); a student or a parent reads their own.
"""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from romsie.core.access.declarations import requires
from romsie.core.access.scope import Scope, ScopedRequest
from romsie.core.errors import ApplicationError
from romsie.core.forms import BoundedDateField, VersionedForm, show_error
from romsie.core.ids import parse_id
from romsie.identity.models import User
from romsie.schooling.models import Teaching

from .. import access, selectors, services
from ..forms_competencies import CYCLE_CHOICES, CompetencyForm, LevelGridForm
from ..habilitations import AssessmentHabilitation as H
from ..models import Assessment, Competency, CompetencyEvaluation

SERVICE = "assessment"
RECENT_ASSESSMENTS = 20


def _is_staff(scope: Scope) -> bool:
    """Teachers, homeroom teachers and the head: the people who read competencies beyond their own."""
    return scope.has(H.GRADE) or scope.has(H.COUNCIL) or scope.has(H.MANAGE) or scope.has(H.SETTINGS)


def _may_edit_items(scope: Scope) -> bool:
    return scope.has(H.GRADE) or scope.has(H.SETTINGS)


def _own_teachings(scope: Scope) -> list[Teaching]:
    teachings = access.own_teachings(scope).select_related("subject", "school_class", "teaching_group")
    return list(teachings.order_by("subject__name", "pk"))


def _teaching_name(teaching: Teaching) -> str:
    group = teaching.school_class or teaching.teaching_group
    return f"{teaching.subject.name} — {group.name if group else ''}"


# -- The establishment's competencies ---------------------------------------------------------------


@requires(H.VIEW, service=SERVICE)
def competency_list(request: ScopedRequest) -> HttpResponse:
    """The national components and the establishment's items under them, by cycle."""
    scope = request.scope
    if not _is_staff(scope):
        raise PermissionDenied
    mine = selectors.person_cycles(scope)
    wanted = request.GET.get("cycle")
    cycles: set[int] | None
    if wanted == "all":
        cycles = None
    elif wanted in {"2", "3", "4"}:
        cycles = {int(wanted)}
    else:
        cycles = mine or None
        wanted = "" if mine else "all"
    teachings = _own_teachings(scope)
    context = {
        "tree": selectors.competency_tree(scope, cycles=cycles),
        "cycles": sorted(cycles) if cycles else [],
        "my_cycles": sorted(mine),
        "cycle_choices": CYCLE_CHOICES,
        "wanted": wanted,
        "may_edit": _may_edit_items(scope),
        "teachings": [(teaching, _teaching_name(teaching)) for teaching in teachings],
        "classes": list(access.followed_classes(scope).select_related("level").order_by("level__order", "name")),
        "assessments": selectors.assessments_with_competencies(scope, limit=RECENT_ASSESSMENTS),
    }
    return render(request, "assessment/competencies/list.html", context)


def _item_form_values(form: CompetencyForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "component": data["component"],
        "cycle": data["cycle"],
        "subject": data.get("subject"),
        "code": data.get("code") or "",
        "name": data["name"],
    }


@requires(H.VIEW, service=SERVICE)
def competency_create(request: ScopedRequest) -> HttpResponse:
    """Add an item of the establishment under a national component."""
    scope = request.scope
    if not _may_edit_items(scope):
        raise PermissionDenied
    form = CompetencyForm(request.POST or None, scope=scope)
    if request.method == "POST" and form.is_valid():
        try:
            competency = services.competency_create(scope=scope, **_item_form_values(form))
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            messages.success(request, _("The competency “%(name)s” was added.") % {"name": competency.name})
            return redirect(f"{reverse('assessment:competency-list')}?cycle={competency.cycle}")
    return render(request, "assessment/competencies/form.html", {"form": form, "competency": None})


@requires(H.VIEW, service=SERVICE)
def competency_update(request: ScopedRequest, pk: int) -> HttpResponse:
    """Change an item of the establishment (one already evaluated keeps its component and cycle)."""
    scope = request.scope
    competency = access.get_editable_competency(scope, pk)
    evaluated = competency.evaluations.exists()
    form = CompetencyForm(request.POST or None, instance=competency, scope=scope, evaluated=evaluated)
    if request.method == "POST" and form.is_valid():
        try:
            services.competency_update(
                scope=scope, competency=competency, version=form.shown_version, **_item_form_values(form)
            )
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            messages.success(request, _("The competency was saved."))
            return redirect(f"{reverse('assessment:competency-list')}?cycle={competency.cycle}")
    context = {"form": form, "competency": competency, "evaluated": evaluated}
    return render(request, "assessment/competencies/form.html", context)


@requires(H.VIEW, service=SERVICE)
def competency_delete(request: ScopedRequest, pk: int) -> HttpResponse:
    """Remove an item of the establishment that was never evaluated."""
    scope = request.scope
    competency = access.get_editable_competency(scope, pk)
    form = VersionedForm(request.POST or None, edited=competency)
    evaluated = competency.evaluations.exists()
    if request.method == "POST" and form.is_valid():
        try:
            services.competency_delete(scope=scope, competency=competency, version=form.shown_version)
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            messages.success(request, _("The competency was deleted."))
            return redirect(f"{reverse('assessment:competency-list')}?cycle={competency.cycle}")
    context = {"form": form, "competency": competency, "evaluated": evaluated}
    return render(request, "assessment/competencies/delete.html", context)


# -- Grids of levels ----------------------------------------------------------------------------------


class GridChooserForm(forms.Form):
    """Which class grid to open: one of one's teachings, a competency, a day (today by default)."""

    enseignement = forms.ChoiceField(label=gettext_lazy("Teaching"))
    competence = forms.ChoiceField(label=gettext_lazy("Competency"))
    date = BoundedDateField(label=gettext_lazy("Date"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, teachings: list[Teaching], tree: list[selectors.ComponentItems], **kwargs: Any):
        super().__init__(*args, **kwargs)
        teaching_field, competency_field = self.fields["enseignement"], self.fields["competence"]
        assert isinstance(teaching_field, forms.ChoiceField) and isinstance(competency_field, forms.ChoiceField)
        teaching_field.choices = [("", "—")] + [(str(t.pk), _teaching_name(t)) for t in teachings]
        choices: list[Any] = [("", "—")]
        for group in tree:
            options = [(str(group.component.pk), str(group.component))]
            options += [(str(item.pk), f"{item.code} {item.name}") for item in group.items]
            choices.append((str(group.component), options))
        competency_field.choices = choices

    def clean_date(self) -> datetime.date:
        day: datetime.date = self.cleaned_data["date"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("Choose today or a day before: a level is given for work done."))
        return day


def _conflict_message(current: CompetencyEvaluation | None) -> str:
    if current is None:
        return _("Removed meanwhile (another window): your choice was not saved. Save again to keep it.")
    return _(
        "Changed meanwhile (another window) to “%(level)s”: your choice was not saved. Save again to replace it."
    ) % {"level": current.get_level_display()}


def _grid_after_conflicts(
    request: ScopedRequest,
    *,
    scope: Scope,
    outcome: services.GridOutcome,
    students: list[User],
    competencies: list[Competency],
    on: datetime.date,
    radios: bool,
) -> LevelGridForm:
    """The grid again: every cell carries the version it has now, the refused ones the person's choice."""
    cells = selectors.grid_cells(
        establishment_id=scope.establishment_id or 0,
        teacher_id=scope.user_id or 0,
        student_ids=[student.pk for student in students],
        competency_ids=[competency.pk for competency in competencies],
        on=on,
    )
    data = QueryDict(mutable=True)
    data.update(request.POST)
    for (student_id, competency_id), cell in cells.items():
        key = f"{student_id}-{competency_id}"
        mine = cell.mine
        data[f"version-{key}"] = str(mine.version) if mine is not None else ""
        data[f"shown-{key}"] = str(mine.level) if mine is not None else ""
        if (student_id, competency_id) not in outcome.conflicts:
            data[f"level-{key}"] = str(mine.level) if mine is not None else ""
    form = LevelGridForm(data, students=students, competencies=competencies, cells=cells, radios=radios)
    form.is_valid()
    for (student_id, competency_id), current in outcome.conflicts.items():
        form.add_error(f"level-{student_id}-{competency_id}", _conflict_message(current))
    return form


def _save_grid(
    request: ScopedRequest,
    form: LevelGridForm,
    *,
    teaching: Teaching,
    on: datetime.date,
    assessment: Assessment | None,
) -> LevelGridForm | None:
    """Save a posted grid; None when every cell was saved, else the grid to show again."""
    scope = request.scope
    try:
        outcome = services.evaluations_save(
            scope=scope, teaching=teaching, on=on, entries=form.entries(), assessment=assessment
        )
    except ApplicationError as error:
        show_error(request, error, form)
        return form
    if not outcome.conflicts:
        messages.success(request, _("The levels were saved."))
        return None
    messages.warning(
        request,
        _("%(saved)s level(s) saved; %(refused)s changed meanwhile, shown below, were not saved.")
        % {"saved": outcome.saved, "refused": len(outcome.conflicts)},
    )
    return _grid_after_conflicts(
        request,
        scope=scope,
        outcome=outcome,
        students=form.students,
        competencies=form.competencies,
        on=on,
        radios=form.radios,
    )


def _grid_form(
    request: ScopedRequest, *, teaching: Teaching, competencies: list[Competency], on: datetime.date, radios: bool
) -> LevelGridForm:
    """The grid of the teaching's students on the competencies that day, bound to a POST."""
    scope = request.scope
    students = list(access.teaching_students(teaching))
    cells = selectors.grid_cells(
        establishment_id=scope.establishment_id or 0,
        teacher_id=scope.user_id or 0,
        student_ids=[student.pk for student in students],
        competency_ids=[competency.pk for competency in competencies],
        on=on,
    )
    data = request.POST if request.method == "POST" else None
    return LevelGridForm(data, students=students, competencies=competencies, cells=cells, radios=radios)


@requires(H.GRADE, service=SERVICE)
def competency_grid(request: ScopedRequest) -> HttpResponse:
    """Evaluate the students of one of one's teachings on a competency, one row per student."""
    scope = request.scope
    teaching_id = parse_id(request.GET.get("enseignement"))
    competency_id = parse_id(request.GET.get("competence"))
    teaching = access.get_own_teaching(scope, teaching_id) if teaching_id is not None else None
    competency = access.get_competency(scope, competency_id) if competency_id is not None else None
    teachings = _own_teachings(scope)
    tree = selectors.competency_tree(scope)
    chooser = GridChooserForm(
        {**request.GET.dict(), "date": request.GET.get("date") or timezone.localdate().isoformat()},
        teachings=teachings,
        tree=tree,
    )
    if teaching is None or competency is None or not chooser.is_valid():
        if teaching is None or competency is None:
            # Not chosen yet: the choices so far, no error.
            initial = {"enseignement": teaching_id, "competence": competency_id, "date": timezone.localdate()}
            chooser = GridChooserForm(initial=initial, teachings=teachings, tree=tree)
        return render(request, "assessment/competencies/grid.html", {"chooser": chooser, "form": None})
    on: datetime.date = chooser.cleaned_data["date"]
    form = _grid_form(request, teaching=teaching, competencies=[competency], on=on, radios=True)
    if request.method == "POST" and form.is_valid():
        again = _save_grid(request, form, teaching=teaching, on=on, assessment=None)
        if again is None:
            query_string = urlencode({"enseignement": teaching.pk, "competence": competency.pk, "date": on.isoformat()})
            return redirect(f"{request.path}?{query_string}")
        form = again
    context = {
        "chooser": chooser,
        "form": form,
        "teaching": teaching,
        "teaching_name": _teaching_name(teaching),
        "competency": competency,
        "on": on,
    }
    return render(request, "assessment/competencies/grid.html", context)


@requires(H.GRADE, service=SERVICE)
def assessment_competencies(request: ScopedRequest, pk: int) -> HttpResponse:
    """Levels of the students of an assessment on the competencies it lists (a select per cell)."""
    scope = request.scope
    assessment = access.get_editable_assessment(scope, pk)
    teaching = assessment.teaching
    competencies = list(assessment.competencies.order_by("order", "code"))
    locked = not scope.has(H.MANAGE) and selectors.levels_locked(teaching, assessment.date)
    form = _grid_form(request, teaching=teaching, competencies=competencies, on=assessment.date, radios=False)
    if request.method == "POST":
        if locked:
            messages.error(request, _("The report cards of this period are published: levels can no longer change."))
            return redirect(request.path)
        if form.is_valid():
            again = _save_grid(request, form, teaching=teaching, on=assessment.date, assessment=assessment)
            if again is None:
                return redirect(request.path)
            form = again
    context = {
        "assessment": assessment,
        "teaching_name": _teaching_name(teaching),
        "form": form,
        "competencies": competencies,
        "locked": locked,
    }
    return render(request, "assessment/competencies/assessment.html", context)


# -- Records ------------------------------------------------------------------------------------------


@requires(H.VIEW, service=SERVICE)
def competency_record(request: ScopedRequest, pk: int) -> HttpResponse:
    """A student's competencies over the current cycle, for the staff who may see them."""
    scope = request.scope
    if not _is_staff(scope):
        raise PermissionDenied
    student = access.get_student(scope, pk)
    services.competency_read(scope=scope, student=student)
    record = selectors.competency_record(establishment_id=scope.establishment_id or 0, student=student)
    return render(request, "assessment/competencies/record.html", {"record": record, "mine": False})


@requires(H.VIEW, service=SERVICE)
def my_competencies(request: ScopedRequest) -> HttpResponse:
    """One's own competencies (a student) or the chosen child's (a parent)."""
    scope = request.scope
    student_id = access.followed_student_id(scope)
    if student_id is None:
        raise PermissionDenied
    student = access.get_student(scope, student_id)
    record = selectors.competency_record(establishment_id=scope.establishment_id or 0, student=student, families=True)
    return render(request, "assessment/competencies/record.html", {"record": record, "mine": True})


@requires(H.VIEW, service=SERVICE)
def competency_class(request: ScopedRequest, pk: int) -> HttpResponse:
    """A class's students and their level per national component (homeroom teacher, head)."""
    scope = request.scope
    if not _is_staff(scope):
        raise PermissionDenied
    school_class = access.get_followed_class(scope, pk)
    services.competency_read(scope=scope, school_class=school_class)
    figures = selectors.class_competencies(establishment_id=scope.establishment_id or 0, school_class=school_class)
    return render(request, "assessment/competencies/class.html", {"figures": figures})
