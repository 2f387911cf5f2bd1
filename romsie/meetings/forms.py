"""Forms of the parent–teacher meetings: an evening, slots to publish, the guardian's choices."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext_lazy as _

from romsie.core.access.scope import Scope
from romsie.core.forms import (
    BoundedDateField,
    BoundedDateTimeField,
    PickerChoice,
    PickerField,
    RichTextField,
    VersionedForm,
)
from romsie.core.ids import parse_id
from romsie.schooling.access import visible_school_classes
from romsie.schooling.models import Level, Room, SchoolClass

from . import selectors, services
from .models import MeetingEvening

CLASS_PREFIX = "class:"
LEVEL_PREFIX = "level:"


def _audience_choices(scope: Scope) -> tuple[list[PickerChoice], dict[str, SchoolClass | Level]]:
    """The classes of the current year and their levels, as picker groups."""
    classes = list(visible_school_classes(scope).order_by("level__order", "name"))
    levels: dict[int, Level] = {c.level_id: c.level for c in classes}
    choices: list[PickerChoice] = []
    objects: dict[str, SchoolClass | Level] = {}
    for level in levels.values():
        token = f"{LEVEL_PREFIX}{level.pk}"
        choices.append(PickerChoice(token, str(_("All of %(level)s") % {"level": level.name}), str(_("Levels")), level))
        objects[token] = level
    for school_class in classes:
        token = f"{CLASS_PREFIX}{school_class.pk}"
        choices.append(PickerChoice(token, school_class.name, str(_("Classes")), school_class))
        objects[token] = school_class
    return choices, objects


class EveningForm(VersionedForm):
    """Open or change a meetings evening."""

    title = forms.CharField(label=_("Title"), max_length=150)
    date = BoundedDateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    starts_at = forms.TimeField(label=_("From"), widget=forms.TimeInput(attrs={"type": "time"}))
    ends_at = forms.TimeField(label=_("To"), widget=forms.TimeInput(attrs={"type": "time"}))
    slot_minutes = forms.IntegerField(label=_("Default slot length (minutes)"), min_value=5, max_value=120, initial=10)
    walking_minutes = forms.IntegerField(
        label=_("Walking time between rooms (minutes)"), min_value=0, max_value=60, initial=5
    )
    audience = PickerField(label=_("Classes or levels concerned"))
    booking_opens_at = BoundedDateTimeField(
        label=_("Guardians may book from"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    booking_closes_at = BoundedDateTimeField(
        label=_("Guardians may book until"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    message_html = RichTextField(label=_("Message to families"), required=False)

    def __init__(self, *args: Any, scope: Scope, evening: MeetingEvening | None = None, **kwargs: Any) -> None:
        if evening is not None and not args and "initial" not in kwargs:
            kwargs["initial"] = {
                **{name: getattr(evening, name) for name in ("title", "date", "starts_at", "ends_at")},
                "slot_minutes": evening.slot_minutes,
                "walking_minutes": evening.walking_minutes,
                "booking_opens_at": timezone.localtime(evening.booking_opens_at).strftime("%Y-%m-%dT%H:%M"),
                "booking_closes_at": timezone.localtime(evening.booking_closes_at).strftime("%Y-%m-%dT%H:%M"),
                "message_html": evening.message_html,
                "audience": [f"{CLASS_PREFIX}{pk}" for pk in evening.school_classes.values_list("pk", flat=True)]
                + [f"{LEVEL_PREFIX}{pk}" for pk in evening.levels.values_list("pk", flat=True)],
            }
        super().__init__(*args, edited=evening, **kwargs)
        choices, self._objects = _audience_choices(scope)
        field = self.fields["audience"]
        assert isinstance(field, PickerField)
        field.groups = choices

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The evening must end after it starts."))
        opens, closes = data.get("booking_opens_at"), data.get("booking_closes_at")
        if opens and closes and closes <= opens:
            self.add_error("booking_closes_at", _("Booking must close after it opens."))
        return data

    def current_values(self, current: Any) -> list[tuple[Any, str]]:
        return [(self.fields["title"].label, current.title), (self.fields["date"].label, str(current.date))]

    def evening_data(self) -> services.EveningData:
        data = self.cleaned_data
        chosen = [self._objects[t] for t in data["audience"] if t in self._objects]
        return services.EveningData(
            title=data["title"],
            date=data["date"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            slot_minutes=data["slot_minutes"],
            walking_minutes=data["walking_minutes"],
            school_classes=[c for c in chosen if isinstance(c, SchoolClass)],
            levels=[c for c in chosen if isinstance(c, Level)],
            booking_opens_at=data["booking_opens_at"],
            booking_closes_at=data["booking_closes_at"],
            message_html=data.get("message_html") or "",
        )


class SlotsForm(forms.Form):
    """Publish slots (or a break) over a time range, in a room."""

    starts_at = forms.TimeField(label=_("From"), widget=forms.TimeInput(attrs={"type": "time"}))
    ends_at = forms.TimeField(label=_("To"), widget=forms.TimeInput(attrs={"type": "time"}))
    slot_minutes = forms.IntegerField(label=_("Slot length (minutes)"), min_value=5, max_value=120)
    room = forms.ModelChoiceField(label=_("Room"), queryset=Room.objects.none(), required=False)
    is_break = forms.BooleanField(label=_("A break (not bookable)"), required=False)

    def __init__(self, *args: Any, scope: Scope, evening: MeetingEvening, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {"starts_at": evening.starts_at, "ends_at": evening.ends_at, "slot_minutes": evening.slot_minutes},
        )
        super().__init__(*args, **kwargs)
        room = self.fields["room"]
        assert isinstance(room, forms.ModelChoiceField)
        room.queryset = selectors.rooms(scope)


class BookingForm(forms.Form):
    """The guardian's choices: for each child and each of their teachers, one slot or none."""

    def __init__(self, *args: Any, children: list[selectors.ChildChoice], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.children = children
        for child in children:
            for teacher in child.teachers:
                if teacher.booked is not None:
                    continue
                teacher.chosen = parse_id(str(self.data.get(teacher.field_name(child.child.pk), "")) or None)
                choices = [("", _("No meeting"))] + [
                    (str(s.pk), time_format(timezone.localtime(s.starts_at))) for s in teacher.slots
                ]
                self.fields[teacher.field_name(child.child.pk)] = forms.ChoiceField(
                    label=teacher.teacher.get_full_name(), choices=choices, required=False
                )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and not self.choices():
            raise forms.ValidationError(_("Choose at least one slot."))
        return data

    def choices(self) -> list[services.Choice]:
        """The slots chosen, each with its child (a field's name carries the child)."""
        chosen = []
        for child in self.children:
            for teacher in child.teachers:
                name = teacher.field_name(child.child.pk)
                slot_id = parse_id(self.cleaned_data.get(name) or None)
                if slot_id is not None:
                    chosen.append(services.Choice(slot_id=slot_id, student_id=child.child.pk))
        return chosen
