"""Forms of competencies: an establishment's item, and the grids of levels."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from romsie.core.access.scope import Scope
from romsie.core.forms import VersionedForm
from romsie.schooling.models import Subject

from .models import Competency, CompetencyLevel
from .selectors import GridCell
from .services import LevelEntry

CYCLE_CHOICES = [
    (2, gettext_lazy("Cycle 2 (CP–CE2)")),
    (3, gettext_lazy("Cycle 3 (CM1–6e)")),
    (4, gettext_lazy("Cycle 4 (5e–3e)")),
]
LEVEL_FIELD = re.compile(r"^level-(\d+)-(\d+)$")
NOT_EVALUATED = ""


class CompetencyForm(VersionedForm, forms.ModelForm):  # type: ignore[type-arg]
    """An item of the establishment under a national component, for a cycle."""

    cycle = forms.TypedChoiceField(label=gettext_lazy("Cycle"), choices=CYCLE_CHOICES, coerce=int)

    class Meta:
        model = Competency
        fields = ["component", "cycle", "subject", "code", "name"]
        help_texts = {"code": gettext_lazy("Made up from the component and the cycle when left empty.")}

    def __init__(self, *args: Any, scope: Scope, evaluated: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        component = self.fields["component"]
        assert isinstance(component, forms.ModelChoiceField)
        component.queryset = Competency.objects.filter(establishment__isnull=True).order_by("order", "code")
        component.required = True
        component.empty_label = None
        subject = self.fields["subject"]
        assert isinstance(subject, forms.ModelChoiceField)
        subject.queryset = Subject.objects.filter(establishment_id=scope.establishment_id).order_by("name")
        subject.empty_label = _("Every subject")
        self.fields["code"].required = False
        if evaluated:
            # An evaluated item keeps its place: its levels count for that component and cycle.
            for name in ("component", "cycle"):
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Already evaluated: it stays under this component and cycle.")


class LevelGridForm(forms.Form):
    """A level per (student, competency) cell, each with the version and level the page showed.

    Radio buttons (a group per student) for a grid of one competency, a select per cell for the
    grid of an assessment. A level posted for a student who is not in the grid is refused whole.
    """

    def __init__(
        self,
        *args: Any,
        students: list[Any],
        competencies: list[Competency],
        cells: dict[tuple[int, int], GridCell],
        radios: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.students = students
        self.competencies = competencies
        self.cells = cells
        self.radios = radios
        choices = [(NOT_EVALUATED, _("Not evaluated")), *CompetencyLevel.choices]
        for student in students:
            for competency in competencies:
                cell = cells[(student.pk, competency.pk)]
                key = f"{student.pk}-{competency.pk}"
                mine = cell.mine
                self.fields[f"level-{key}"] = forms.TypedChoiceField(
                    label=f"{student.last_name} {student.first_name} — {competency.name}",
                    choices=choices,
                    coerce=int,
                    empty_value=None,
                    required=False,
                    initial=mine.level if mine is not None else NOT_EVALUATED,
                    widget=forms.RadioSelect if radios else forms.Select,
                    error_messages={"invalid_choice": _("Choose one of the four levels, or “Not evaluated”.")},
                )
                self.fields[f"version-{key}"] = forms.IntegerField(
                    widget=forms.HiddenInput, required=False, min_value=0, initial=mine.version if mine else None
                )
                self.fields[f"shown-{key}"] = forms.TypedChoiceField(
                    widget=forms.HiddenInput,
                    choices=choices,
                    coerce=int,
                    empty_value=None,
                    required=False,
                    initial=mine.level if mine is not None else NOT_EVALUATED,
                )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        expected_students = {student.pk for student in self.students}
        expected_competencies = {competency.pk for competency in self.competencies}
        for key in self.data:
            match = LEVEL_FIELD.match(key)
            if match and (
                int(match.group(1)) not in expected_students or int(match.group(2)) not in expected_competencies
            ):
                raise ValidationError(_("A level is for a student who is not in this grid: nothing was saved."))
        return data

    def rows(self) -> list[tuple[Any, list[tuple[Competency, forms.BoundField, GridCell]]]]:
        """The students, each with their cells: (competency, level field, cell)."""
        return [
            (
                student,
                [
                    (competency, self[f"level-{student.pk}-{competency.pk}"], self.cells[(student.pk, competency.pk)])
                    for competency in self.competencies
                ],
            )
            for student in self.students
        ]

    def entries(self) -> dict[tuple[int, int], LevelEntry]:
        """The cells as the service takes them."""
        found = {}
        for student in self.students:
            for competency in self.competencies:
                key = f"{student.pk}-{competency.pk}"
                found[(student.pk, competency.pk)] = LevelEntry(
                    level=self.cleaned_data.get(f"level-{key}"),
                    version=self.cleaned_data.get(f"version-{key}"),
                    shown=self.cleaned_data.get(f"shown-{key}"),
                )
        return found
