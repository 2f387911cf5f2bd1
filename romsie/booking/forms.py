"""Forms of resource booking: a booking (once or weekly), a kind of resource, a resource."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from romsie.core.access.scope import Scope
from romsie.core.forms import BoundedDateField, PickerChoice, PickerField, VersionedForm
from romsie.schooling.access import visible_rooms
from romsie.timetable.forms import DateInput, TimeInput

from . import access, selectors
from .models import BookingProfile, Resource, ResourceKind


class BookingForm(forms.Form):
    """Book a resource on a day from one time to another, once or every week until a date."""

    day = BoundedDateField(label=_("Day"), widget=DateInput())
    starts_at = forms.TimeField(label=_("From"), widget=TimeInput())
    ends_at = forms.TimeField(label=_("To"), widget=TimeInput())
    purpose = forms.CharField(label=_("Purpose"), max_length=200, help_text=_("For example: 4e B, research work."))
    weekly = forms.BooleanField(label=_("Every week"), required=False)
    until = BoundedDateField(
        label=_("Every week until"),
        required=False,
        widget=DateInput(),
        help_text=_("Every date is booked, or none: a date already taken is named."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
        if starts_at is not None and ends_at is not None and ends_at <= starts_at:
            self.add_error("ends_at", _("The booking must end after it starts."))
        if data.get("weekly") and not data.get("until"):
            self.add_error("until", _("Give the last day of the weekly booking."))
        return data

    def starts(self) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(self.cleaned_data["day"], self.cleaned_data["starts_at"]))

    def ends(self) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(self.cleaned_data["day"], self.cleaned_data["ends_at"]))

    def until_date(self) -> datetime.date | None:
        return self.cleaned_data["until"] if self.cleaned_data.get("weekly") else None


class RefusalForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the refusal"), max_length=300, widget=forms.Textarea({"rows": 3}))


MAX_DAYS_AHEAD = 730
MAX_MINUTES = 24 * 60


def _bound(form: forms.BaseForm, name: str, low: int, high: int) -> None:
    """Keep a number of the rules between ``low`` and ``high`` (the browser says so too)."""
    field = form.fields[name]
    field.validators += [MinValueValidator(low), MaxValueValidator(high)]
    field.widget.attrs.update({"min": low, "max": high})


def _profiles_field(**kwargs: Any) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=_("Who may book"), choices=BookingProfile.choices, widget=forms.CheckboxSelectMultiple, **kwargs
    )


class KindForm(VersionedForm, forms.ModelForm):  # type: ignore[type-arg]
    """A kind of resource and its default rules."""

    profiles = _profiles_field()

    class Meta:
        model = ResourceKind
        fields = ["name", "profiles", "max_days_ahead", "max_minutes", "needs_validation"]

    def __init__(self, *args: Any, scope: Scope, query: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _bound(self, "max_days_ahead", 0, MAX_DAYS_AHEAD)
        _bound(self, "max_minutes", 15, MAX_MINUTES)

    def current_values(self, current: Any) -> list[tuple[Any, str]]:
        rows = super().current_values(current)
        labels = dict(BookingProfile.choices)
        return [
            (label, ", ".join(str(labels.get(p, p)) for p in current.profiles) if label == _("Who may book") else text)
            for label, text in rows
        ]


def _person(user: Any) -> PickerChoice:
    return PickerChoice(f"user:{user.pk}", f"{user.last_name} {user.first_name}".strip(), obj=user)


def managers_field(scope: Scope, *, query: str = "") -> PickerField:
    """The picker of a resource's named managers, among the establishment's teachers and staff."""
    return PickerField(
        label=_("Managers of this resource"),
        required=False,
        help_text=_("They validate its bookings and are told when one awaits them."),
        people=lambda ids: [_person(u) for u in selectors.manager_candidates_named(scope, ids)],
        search=lambda words: [_person(u) for u in selectors.manager_candidates_matching(scope, words)],
        search_url=reverse("booking:manager-search"),
        query=query,
        error_messages={"forbidden_people": _("Choose teachers or staff of the establishment.")},
    )


class ResourceForm(VersionedForm, forms.ModelForm):  # type: ignore[type-arg]
    """A resource: its kind, room, description and, where it differs from its kind's, its own rules."""

    profiles = _profiles_field(
        required=False, help_text=_("None ticked: the kind's rule. The same for the rules below left empty.")
    )
    needs_validation = forms.NullBooleanField(
        label=_("A manager validates each booking"),
        required=False,
        widget=forms.Select(choices=[("unknown", _("As its kind")), ("true", _("Yes")), ("false", _("No"))]),
    )

    class Meta:
        model = Resource
        fields = [
            "kind", "name", "room", "capacity", "description", "is_active",
            "profiles", "max_days_ahead", "max_minutes", "needs_validation",
        ]  # fmt: skip

    def __init__(self, *args: Any, scope: Scope, query: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["managers"] = managers_field(scope, query=query)
        if self.instance.pk is not None:
            self.initial["managers"] = [f"user:{pk}" for pk in self.instance.managers.values_list("pk", flat=True)]
        self.fields["kind"].queryset = access.visible_kinds(scope)  # type: ignore[attr-defined]
        self.fields["room"].queryset = visible_rooms(scope)  # type: ignore[attr-defined]
        _bound(self, "max_days_ahead", 0, MAX_DAYS_AHEAD)
        _bound(self, "max_minutes", 15, MAX_MINUTES)

    def clean_profiles(self) -> list[str] | None:
        return self.cleaned_data["profiles"] or None

    def current_values(self, current: Any) -> list[tuple[Any, str]]:
        rows = super().current_values(current)
        names = ", ".join(u.get_full_name() for u in current.managers.all())
        return [(label, names if label == _("Managers of this resource") else text) for label, text in rows]
