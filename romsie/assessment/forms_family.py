"""The "what if" simulation's form: hypothetical marks a student adds to see their averages move."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from . import averages

MAX_ROWS = 10
NUMBER = {"invalid": _("Enter a number, such as 12 or 12.5.")}


class WhatIfForm(forms.Form):
    """One hypothetical mark: a subject among the student's, a mark, its scale and its weight.

    A row left as it was shown (no mark typed) is ignored.
    """

    subject = forms.TypedChoiceField(label=_("Subject"), coerce=int)
    value = forms.DecimalField(
        label=_("Mark"),
        max_digits=6,
        decimal_places=2,
        min_value=Decimal(0),
        error_messages={
            **NUMBER,
            "required": _("Enter the mark, or clear the row."),
            "min_value": _("A mark cannot be negative."),
        },
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "size": 5}),
    )
    out_of = forms.DecimalField(
        label=_("Out of"),
        max_digits=5,
        decimal_places=2,
        min_value=Decimal(1),
        max_value=Decimal(100),
        initial=Decimal(20),
        error_messages={
            **NUMBER,
            "min_value": _("The scale must be at least 1."),
            "max_value": _("The scale cannot be more than 100."),
        },
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "size": 5}),
    )
    weight = forms.DecimalField(
        label=_("Weight"),
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=Decimal(100),
        initial=Decimal(1),
        error_messages={
            **NUMBER,
            "min_value": _("The weight must be more than 0."),
            "max_value": _("The weight cannot be more than 100."),
        },
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "size": 5}),
    )

    def __init__(self, *args: Any, subjects: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.TypedChoiceField, self.fields["subject"]).choices = subjects
        if subjects and "subject" not in self.initial:
            self.fields["subject"].initial = subjects[0][0]

    @classmethod
    def defaults(cls, prefix: str, subjects: list[tuple[int, str]]) -> dict[str, str]:
        """The values of a new, empty row as posted data (the subject, scale and weight pre-filled)."""
        values = {f"{prefix}-out_of": "20", f"{prefix}-weight": "1", f"{prefix}-value": ""}
        if subjects:
            values[f"{prefix}-subject"] = str(subjects[0][0])
        return values

    def has_changed(self) -> bool:
        """A row counts once its mark, scale or weight is typed (the subject alone is pre-chosen)."""
        typed = [name for name in self.changed_data if name != "subject"]
        return any(str(self.data.get(self.add_prefix(name), "")).strip() for name in typed)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        value, out_of = cleaned.get("value"), cleaned.get("out_of")
        if value is not None and out_of is not None and value > out_of:
            message = _("The mark cannot be more than the scale (out of %(n)s).") % {"n": f"{out_of.normalize():f}"}
            self.add_error("value", message)
        return cleaned

    def cell(self) -> tuple[int, averages.Cell]:
        """The row as the averages see it: (subject, cell)."""
        data = self.cleaned_data
        return data["subject"], averages.Cell(data["value"], "", data["out_of"], data["weight"])


class BaseWhatIfFormSet(forms.BaseFormSet[WhatIfForm]):
    def __init__(self, *args: Any, subjects: list[tuple[int, str]], **kwargs: Any) -> None:
        self.subjects = subjects
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {"subjects": self.subjects}

    def cells(self) -> list[tuple[int, averages.Cell]]:
        """The rows filled in (call once the formset is valid)."""
        return [form.cell() for form in self.forms if form.has_changed() and form.cleaned_data]


WhatIfFormSet = cast(
    type[BaseWhatIfFormSet],
    forms.formset_factory(
        WhatIfForm, formset=BaseWhatIfFormSet, extra=1, max_num=MAX_ROWS, absolute_max=MAX_ROWS, validate_max=True
    ),
)
