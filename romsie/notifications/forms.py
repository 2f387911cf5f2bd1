"""The form of a person's notification preferences: a delivery per registered kind, quiet hours."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .kinds import NotificationKind
from .models import NotificationPreference


def field_name(kind: NotificationKind) -> str:
    return "kind_" + kind.key.replace(".", "__")


def hold_field_name(kind: NotificationKind) -> str:
    """The checkbox of an urgent kind: hold its e-mails in the quiet hours too."""
    return "hold_" + kind.key.replace(".", "__")


class NotificationPreferencesForm(forms.Form):
    """Delivery per registered kind, and optional quiet hours."""

    quiet_starts_at = forms.TimeField(
        label=_("Quiet hours from"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    quiet_ends_at = forms.TimeField(
        label=_("Quiet hours until"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_(
            "No e-mail is sent during these hours; they leave when the quiet hours end. Example: 22:00 to 07:00."
        ),
    )

    def __init__(self, *args: Any, kinds: list[NotificationKind], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kinds = kinds
        kind_fields: dict[str, forms.Field] = {
            field_name(kind): forms.ChoiceField(label=str(kind.label), choices=NotificationPreference.Delivery.choices)
            for kind in kinds
        }
        for kind in kinds:
            if kind.urgent:
                kind_fields[hold_field_name(kind)] = forms.BooleanField(
                    label=_("Hold back in my quiet hours too"),
                    required=False,
                    help_text=_("Otherwise this alert is e-mailed at once, even in your quiet hours."),
                )
        # The kinds first, then the quiet hours.
        self.fields = {**kind_fields, **self.fields}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("quiet_starts_at"), data.get("quiet_ends_at")
        if (starts is None) != (ends is None):
            raise forms.ValidationError(_("Give both the start and the end of your quiet hours, or neither."))
        if starts is not None and starts == ends:
            raise forms.ValidationError(_("Quiet hours must end at another time than they start."))
        return data

    def deliveries(self) -> dict[str, str]:
        return {kind.key: self.cleaned_data[field_name(kind)] for kind in self.kinds}

    def held_back(self) -> set[str]:
        """The urgent kinds the person wants held in their quiet hours too."""
        return {kind.key for kind in self.kinds if kind.urgent and self.cleaned_data.get(hold_field_name(kind))}

    def kind_fields(self) -> list[forms.BoundField]:
        return [self[field_name(kind)] for kind in self.kinds]

    def kind_rows(self) -> list[tuple[forms.BoundField, forms.BoundField | None]]:
        """Each kind's delivery, with the quiet-hours checkbox of an urgent kind."""
        return [(self[field_name(kind)], self[hold_field_name(kind)] if kind.urgent else None) for kind in self.kinds]

    def quiet_fields(self) -> list[forms.BoundField]:
        return [self["quiet_starts_at"], self["quiet_ends_at"]]
