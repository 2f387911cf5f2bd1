"""Forms of the teachers' part: assessments, the marks grid, report-card comments, the settings.

Forms take the ``scope`` and offer only the establishment's periods, competencies, subjects and
the teaching's students; the services check everything again.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from romsie.core.access.scope import Scope
from romsie.core.forms import VersionedForm, bounded_formfield
from romsie.core.ids import parse_id

from . import access, selectors, services
from .models import MAX_COMMENT_LENGTH, Assessment, AssessmentSettings, Mark, MarkStatus, ReportComment, SubjectWeight

# What may be typed (or pasted from a spreadsheet) in a mark cell instead of a mark.
STATUS_WORDS = {
    "abs": MarkStatus.ABSENT.value,
    "disp": MarkStatus.EXEMPT.value,
    "nn": MarkStatus.NOT_MARKED.value,
    "nr": MarkStatus.NOT_HANDED_IN.value,
}
STATUS_SHORT = {value: word for word, value in STATUS_WORDS.items()}
NUMBER = re.compile(r"^-?\d+(?:[.,]\d+)?$")


def mark_text(value: Decimal | None) -> str:
    """A mark as typed back in the grid: no useless zeros, the reader's decimal separator."""
    if value is None:
        return ""
    text = format(value.normalize(), "f")
    return text.replace(".", str(formats.get_format("DECIMAL_SEPARATOR")))


def parse_mark(text: str, out_of: Decimal) -> tuple[Decimal | None, str]:
    """Read a mark cell: ``12,5`` or ``12.5``, or ``abs``/``disp``/``nn``/``nr``; return (value, status)."""
    text = text.strip()
    if not text:
        return None, ""
    if text.lower() in STATUS_WORDS:
        return None, STATUS_WORDS[text.lower()]
    scale = formats.localize(out_of.normalize())
    if not NUMBER.match(text):
        raise ValidationError(_("Enter a mark such as 12.5 (or abs, disp, nn, nr)."), code="invalid")
    try:
        value = Decimal(text.replace(",", "."))
    except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
        raise ValidationError(_("Enter a mark such as 12.5 (or abs, disp, nn, nr)."), code="invalid") from None
    if value < 0 or value > out_of:
        raise ValidationError(_("Enter a mark between 0 and %(max)s.") % {"max": scale}, code="range")
    if value != value.quantize(Decimal("0.01")):
        raise ValidationError(_("Enter a mark with at most 2 decimals."), code="decimals")
    return value, ""


def status_choices() -> list[tuple[str, str]]:
    return [("", _("—"))] + [(value, str(label)) for value, label in MarkStatus.choices if value]


class DecimalCommaField(forms.DecimalField):
    """A decimal typed with a comma or a dot (``1,5`` or ``1.5``), in any language."""

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if isinstance(value, str):
            value = value.strip().replace(",", ".")
        return super().to_python(value)  # type: ignore[no-any-return]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


# -- Assessments --------------------------------------------------------------------------------


