"""Forms of the school-life office: absences, outings, exemptions, lateness, absence reasons.

Forms take the ``scope`` and offer only the establishment's students, reasons and subjects;
the services check everything again.
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from romsie.core.access.scope import Scope
from romsie.core.forms import (
    BoundedDateField,
    BoundedDateTimeField,
    PickerChoice,
    PickerField,
    VersionedForm,
    person_ids,
)
from romsie.schooling.models import Subject

from . import selectors
from .models import MAX_LATE_MINUTES, Absence, AbsenceReason, JustificationStatus, Lateness


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%H:%M", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def _person(student: Any) -> PickerChoice:
    return PickerChoice(f"user:{student.pk}", f"{student.last_name} {student.first_name}".strip(), obj=student)


def students_field(scope: Scope, *, query: str = "", one: bool = False, **kwargs: Any) -> PickerField:
    """The picker of the establishment's current students (one, or several)."""

    def people(ids: list[int]) -> list[PickerChoice]:
        return [_person(s) for s in selectors.office_students_named(scope, ids)]

    def search(words: str) -> list[PickerChoice]:
        return [_person(s) for s in selectors.office_students_matching(scope, words)]

    return PickerField(
        people=people,
        search=search,
        search_url=reverse("attendance:student-search", args=["student" if one else "students"]),
        query=query,
        max_people=1 if one else 500,
        error_messages={
            "forbidden_people": _("Choose current students of the establishment."),
            "too_many": _("Choose one student."),
        },
        **kwargs,
    )


def reason_field(scope: Scope) -> forms.ModelChoiceField[AbsenceReason]:
    reasons = [r.pk for r in selectors.office_reasons(scope)]
    return forms.ModelChoiceField(
        label=_("Reason"),
        queryset=AbsenceReason.objects.filter(pk__in=reasons),
        required=False,
        help_text=_("A reason that counts as justified makes the absence justified."),
    )


class PickedStudentForm(forms.Form):
    """A form about one student chosen in the picker."""

    def __init__(self, *args: Any, scope: Scope, query: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scope = scope
        self.fields["student"] = students_field(scope, query=query, one=True, label=_("Student"))
        self.order_fields(["student"])

    def clean_student(self) -> Any:
        ids = person_ids(self.cleaned_data["student"])
        if len(ids) != 1:
            raise forms.ValidationError(_("Choose one student."))
        picker = self.fields["student"]
        assert isinstance(picker, PickerField)
        return picker.people_of(ids)[0].obj


class SpanMixin(forms.Form):
    """A span of days, with optional times: blank times mean whole days."""

    starts_on = BoundedDateField(label=_("From"), widget=DateInput())
    starts_time = forms.TimeField(
        label=_("From (time)"), required=False, widget=TimeInput(), help_text=_("Empty: from the start of the day.")
    )
    ends_on = BoundedDateField(
        label=_("To (included)"), required=False, widget=DateInput(), help_text=_("Empty: the same day.")
    )
    ends_time = forms.TimeField(
        label=_("To (time)"), required=False, widget=TimeInput(), help_text=_("Empty: to the end of the day.")
    )

    def span(self) -> tuple[datetime.datetime, datetime.datetime]:
        """The span chosen, from the start of the first day to the end of the last for whole days."""
        data = self.cleaned_data
        starts_on: datetime.date = data["starts_on"]
        ends_on: datetime.date = data.get("ends_on") or starts_on
        start = datetime.datetime.combine(starts_on, data.get("starts_time") or datetime.time.min)
        if data.get("ends_time"):
            end = datetime.datetime.combine(ends_on, data["ends_time"])
        else:
            end = datetime.datetime.combine(ends_on + datetime.timedelta(days=1), datetime.time.min)
        return timezone.make_aware(start), timezone.make_aware(end)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("starts_on") and not self.errors:
            start, end = self.span()
            if end <= start:
                raise forms.ValidationError(_("The end must come after the start."))
        return data


class AbsenceForm(SpanMixin, PickedStudentForm):
    """An absence school life was told of: one student, whole days or a period."""

    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, scope=scope, **kwargs)
        self.fields["reason"] = reason_field(scope)
        self.order_fields(["student", "starts_on", "starts_time", "ends_on", "ends_time", "reason", "note"])


