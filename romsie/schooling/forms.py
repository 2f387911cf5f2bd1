"""Forms of the establishment's structure, used by its administrators.

Every form receives the actor's ``scope``: each choice list is restricted to the
scope's establishment, so another establishment's id in a forged POST is "not a valid
choice" rather than a cross-tenant link. Uniqueness is checked here because the
establishment is not a form field (Django skips constraints on excluded fields).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from romsie.core.access.scope import Scope
from romsie.core.forms import VersionedForm, bounded_formfield, display_value
from romsie.establishments.models import Establishment
from romsie.identity.models import User

from . import access
from .models import Level, Period, Room, SchoolClass, SchoolYear, SocialSettings, Subject, Teaching, TeachingGroup
from .selectors import SocialCell, SocialRow, establishment_social, territory_social


class PersonChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """Choose a person, shown "Last First" as in every list of the ENT."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.last_name} {obj.first_name}".strip() or str(obj.username)


class PeopleChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.last_name} {obj.first_name}".strip() or str(obj.username)


DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ScopedModelForm(VersionedForm, forms.ModelForm):  # type: ignore[type-arg]
    """A model form that knows the actor's scope and checks uniqueness within it.

    Editing posts the version shown (:class:`~romsie.core.forms.VersionedForm`); the services'
    ``*_update`` refuse a stale one. Date fields use ``formfield_callback = bounded_formfield``.
    """

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        self.scope = scope
        super().__init__(*args, **kwargs)

    def check_unique(self, queryset: QuerySet[Any], field: str, message: Any) -> None:
        """Add ``message`` to ``field`` when another row of ``queryset`` has the same value."""
        value = self.cleaned_data.get(field)
        if value in (None, ""):
            return
        others = queryset.exclude(pk=self.instance.pk) if self.instance.pk else queryset
        lookup = f"{field}__iexact" if isinstance(value, str) else field
        if others.filter(**{lookup: value}).exists():
            self.add_error(field, message)


class SchoolYearForm(ScopedModelForm):
    class Meta:
        model = SchoolYear
        fields = ["name", "starts_on", "ends_on", "is_current"]
        formfield_callback = bounded_formfield
        widgets = {"starts_on": DATE_WIDGET, "ends_on": DATE_WIDGET}
        help_texts = {
            "name": _("For example 2026-2027."),
            "is_current": _("Classes and groups are created in the current school year."),
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on <= starts_on:
            self.add_error("ends_on", _("The end date must come after the start date."))
        self.check_unique(
            access.visible_school_years(self.scope), "name", _("A school year with this name already exists.")
        )
        return cleaned


class PeriodForm(ScopedModelForm):
    class Meta:
        model = Period
        fields = ["school_year", "name", "starts_on", "ends_on"]
        formfield_callback = bounded_formfield
        widgets = {"starts_on": DATE_WIDGET, "ends_on": DATE_WIDGET}
        labels = {"school_year": _("School year")}
        help_texts = {"name": _("For example: First trimester.")}

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, scope=scope, **kwargs)
        year_field = self.fields["school_year"]
        assert isinstance(year_field, forms.ModelChoiceField)
        year_field.queryset = access.visible_school_years(scope)
        if not self.instance.pk:
            year_field.initial = access.current_school_year(scope)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        starts_on, ends_on, year = cleaned.get("starts_on"), cleaned.get("ends_on"), cleaned.get("school_year")
        if starts_on and ends_on and ends_on <= starts_on:
            self.add_error("ends_on", _("The end date must come after the start date."))
        elif year and starts_on and ends_on and (starts_on < year.starts_on or ends_on > year.ends_on):
            self.add_error("starts_on", _("A period must lie within its school year."))
        if year:
            self.check_unique(
                access.visible_periods(self.scope).filter(school_year=year),
                "name",
                _("This school year already has a period with this name."),
            )
        return cleaned


def _no_current_year_error(scope: Scope) -> Any:
    if access.current_school_year(scope) is None:
        return _("There is no current school year yet: create one and mark it current first.")
    return None


class SchoolClassForm(ScopedModelForm):
    homeroom_teacher = PersonChoiceField(queryset=User.objects.none(), required=False, label=_("Homeroom teacher"))

    class Meta:
        model = SchoolClass
        fields = ["name", "code", "level", "homeroom_teacher"]
        labels = {"level": _("Level")}
        help_texts = {
            "name": _("As people say it, for example 6e A or CM2 B."),
            "code": _("Short and unique in the school year, for example 6A."),
        }

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, scope=scope, **kwargs)
        level_field = self.fields["level"]
        assert isinstance(level_field, forms.ModelChoiceField)
        primary = scope.establishment is not None and scope.establishment.kind in Establishment.PRIMARY_KINDS
        level_field.queryset = Level.objects.filter(is_primary=primary)
        teacher_field = self.fields["homeroom_teacher"]
        assert isinstance(teacher_field, forms.ModelChoiceField)
        teacher_field.queryset = access.establishment_teachers(scope)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.instance.pk and (error := _no_current_year_error(self.scope)):
            raise forms.ValidationError(error)
        classes = access.visible_school_classes(self.scope)
        self.check_unique(classes, "code", _("Another class of this school year already has this code."))
        self.check_unique(classes, "name", _("Another class of this school year already has this name."))
        return cleaned