class AssessmentForm(VersionedForm, forms.ModelForm):  # type: ignore[type-arg]
    """An assessment: title, date, period (by default the date's), scale, weight, publication, competencies."""

    class Meta:
        model = Assessment
        fields = [
            "title",
            "date",
            "period",
            "out_of",
            "weight",
            "graded",
            "publish_on",
            "description",
            "competencies",
        ]
        formfield_callback = bounded_formfield
        field_classes = {"out_of": DecimalCommaField, "weight": DecimalCommaField}
        widgets = {
            "date": DateInput(),
            "publish_on": DateInput(),
            "competencies": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, scope: Scope, delay_days: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scope = scope
        period = self.fields["period"]
        assert isinstance(period, forms.ModelChoiceField)
        period.queryset = access.visible_periods(scope).order_by("starts_on")
        period.required = False
        period.empty_label = gettext_lazy("The period of the date")
        competencies = self.fields["competencies"]
        assert isinstance(competencies, forms.ModelMultipleChoiceField)
        competencies.queryset = access.visible_competencies(scope).order_by("order", "code")
        competencies.required = False
        for name in ("out_of", "weight"):
            self.fields[name].widget = forms.TextInput(attrs={"inputmode": "decimal"})
        self.fields["out_of"].help_text = gettext_lazy("From 1 to 100: marks are brought back to 20 for averages.")
        self.fields["weight"].help_text = gettext_lazy("More than 0, at most 100.")
        self.fields["graded"].help_text = gettext_lazy("Untick for an assessment of competencies only.")
        publish_on = self.fields["publish_on"]
        publish_on.required = False
        publish_on.help_text = gettext_lazy(
            "Families see the marks from this day. Empty: the date plus %(days)s days."
        ) % {"days": delay_days}
        if self.instance.pk is None:
            self.fields["date"].initial = access.today()

    def clean_weight(self) -> Decimal:
        weight: Decimal | None = self.cleaned_data.get("weight")
        if weight is None or not (Decimal(0) < weight <= Decimal(100)):
            raise ValidationError(_("The weight must be more than 0 and at most 100."))
        return weight

    def clean_out_of(self) -> Decimal:
        out_of: Decimal | None = self.cleaned_data.get("out_of")
        if out_of is None or not (Decimal(1) <= out_of <= Decimal(100)):
            raise ValidationError(_("The scale must be between 1 and 100."))
        return out_of

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        date = data.get("date")
        if date is not None and data.get("period") is None and "period" not in self.errors:
            period = access.visible_periods(self.scope).filter(starts_on__lte=date, ends_on__gte=date).first()
            if period is None:
                self.add_error("period", _("No period contains this date: choose one."))
            else:
                data["period"] = period
        return data

    def assessment_data(self) -> services.AssessmentData:
        data = self.cleaned_data
        return services.AssessmentData(
            title=data["title"],
            date=data["date"],
            period=data["period"],
            out_of=data["out_of"],
            weight=data["weight"],
            graded=data["graded"],
            publish_on=data.get("publish_on"),
            description=data.get("description", ""),
            competencies=list(data.get("competencies") or []),
        )


# -- The marks grid ------------------------------------------------------------------------------


class CellFields:
    """The bound fields of one student's cell in the grid."""

    def __init__(self, form: forms.Form, student: Any, mark: Mark | None) -> None:
        pk = student.pk
        self.student = student
        self.mark = mark
        self.value = form[f"mark-{pk}"]
        self.status = form[f"status-{pk}"]
        self.comment = form[f"comment-{pk}"]
        self.version = form[f"version-{pk}"]
        self.conflict: str = ""

    @property
    def errors(self) -> list[str]:
        return [*self.value.errors, *self.status.errors, *self.comment.errors]


def add_cell_fields(form: forms.Form, pk: int, mark: Mark | None, student: Any) -> None:
    """The grid's fields of one student: mark, status, comment (each with its shown value), version."""
    name = f"{student.last_name} {student.first_name}".strip()
    form.fields[f"mark-{pk}"] = forms.CharField(
        label=_("Mark of %(name)s") % {"name": name},
        required=False,
        max_length=20,
        show_hidden_initial=True,
        initial=mark_text(mark.value) if mark else "",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "class": "grid-mark"}),
    )
    form.fields[f"status-{pk}"] = forms.ChoiceField(
        label=_("Status of %(name)s") % {"name": name},
        required=False,
        choices=status_choices(),
        show_hidden_initial=True,
        initial=mark.status if mark else "",
        widget=forms.Select(attrs={"class": "grid-status"}),
    )
    form.fields[f"comment-{pk}"] = forms.CharField(
        label=_("Comment on %(name)s") % {"name": name},
        required=False,
        strip=True,
        max_length=MAX_COMMENT_LENGTH,
        show_hidden_initial=True,
        initial=mark.comment if mark else "",
        widget=forms.TextInput(attrs={"class": "grid-comment", "autocomplete": "off"}),
        error_messages={"max_length": _("A comment has at most %(limit_value)d characters (it has %(show_value)d).")},
    )
    form.fields[f"version-{pk}"] = forms.IntegerField(
        required=False, min_value=0, widget=forms.HiddenInput, initial=mark.version if mark else None
    )


def clean_cell(form: forms.Form, pk: int, out_of: Decimal) -> services.CellInput | None:
    """Read one student's cell (errors are added next to it), or None when it is invalid."""
    data = form.cleaned_data
    if any(name in form.errors for name in (f"mark-{pk}", f"status-{pk}", f"comment-{pk}", f"version-{pk}")):
        return None
    try:
        value, typed_status = parse_mark(data.get(f"mark-{pk}", ""), out_of)
    except ValidationError as error:
        form.add_error(f"mark-{pk}", error)
        return None
    status = data.get(f"status-{pk}", "")
    if typed_status:
        if status and status != typed_status:
            form.add_error(f"mark-{pk}", _("Enter a mark or a status, not both."))
            return None
        status = typed_status
    if value is not None and status:
        form.add_error(f"mark-{pk}", _("Enter a mark or a status, not both."))
        return None
    comment = data.get(f"comment-{pk}", "")
    if value is None and not status and comment:
        form.add_error(f"comment-{pk}", _("Enter a mark or a status to keep a comment."))
        return None
    return services.CellInput(pk, value, status, comment, data.get(f"version-{pk}"))


