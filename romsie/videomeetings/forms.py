"""Forms of the video meetings: a meeting, the territory's server."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from romsie.core.access.scope import Scope
from romsie.core.forms import (
    BoundedDateTimeField,
    LocalDateTimeInput,
    PickerChoice,
    PickerField,
    VersionedForm,
    person_choice,
    person_ids,
)

from . import access
from .models import VideoMeeting, VideoServer
from .services import MAX_INVITEES, MeetingData

DURATIONS = [(15, _("15 minutes")), (30, _("30 minutes")), (45, _("45 minutes")), (60, _("1 hour")),
             (90, _("1 hour 30")), (120, _("2 hours"))]  # fmt: skip


class ClassChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class AppointmentChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        when = formats.date_format(timezone.localtime(obj.slot.starts_at), "DATETIME_FORMAT")
        return f"{when} — {obj.guardian.get_full_name()} ({obj.student.get_full_name()})"


def matching_people(scope: Scope, words: str) -> list[Any]:
    """The people one may invite whose name has every word typed (at most 20)."""
    words = words.strip()[:100]
    if not words:
        return []
    people = access.invitable_people(scope)
    for word in words.split()[:4]:
        people = people.filter(Q(search_name__icontains=word))
    return list(people[:20])


class CommunityChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A community, by its name."""

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class MeetingForm(VersionedForm):
    """A meeting: what and when; when creating, whom it is for."""

    title = forms.CharField(label=_("Title"), max_length=200)
    starts_at = BoundedDateTimeField(label=_("Starts"), widget=LocalDateTimeInput())
    duration_minutes = forms.TypedChoiceField(label=_("Duration"), choices=DURATIONS, coerce=int, initial=60)

    def __init__(
        self, *args: Any, scope: Scope, meeting: VideoMeeting | None = None, query: str = "", **kwargs: Any
    ) -> None:
        self.scope, self.meeting = scope, meeting
        if meeting is not None:
            kwargs.setdefault("initial", {}).update(
                {
                    "title": meeting.title,
                    "starts_at": timezone.localtime(meeting.starts_at),
                    "duration_minutes": meeting.duration_minutes,
                    "with_guardians": meeting.with_guardians,
                    "invitees": [f"user:{pk}" for pk in meeting.invitees.values_list("person_id", flat=True)],
                }
            )
        super().__init__(*args, edited=meeting, **kwargs)
        kind = meeting.kind if meeting is not None else None
        if meeting is None:
            self.fields["kind"] = forms.ChoiceField(
                label=_("For"), choices=VideoMeeting.For.choices, widget=forms.RadioSelect, initial="class"
            )
            self.fields["school_class"] = ClassChoice(
                label=_("Class"),
                queryset=access.organisable_classes(scope).order_by("level__order", "name"),
                required=False,
                help_text=_("For a class meeting: its students and teachers are invited."),
            )
            self.fields["appointment"] = AppointmentChoice(
                label=_("Appointment"),
                queryset=access.organisable_appointments(scope)
                .filter(slot__starts_at__gte=timezone.now())
                .select_related("slot", "guardian", "student")
                .order_by("slot__starts_at"),
                required=False,
                help_text=_("For one of your parent–teacher appointments: its guardian is invited."),
            )
            self.fields["community"] = CommunityChoice(
                label=_("Community"),
                queryset=access.organisable_communities(scope).order_by("name", "pk"),
                required=False,
                help_text=_("For a community you own or manage: its members are invited."),
            )
        if kind in (None, VideoMeeting.For.CLASS):
            self.fields["with_guardians"] = forms.BooleanField(
                label=_("Invite the class's guardians too"), required=False
            )
        if kind in (None, VideoMeeting.For.PEOPLE):

            def people(ids: list[int]) -> list[PickerChoice]:
                return [person_choice(p) for p in access.invitable_people(scope).filter(pk__in=ids)]

            self.fields["invitees"] = PickerField(
                label=_("People to invite"),
                people=people,
                search=lambda words: [person_choice(p) for p in matching_people(scope, words)],
                search_url=reverse("videomeetings:people-search"),
                query=query,
                max_people=MAX_INVITEES,
                required=False,
                error_messages={"forbidden_people": _("Some of the people chosen cannot be invited; remove them.")},
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        if kind == VideoMeeting.For.CLASS and not data.get("school_class"):
            self.add_error("school_class", _("Choose the class of a class meeting."))
        if kind == VideoMeeting.For.COMMUNITY and not data.get("community"):
            self.add_error("community", _("Choose the community of a community meeting."))
        if kind == VideoMeeting.For.APPOINTMENT and not data.get("appointment"):
            self.add_error("appointment", _("Choose the appointment to hold by video."))
        wants_people = kind == VideoMeeting.For.PEOPLE or (
            self.meeting is not None and self.meeting.kind == VideoMeeting.For.PEOPLE
        )
        if wants_people and not data.get("invitees"):
            self.add_error("invitees", _("Choose the people to invite."))
        return data

    def meeting_data(self) -> MeetingData:
        d = self.cleaned_data
        return MeetingData(title=d["title"], starts_at=d["starts_at"], duration_minutes=d["duration_minutes"])

    def invitee_ids(self) -> list[int]:
        return person_ids(self.cleaned_data.get("invitees") or [])

    def current_values(self, current: Any) -> list[tuple[Any, str]]:
        fields = ("title", "starts_at", "duration_minutes")
        return [(self.fields[name].label, self.value_text(name, getattr(current, name))) for name in fields]


class ServerForm(VersionedForm):
    """The territory's video-conference server; the secret is never shown back (blank keeps it)."""

    kind = forms.ChoiceField(label=_("Kind of server"), choices=VideoServer.Kind.choices, widget=forms.RadioSelect)
    url = forms.URLField(
        label=_("Address"),
        max_length=300,
        assume_scheme="https",
        help_text=_("BigBlueButton: the API's address, ending in /bigbluebutton/api. Jitsi: the address of the rooms."),
    )
    secret = forms.CharField(
        label=_("Secret"),
        max_length=200,
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_("BigBlueButton's shared secret or Jitsi's application secret. Leave blank to keep the one saved."),
    )
    checksum_algorithm = forms.ChoiceField(
        label=_("Checksum (BigBlueButton)"), choices=VideoServer.Checksum.choices, initial="sha256"
    )
    app_id = forms.CharField(label=_("Application identifier (Jitsi)"), max_length=100, required=False)

    def __init__(self, *args: Any, server: VideoServer | None, **kwargs: Any) -> None:
        if server is not None:
            kwargs.setdefault("initial", {}).update(
                {
                    "kind": server.kind,
                    "url": server.url,
                    "checksum_algorithm": server.checksum_algorithm,
                    "app_id": server.app_id,
                }
            )
        super().__init__(*args, edited=server, **kwargs)
        if server is None:
            self.fields["secret"].required = True
            self.fields["secret"].help_text = _("BigBlueButton's shared secret or Jitsi's application secret.")

    def current_values(self, current: Any) -> list[tuple[Any, str]]:
        """The other admin's version, without its secret."""
        fields = ("kind", "url", "checksum_algorithm", "app_id")
        rows = []
        for name in fields:
            shown = getattr(current, f"get_{name}_display", None)
            value = shown() if callable(shown) else getattr(current, name)
            rows.append((self.fields[name].label, self.value_text(name, value)))
        return rows
