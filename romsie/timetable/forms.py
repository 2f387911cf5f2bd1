"""Forms of the timetable; choices are limited to the current establishment."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from romsie.core.access.scope import Scope
from romsie.core.forms import BoundedDateField, VersionedForm, bounded_formfield
from romsie.identity.models import Role, User
from romsie.schooling.models import Room, Teaching

from .models import DayOff, Lesson, Session

MAX_IMPORT_BYTES = 1_000_000


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%H:%M", **kwargs)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def _rooms(scope: Scope) -> Any:
    return Room.objects.filter(establishment_id=scope.establishment_id).order_by("name")


def _teachers(scope: Scope) -> Any:
    return (
        User.objects.filter(
            role_assignments__establishment_id=scope.establishment_id,
            role_assignments__role=Role.TEACHER,
            role_assignments__is_active=True,
        )
        .distinct()
        .order_by("last_name", "first_name")
    )


class TeacherChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.last_name} {obj.first_name}"


class TeachingChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        target = obj.school_class.name if obj.school_class else obj.teaching_group.name
        return f"{target} — {obj.subject.name} — {obj.teacher.last_name} {obj.teacher.first_name}"


class SessionChangeForm(VersionedForm):
    """What staff may change on one session; the version shown guards against lost updates."""

    cancelled = forms.BooleanField(label=_("Cancelled"), required=False)
    date = BoundedDateField(label=_("Date"), widget=DateInput())
    starts_at = forms.TimeField(label=_("Starts at"), widget=TimeInput())
    ends_at = forms.TimeField(label=_("Ends at"), widget=TimeInput())
    room = forms.ModelChoiceField(label=_("Room"), queryset=Room.objects.none(), required=False)
    teacher = TeacherChoiceField(
        label=_("Teacher"), queryset=User.objects.none(), help_text=_("Choose another teacher for a substitute.")
    )
    note = forms.CharField(
        label=_("Note for students and families"),
        max_length=200,
        required=False,
        help_text=_("For example: bring your sports kit, meet in the library."),
    )

    def __init__(self, *args: Any, scope: Scope, session: Session, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "cancelled": session.is_cancelled,
                "date": session.date,
                "starts_at": session.starts_at,
                "ends_at": session.ends_at,
                "room": session.room_id,
                "teacher": session.teacher_id,
                "note": session.change_note,
            },
        )
        super().__init__(*args, edited=session, **kwargs)
        self.fields["room"].queryset = _rooms(scope)  # type: ignore[attr-defined]
        self.fields["teacher"].queryset = _teachers(scope)  # type: ignore[attr-defined]

    def current_values(self, current: Any) -> list[tuple[Any, str]]:
        """The session as it is now: its status and note are not attributes named like the fields."""
        values = {
            "cancelled": current.is_cancelled,
            "date": current.date,
            "starts_at": current.starts_at,
            "ends_at": current.ends_at,
            "room": current.room,
            "teacher": current.teacher,
            "note": current.change_note,
        }
        return [(self.fields[name].label, self.value_text(name, value)) for name, value in values.items()]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", _("The lesson must end after it starts."))
        return data


class LessonForm(VersionedForm, forms.ModelForm):  # type: ignore[type-arg]
    """A weekly lesson; editing posts the version shown (:class:`~romsie.core.forms.VersionedForm`)."""

    teaching = TeachingChoiceField(label=_("Teaching"), queryset=Teaching.objects.none())

    class Meta:
        model = Lesson
        fields = ["teaching", "weekday", "starts_at", "ends_at", "weeks", "room"]
        widgets = {"starts_at": TimeInput(), "ends_at": TimeInput()}

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["teaching"].queryset = (  # type: ignore[attr-defined]
            Teaching.objects.filter(establishment_id=scope.establishment_id)
            .filter(school_class__school_year__is_current=True)
            .select_related("subject", "teacher", "school_class", "teaching_group")
            .order_by("school_class__name", "subject__name")
            | Teaching.objects.filter(
                establishment_id=scope.establishment_id, teaching_group__school_year__is_current=True
            ).select_related("subject", "teacher", "school_class", "teaching_group")
        )
        self.fields["room"].queryset = _rooms(scope)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", _("The lesson must end after it starts."))
        return data

    def validate_constraints(self, exclude: Any = None) -> None:
        """Constraints are checked by the service, with the establishment set."""


class DayOffForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = DayOff
        formfield_callback = bounded_formfield
        fields = ["name", "starts_on", "ends_on"]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The last day must be on or after the first day."))
        return data

    def validate_constraints(self, exclude: Any = None) -> None:
        """Checked by the service."""


class LessonImportForm(forms.Form):
    file = forms.FileField(
        label=_("Timetable file (CSV)"),
        help_text=_("One line per weekly lesson; the expected columns are described below."),
    )
    replace = forms.BooleanField(
        label=_("Replace the whole timetable (lessons missing from the file are removed)"), required=False
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("The file is too large (1 MB at most)."))
        return upload