class TeachingGroupForm(ScopedModelForm):
    school_classes = forms.ModelMultipleChoiceField(
        queryset=SchoolClass.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Classes"),
    )
    students = PeopleChoiceField(
        queryset=User.objects.none(), required=False, widget=forms.CheckboxSelectMultiple, label=_("Students")
    )

    class Meta:
        model = TeachingGroup
        fields = ["name", "code", "school_classes", "students"]
        help_texts = {"code": _("Short and unique in the school year, for example ESP-4A.")}

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, scope=scope, **kwargs)
        classes_field = self.fields["school_classes"]
        students_field = self.fields["students"]
        assert isinstance(classes_field, forms.ModelMultipleChoiceField)
        assert isinstance(students_field, forms.ModelMultipleChoiceField)
        classes_field.queryset = access.visible_school_classes(scope)
        students_field.queryset = access.establishment_students(scope)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.instance.pk and (error := _no_current_year_error(self.scope)):
            raise forms.ValidationError(error)
        groups = access.visible_teaching_groups(self.scope)
        self.check_unique(groups, "code", _("Another teaching group of this school year already has this code."))
        self.check_unique(groups, "name", _("Another teaching group of this school year already has this name."))
        return cleaned


class SubjectForm(ScopedModelForm):
    class Meta:
        model = Subject
        fields = ["code", "name"]
        help_texts = {"code": _("The national code when you know it, for example 061300 for mathematics.")}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        subjects = access.visible_subjects(self.scope)
        self.check_unique(subjects, "code", _("Another subject already has this code."))
        self.check_unique(subjects, "name", _("Another subject already has this name."))
        return cleaned


class RoomForm(ScopedModelForm):
    class Meta:
        model = Room
        fields = ["name", "capacity"]
        help_texts = {"capacity": _("Number of seats (optional).")}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self.check_unique(access.visible_rooms(self.scope), "name", _("Another room already has this name."))
        return cleaned


class TeachingForm(ScopedModelForm):
    teacher = PersonChoiceField(queryset=User.objects.none(), label=_("Teacher"))

    class Meta:
        model = Teaching
        fields = ["teacher", "subject", "school_class", "teaching_group"]
        help_texts = {
            "school_class": _("Choose a class or a teaching group, not both."),
            "teaching_group": _("Choose a class or a teaching group, not both."),
        }

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, scope=scope, **kwargs)
        querysets: dict[str, QuerySet[Any]] = {
            "teacher": access.establishment_teachers(scope),
            "subject": access.visible_subjects(scope),
            "school_class": access.visible_school_classes(scope),
            "teaching_group": access.visible_teaching_groups(scope),
        }
        for name, queryset in querysets.items():
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = queryset

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if "school_class" in self.errors or "teaching_group" in self.errors:
            return cleaned
        school_class, group = cleaned.get("school_class"), cleaned.get("teaching_group")
        if school_class is None and group is None:
            # Errors on the field keep Django's generic constraint message away.
            self.add_error("school_class", _("Choose the class or the teaching group that is taught."))
        elif school_class is not None and group is not None:
            self.add_error("school_class", _("Choose a class or a teaching group, not both."))
        elif cleaned.get("teacher") and cleaned.get("subject"):
            same = access.visible_teachings(self.scope).filter(
                teacher=cleaned["teacher"], subject=cleaned["subject"], school_class=school_class, teaching_group=group
            )
            if self.instance.pk:
                same = same.exclude(pk=self.instance.pk)
            if same.exists():
                self.add_error(None, _("This teacher already teaches this subject to this class or group."))
        return cleaned


class StudentClassForm(forms.Form):
    """Choose the class of a student for the current year (empty: no class)."""

    school_class = forms.ModelChoiceField(
        queryset=SchoolClass.objects.none(),
        required=False,
        label=_("Class this year"),
        empty_label=_("No class"),
    )

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["school_class"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = access.visible_school_classes(scope).order_by("level__order", "name")


class SocialTableForm(VersionedForm):
    """A table of checkboxes, one per row (level or stage) × social feature (``selectors.SocialRow``).

    A cell the territory closes is drawn disabled and unticked, described by the explanation
    (``id="social-closed-help"``); a forged tick there reaches the service, which refuses it.
    """

    def __init__(self, *args: Any, rows: list[SocialRow], edited: Any, **kwargs: Any) -> None:
        super().__init__(*args, edited=edited, **kwargs)
        self.rows = rows
        for row in rows:
            for cell in row.cells:
                attrs: dict[str, Any] = {}
                if cell.closed:
                    attrs = {"disabled": True, "aria-describedby": "social-closed-help"}
                self.fields[cell.name] = forms.BooleanField(
                    label=f"{row.label} — {cell.feature.label}",
                    required=False,
                    initial=cell.enabled,
                    widget=forms.CheckboxInput(attrs=attrs),
                )

    def table(self) -> list[tuple[SocialRow, list[tuple[SocialCell, forms.BoundField]]]]:
        """The rows with each cell's bound field, for the template."""
        return [(row, [(cell, self[cell.name]) for cell in row.cells]) for row in self.rows]

    def ticked(self) -> set[tuple[Any, str]]:
        """The (row key, feature) pairs ticked."""
        return {
            (row.key, str(cell.feature)) for row in self.rows for cell in row.cells if self.cleaned_data.get(cell.name)
        }

    def current_values(self, current: Any) -> list[tuple[Any, str]]:
        """The other person's version: per row, the features they left ticked."""
        if isinstance(current, SocialSettings):
            _settings, rows = establishment_social(current.establishment)
        else:
            _ceiling, rows = territory_social(current.territory)
        return [
            (row.label, display_value(", ".join(str(cell.feature.label) for cell in row.cells if cell.enabled)))
            for row in rows
        ]
