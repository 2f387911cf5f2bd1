"""Forms of the agendas: an event, invitations, an answer."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from romsie.communities.models import Community
from romsie.core.access.scope import Scope
from romsie.core.forms import (
    BoundedDateTimeField,
    LocalDateTimeInput,
    PickerChoice,
    PickerField,
    RichTextField,
    VersionedForm,
    person_choice,
    person_ids,
)
from romsie.schooling import audiences
from romsie.schooling.audiences import AudienceChoice
from romsie.schooling.models import SchoolClass

from . import access
from .models import Event
from .services import EventData

MAX_INVITEES = 200


class SchoolClassChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class CommunityChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class EventForm(VersionedForm):
    """An event: its agenda (when creating), what, when, where, for whom, a reminder."""

    title = forms.CharField(label=_("Title"), max_length=200)
    category = forms.ChoiceField(label=_("Category"), choices=Event.Category.choices, initial=Event.Category.OTHER)
    starts_at = BoundedDateTimeField(label=_("Starts"), widget=LocalDateTimeInput())
    ends_at = BoundedDateTimeField(label=_("Ends"), widget=LocalDateTimeInput())
    is_all_day = forms.BooleanField(label=_("All day"), required=False)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    description = RichTextField(label=_("Description"), required=False)
    reminder_minutes = forms.TypedChoiceField(
        label=_("Reminder"),
        choices=[("", _("No reminder")), *Event.Reminder.choices],
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("For you (a personal event) or for the invitees who accepted."),
    )

    def __init__(self, *args: Any, scope: Scope, event: Event | None = None, **kwargs: Any) -> None:
        self.scope, self.event = scope, event
        if event is not None:
            kwargs.setdefault("initial", {}).update(self.initial_of(event))
        super().__init__(*args, edited=event, **kwargs)
        if event is None:
            agendas = access.agendas_for(scope)
            labels = dict(Event.Agenda.choices)
            self.fields["agenda"] = forms.ChoiceField(
                label=_("Agenda"), choices=[(a, labels[a]) for a in agendas], initial=Event.Agenda.PERSONAL
            )
            if Event.Agenda.CLASS in agendas:
                self.fields["school_class"] = SchoolClassChoice(
                    label=_("Class"),
                    queryset=access.publishable_classes(scope).order_by("level__order", "name"),
                    required=False,
                    help_text=_("For an event of a class's agenda."),
                )
            if Event.Agenda.COMMUNITY in agendas:
                self.fields["community"] = CommunityChoice(
                    label=_("Community"),
                    queryset=access.publishable_communities(scope).order_by("name", "pk"),
                    required=False,
                    help_text=_("For an event of a community's agenda: its members see it."),
                )
        shared = (event is None and len(access.agendas_for(scope)) > 1) or (event is not None and not event.is_personal)
        if shared:
            classes = access.publishable_classes(scope)
            self.fields.update(audiences.audience_fields(scope, classes=classes))
            self.fields["audience_groups"].help_text = _(
                "Establishment events only; a class event is for its class. Nothing chosen: the whole establishment."
            )
            if event is not None:
                self.initial.update(audiences.audience_initial(event))
        self.order_fields(
            ["agenda", "school_class", "community", "title", "category", "starts_at", "ends_at", "is_all_day", "place",
             "description", "audience_roles", "audience_groups", "reminder_minutes"]
        )  # fmt: skip

    @staticmethod
    def initial_of(event: Event) -> dict[str, Any]:
        return {
            "title": event.title,
            "category": event.category,
            "starts_at": timezone.localtime(event.starts_at),
            "ends_at": timezone.localtime(event.ends_at),
            "is_all_day": event.is_all_day,
            "place": event.place,
            "description": event.description,
            "reminder_minutes": event.reminder_minutes,
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and data.get("is_all_day"):
            data["starts_at"] = _midnight(starts.date())
            data["ends_at"] = _midnight(ends.date() + datetime.timedelta(days=1))
        elif starts and ends and ends < starts:
            self.add_error("ends_at", _("The event ends before it starts: check its end."))
        if data.get("agenda") == Event.Agenda.CLASS and not data.get("school_class"):
            self.add_error("school_class", _("Choose the class of a class event."))
        if data.get("agenda") == Event.Agenda.COMMUNITY and not data.get("community"):
            self.add_error("community", _("Choose the community of a community event."))
        return data

    def event_data(self) -> EventData:
        d = self.cleaned_data
        return EventData(
            title=d["title"],
            starts_at=d["starts_at"],
            ends_at=d["ends_at"],
            description=d.get("description") or "",
            place=d.get("place") or "",
            category=d["category"],
            is_all_day=bool(d.get("is_all_day")),
            reminder_minutes=d.get("reminder_minutes"),
        )

    def audience(self) -> AudienceChoice | None:
        if "audience_roles" not in self.fields:
            return None
        return audiences.audience_choice(self.cleaned_data)

    def school_class(self) -> SchoolClass | None:
        value: SchoolClass | None = self.cleaned_data.get("school_class")
        return value

    def community(self) -> Community | None:
        if self.cleaned_data.get("agenda") != Event.Agenda.COMMUNITY:
            return None
        value: Community | None = self.cleaned_data.get("community")
        return value


def _midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class InviteForm(forms.Form):
    """Choose people of the establishment to invite."""

    def __init__(self, *args: Any, scope: Scope, query: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)

        def people(ids: list[int]) -> list[PickerChoice]:
            return [person_choice(p) for p in access.invitable_people(scope).filter(pk__in=ids)]

        def search(words: str) -> list[PickerChoice]:
            return [person_choice(p) for p in _matching(scope, words)]

        self.fields["invitees"] = PickerField(
            label=_("People to invite"),
            people=people,
            search=search,
            search_url=reverse("agenda:people-search"),
            query=query,
            max_people=MAX_INVITEES,
            error_messages={"forbidden_people": _("Some of the people chosen cannot be invited; remove them.")},
        )

    def invitee_ids(self) -> list[int]:
        return person_ids(self.cleaned_data["invitees"])


def _matching(scope: Scope, words: str) -> list[Any]:
    words = words.strip()[:100]
    if not words:
        return []
    people = access.invitable_people(scope)
    for word in words.split()[:4]:
        people = people.filter(Q(search_name__icontains=word))
    return list(people[:20])


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Your answer"),
        choices=[("accepted", _("Accept")), ("declined", _("Decline")), ("maybe", _("Maybe"))],
        widget=forms.RadioSelect,
    )
