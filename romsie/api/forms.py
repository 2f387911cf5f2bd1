"""The form creating a personal access token."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from romsie.core.api import ApiScope

SCOPE_LABELS = {
    ApiScope.TIMETABLE: _("Read my timetable"),
    ApiScope.HOMEWORK: _("Read my homework and tick it done"),
    ApiScope.MESSAGES: _("Read my messages and unread counts"),
    ApiScope.NOTIFICATIONS: _("Read my notifications"),
    ApiScope.NEWS: _("Read the news"),
}

LIFETIMES = [(7, _("7 days")), (30, _("30 days")), (90, _("90 days")), (365, _("One year"))]


class PersonalTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("The program that will use it, for example “Family calendar on my phone”."),
    )
    scopes = forms.MultipleChoiceField(
        label=_("What it may read"),
        choices=[(str(s), label) for s, label in SCOPE_LABELS.items()],
        widget=forms.CheckboxSelectMultiple,
    )
    lifetime_days = forms.TypedChoiceField(label=_("Lasts"), choices=LIFETIMES, coerce=int, initial=30)