class OutingForm(SpanMixin):
    """A school trip: several students out of school for one span."""

    note = forms.CharField(label=_("Trip"), max_length=300, help_text=_("Where the students go, with whom."))

    def __init__(self, *args: Any, scope: Scope, query: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["students"] = students_field(
            scope, query=query, label=_("Students"), help_text=_("Untick those who do not go.")
        )
        self.order_fields(["students", "starts_on", "starts_time", "ends_on", "ends_time", "note"])

    def clean_students(self) -> list[int]:
        ids = person_ids(self.cleaned_data["students"])
        if not ids:
            raise forms.ValidationError(_("Choose the students who go."))
        return ids


class ExemptionForm(PickedStudentForm):
    """An exemption from a subject (or everything) for some days, with its certificate."""

    subject = forms.ModelChoiceField(
        label=_("Subject"), queryset=Subject.objects.none(), required=False, empty_label=_("Every subject")
    )
    starts_on = BoundedDateField(label=_("From"), widget=DateInput())
    ends_on = BoundedDateField(label=_("To (included)"), widget=DateInput())
    must_attend = forms.BooleanField(label=_("Must still attend the lessons"), required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
    certificate = forms.FileField(
        label=_("Certificate"), required=False, help_text=_("A photo or a PDF; 10 MB at most.")
    )

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, scope=scope, **kwargs)
        subject = self.fields["subject"]
        assert isinstance(subject, forms.ModelChoiceField)
        subject.queryset = Subject.objects.filter(establishment_id=scope.establishment_id).order_by("name")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            raise forms.ValidationError(_("The end must come after the start."))
        return data


class LatenessForm(PickedStudentForm):
    """A late arrival at the gate."""

    arrived_at = BoundedDateTimeField(label=_("Arrived at"), widget=DateTimeInput())
    minutes = forms.IntegerField(label=_("Minutes late"), min_value=1, max_value=MAX_LATE_MINUTES)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, scope=scope, **kwargs)
        self.fields["arrived_at"].initial = timezone.localtime().replace(second=0, microsecond=0)
        self.fields["reason"] = reason_field(scope)
        self.order_fields(["student", "arrived_at", "minutes", "reason", "note"])


STATUS_CHOICES = JustificationStatus.choices


class AbsenceUpdateForm(VersionedForm):
    """Change an absence: its span, reason, justification status and note."""

    starts_at = BoundedDateTimeField(label=_("From"), widget=DateTimeInput())
    ends_at = BoundedDateTimeField(label=_("To"), widget=DateTimeInput())
    status = forms.ChoiceField(label=_("Justification"), choices=STATUS_CHOICES)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args: Any, scope: Scope, absence: Absence, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "starts_at": timezone.localtime(absence.starts_at),
                "ends_at": timezone.localtime(absence.ends_at),
                "reason": absence.reason_id,
                "status": absence.status,
                "note": absence.note,
            },
        )
        super().__init__(*args, edited=absence, **kwargs)
        self.fields["reason"] = reason_field(scope)
        self.order_fields(["starts_at", "ends_at", "reason", "status", "note"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            raise forms.ValidationError(_("The end must come after the start."))
        return data


class LatenessUpdateForm(VersionedForm):
    """Change a lateness: its minutes, reason, justification status and note."""

    minutes = forms.IntegerField(label=_("Minutes late"), min_value=1, max_value=MAX_LATE_MINUTES)
    status = forms.ChoiceField(label=_("Justification"), choices=STATUS_CHOICES)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args: Any, scope: Scope, lateness: Lateness, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "minutes": lateness.minutes,
                "reason": lateness.reason_id,
                "status": lateness.status,
                "note": lateness.note,
            },
        )
        super().__init__(*args, edited=lateness, **kwargs)
        self.fields["reason"] = reason_field(scope)
        self.order_fields(["minutes", "reason", "status", "note"])


class ReasonForm(forms.Form):
    """An absence reason of the establishment."""

    label = forms.CharField(label=_("Reason"), max_length=80)
    justifies = forms.BooleanField(label=_("Counts as justified"), required=False)
    offered_to_families = forms.BooleanField(label=_("Offered to families"), required=False)
    is_active = forms.BooleanField(label=_("In use"), required=False)
    order = forms.IntegerField(label=_("Order"), min_value=0, max_value=999, initial=0)

    def __init__(self, *args: Any, reason: AbsenceReason | None = None, **kwargs: Any) -> None:
        if reason is not None:
            kwargs.setdefault(
                "initial",
                {
                    "label": reason.label,
                    "justifies": reason.justifies,
                    "offered_to_families": reason.offered_to_families,
                    "is_active": reason.is_active,
                    "order": reason.order,
                },
            )
        else:
            kwargs.setdefault(
                "initial", {"justifies": True, "offered_to_families": True, "is_active": True, "order": 0}
            )
        super().__init__(*args, **kwargs)
