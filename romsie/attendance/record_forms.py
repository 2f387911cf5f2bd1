"""Forms of a student's record, the early-warning thresholds, incidents and sanctions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from romsie.core.access.scope import Scope
from romsie.core.forms import BoundedDateTimeField, PickerChoice, PickerField, VersionedForm
from romsie.core.ids import parse_id
from romsie.identity.models import User

from . import selectors
from .models import Incident, Sanction

STUDENT_PREFIX = "student:"


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class PersonField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name())


def student_tokens_ids(tokens: list[str]) -> list[int]:
    """The student ids of a students picker's tokens."""
    return [
        pk for t in tokens if t.startswith(STUDENT_PREFIX) and (pk := parse_id(t[len(STUDENT_PREFIX) :])) is not None
    ]


def students_picker(scope: Scope, **kwargs: Any) -> PickerField:
    """The picker of the establishment's current students, by class (a filter box finds a name)."""
    classes = selectors.student_class_names(scope)
    choices = [
        PickerChoice(f"{STUDENT_PREFIX}{s.pk}", s.get_full_name(), classes.get(s.pk, ""))
        for s in selectors.incident_students(scope)
    ]
    choices.sort(key=lambda c: (c.section, c.label))
    return PickerField(
        groups=choices,
        error_messages={"forbidden_groups": _("Some of the students chosen are not students of the establishment.")},
        **kwargs,
    )


class ThresholdForm(forms.Form):
    half_days = forms.IntegerField(
        label=_("Unjustified half-days in a month"),
        min_value=1,
        max_value=60,
        help_text=_("An alert is raised once a month for each student who reaches this number."),
    )


class IncidentForm(forms.Form):
    occurred_at = BoundedDateTimeField(label=_("Date and time"), widget=DateTimeInput())
    place = forms.CharField(label=_("Place"), max_length=120)
    description = forms.CharField(label=_("What happened"), max_length=5000, widget=forms.Textarea(attrs={"rows": 6}))
    witnesses = forms.CharField(label=_("Witnesses"), max_length=300, required=False)

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["students"] = students_picker(scope, label=_("Students involved"))
        self.order_fields(["occurred_at", "place", "students", "description", "witnesses"])

    def student_ids(self) -> list[int]:
        return student_tokens_ids(self.cleaned_data["students"])


class FollowUpForm(VersionedForm):
    status = forms.ChoiceField(label=_("Status"), choices=Incident.Status.choices)
    follow_up = forms.CharField(
        label=_("Follow-up"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 5})
    )


class SanctionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Measure"), choices=Sanction.Kind.choices)
    starts_at = BoundedDateTimeField(label=_("Date"), widget=DateTimeInput())
    ends_at = BoundedDateTimeField(
        label=_("Until"), required=False, widget=DateTimeInput(), help_text=_("For an exclusion: its last day.")
    )
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, scope: Scope, students: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["student"] = PersonField(label=_("Student"), queryset=students)
        self.fields["supervisor"] = PersonField(
            label=_("Supervised by"),
            queryset=selectors.supervisors(scope),
            required=False,
            help_text=_("For a detention: the teacher or staff member who supervises it."),
        )
        self.order_fields(["student", "kind", "starts_at", "ends_at", "supervisor", "reason"])