class GridForm(forms.Form):
    """The whole grid in one form: saving sends every changed cell, each with the version it showed."""

    def __init__(self, *args: Any, grid: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.assessment: Assessment = grid.assessment
        for student, mark in grid.rows:
            add_cell_fields(self, student.pk, mark, student)
        self.cells = [CellFields(self, student, mark) for student, mark in grid.rows]

    def changed_cells(self) -> list[services.CellInput]:
        """The cells the person changed and that are valid (errors are added next to the others)."""
        changed = set(self.changed_data)
        cells = []
        for cell in self.cells:
            pk = cell.student.pk
            if not {f"mark-{pk}", f"status-{pk}", f"comment-{pk}"} & changed:
                continue
            read = clean_cell(self, pk, self.assessment.out_of)
            if read is not None:
                cells.append(read)
        return cells

    def describe_errors(self) -> None:
        """Tie each cell in error to its message (``aria-invalid``, ``aria-describedby``)."""
        for cell in self.cells:
            if cell.errors or cell.conflict:
                pk = cell.student.pk
                for name in ("mark", "status", "comment"):
                    attrs = self.fields[f"{name}-{pk}"].widget.attrs
                    attrs["aria-describedby"] = f"grid-error-{pk}"
                attrs = self.fields[f"mark-{pk}"].widget.attrs
                attrs["aria-invalid"] = "true"

    def show_outcome(self, saved: dict[int, Mark | None], refused: dict[int, Any]) -> None:
        """After a save with refusals: saved cells carry their new state, refused ones say why."""
        data = QueryDict(mutable=True)
        data.update(self.data)
        for pk, mark in saved.items():
            _set_shown(self, data, pk, mark)
        by_pk = {cell.student.pk: cell for cell in self.cells}
        for pk, error in refused.items():
            cell = by_pk.get(pk)
            if cell is None:
                continue
            current = getattr(error, "current", None)
            if hasattr(error, "current"):
                cell.conflict = _("Someone else changed this mark meanwhile: it is now %(theirs)s.") % {
                    "theirs": mark_summary(current)
                }
                # Saving again knowingly replaces theirs: the cell now carries their version.
                data[f"version-{pk}"] = str(current.version) if current is not None else ""
                for name, value in _shown_values(current).items():
                    data[f"initial-{name}-{pk}"] = value
            self.add_error(f"mark-{pk}", error.message)
        self.data = data


def _shown_values(mark: Mark | None) -> dict[str, str]:
    return {
        "mark": mark_text(mark.value) if mark else "",
        "status": mark.status if mark else "",
        "comment": mark.comment if mark else "",
    }


def _set_shown(form: forms.Form, data: QueryDict, pk: int, mark: Mark | None) -> None:
    data[f"version-{pk}"] = str(mark.version) if mark is not None else ""
    for name, value in _shown_values(mark).items():
        data[f"initial-{name}-{pk}"] = value


def mark_summary(mark: Mark | None) -> str:
    """A cell as a person reads it: the mark, or the status, and the comment."""
    if mark is None:
        return _("no mark")
    shown = mark_text(mark.value) if mark.value is not None else str(MarkStatus(mark.status).label)
    return f"{shown} ({mark.comment})" if mark.comment else shown


class CellForm(forms.Form):
    """One cell saved on its own (the grid's script): a student, a mark or status, a comment, the version."""

    def __init__(self, *args: Any, assessment: Assessment, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.assessment = assessment
        self.pk = parse_id(self.data.get("student")) or 0
        add_cell_fields(self, self.pk, None, _Nobody())

    def cell(self) -> services.CellInput | None:
        return clean_cell(self, self.pk, self.assessment.out_of)


class _Nobody:
    last_name = ""
    first_name = ""


# -- Report-card comments -------------------------------------------------------------------------


class ReportCommentsForm(forms.Form):
    """One report-card comment per student, each posted with the version it showed."""

    def __init__(self, *args: Any, rows: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            pk = row.student.pk
            comment: ReportComment | None = row.comment
            name = f"{row.student.last_name} {row.student.first_name}".strip()
            self.fields[f"comment-{pk}"] = forms.CharField(
                label=_("Comment on %(name)s") % {"name": name},
                required=False,
                max_length=MAX_COMMENT_LENGTH,
                show_hidden_initial=True,
                initial=comment.text if comment else "",
                widget=forms.Textarea(attrs={"rows": 3, "class": "comment-text", "data-counter": ""}),
                error_messages={
                    "max_length": _("A comment has at most %(limit_value)d characters (it has %(show_value)d).")
                },
            )
            self.fields[f"version-{pk}"] = forms.IntegerField(
                required=False, min_value=0, widget=forms.HiddenInput, initial=comment.version if comment else None
            )
        self.lines = [(row, self[f"comment-{row.student.pk}"], self[f"version-{row.student.pk}"]) for row in rows]

    def changed_comments(self) -> list[services.CommentInput]:
        changed = set(self.changed_data)
        found = []
        for row in self.rows:
            pk = row.student.pk
            if f"comment-{pk}" in changed and f"comment-{pk}" not in self.errors:
                found.append(
                    services.CommentInput(
                        pk, self.cleaned_data.get(f"comment-{pk}", ""), self.cleaned_data.get(f"version-{pk}")
                    )
                )
        return found

    def show_outcome(self, saved: dict[int, ReportComment | None], refused: dict[int, Any]) -> None:
        data = QueryDict(mutable=True)
        data.update(self.data)
        for pk, row in saved.items():
            data[f"version-{pk}"] = str(row.version) if row is not None else ""
            data[f"initial-comment-{pk}"] = row.text if row is not None else ""
        for pk, error in refused.items():
            if hasattr(error, "current"):
                current = error.current
                data[f"version-{pk}"] = str(current.version) if current is not None else ""
                data[f"initial-comment-{pk}"] = current.text if current is not None else ""
                message = _(
                    "Someone else changed this comment meanwhile. Theirs: “%(theirs)s”. Yours is kept below: "
                    "save again to replace theirs."
                ) % {"theirs": current.text if current is not None else _("none")}
            else:
                message = error.message
            self.add_error(f"comment-{pk}", message)
        self.data = data


# -- Settings --------------------------------------------------------------------------------------

COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


class SettingsForm(VersionedForm, forms.ModelForm):  # type: ignore[type-arg]
    """The establishment's publication delay and the report cards' heading and colour."""

    class Meta:
        model = AssessmentSettings
        fields = ["publication_delay_days", "report_heading", "report_colour"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["publication_delay_days"].help_text = gettext_lazy(
            "From 0 to 60: a new assessment is shown to families this many days after its date, unless its teacher "
            "sets another day."
        )
        self.fields["report_colour"].help_text = gettext_lazy("# followed by 6 hexadecimal digits, such as #1d4e89.")
        self.fields["report_colour"].widget.attrs.update({"pattern": "#[0-9a-fA-F]{6}", "spellcheck": "false"})

    def clean_report_colour(self) -> str:
        colour: str = self.cleaned_data.get("report_colour", "").strip()
        if not COLOUR.match(colour):
            raise ValidationError(_("Enter a colour as # followed by 6 hexadecimal digits."))
        return colour.lower()


class SubjectWeightForm(VersionedForm, forms.ModelForm):  # type: ignore[type-arg]
    """A subject's weight in the overall average, for one level or every level."""

    class Meta:
        model = SubjectWeight
        fields = ["subject", "level", "weight"]
        field_classes = {"weight": DecimalCommaField}

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        subject = self.fields["subject"]
        level = self.fields["level"]
        assert isinstance(subject, forms.ModelChoiceField) and isinstance(level, forms.ModelChoiceField)
        subject.queryset = access.weight_subjects(scope)
        level.queryset = access.weight_levels()
        level.required = False
        level.empty_label = gettext_lazy("Every level")
        weight = self.fields["weight"]
        weight.widget = forms.TextInput(attrs={"inputmode": "decimal"})
        weight.help_text = gettext_lazy("More than 0, at most 100. A subject without a weight weighs 1.")

    def clean_weight(self) -> Decimal:
        weight: Decimal | None = self.cleaned_data.get("weight")
        if weight is None or not (Decimal(0) < weight <= Decimal(100)):
            raise ValidationError(_("The weight must be more than 0 and at most 100."))
        return weight

    def validate_unique(self) -> None:
        """The service refuses a second weight for the same subject and level, with a clear message."""


def delay_days(establishment_id: int) -> int:
    """The establishment's publication delay (0 until the head sets one)."""
    return selectors.assessment_settings(establishment_id).publication_delay_days
