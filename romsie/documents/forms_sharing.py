"""Forms of sharing, hand-outs and collections, and the "attach from my documents" field.

Choices come from :mod:`romsie.documents.access`; the services check them again.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from romsie.core.access.scope import Scope
from romsie.core.forms import BoundedDateField, PickerChoice, PickerField
from romsie.core.text import fold
from romsie.identity.selectors import BY_NAME

from . import access, sharing
from .models import Right

RIGHT_CHOICES = [
    (Right.READ.value, _("Read: open and download")),
    (Right.CONTRIBUTE.value, _("Contribute: also add files and folders inside")),
    (Right.MANAGE.value, _("Manage: also rename, move, delete and share")),
]


class DateInput(forms.DateInput):
    input_type = "date"


def _person(person: Any) -> PickerChoice:
    return PickerChoice(f"user:{person.pk}", person.get_full_name(), obj=person)


def people_matching(scope: Scope, words: str) -> list[PickerChoice]:
    """At most 20 people one may share with whose name has every word typed (one query)."""
    people = access.shareable_people(scope)
    for word in fold(words).split()[:4]:
        people = people.filter(search_name__contains=word)
    return [_person(p) for p in people.order_by(*BY_NAME)[:20]] if words.strip() else []


def audience_field(scope: Scope, *, query: str = "") -> PickerField:
    """The picker of the people and groups the person may share with."""
    groups = [PickerChoice(c.token, c.label, c.section) for c in access.share_groups(scope)]

    def people(ids: list[int]) -> list[PickerChoice]:
        return [_person(p) for p in access.shareable_people(scope).filter(pk__in=ids).order_by(*BY_NAME)]

    return PickerField(
        label=_("Share with"),
        groups=groups,
        people=people,
        search=lambda words: people_matching(scope, words),
        search_url=reverse("documents:share-people-search"),
        query=query,
        error_messages={
            "required": _("Choose at least one person or group."),
            "forbidden_people": _("You may not share with some of the people chosen; remove them and try again."),
            "forbidden_groups": _("You may not share with some of the groups chosen; remove them and try again."),
        },
    )


class ShareForm(forms.Form):
    right = forms.TypedChoiceField(
        label=_("They may"), choices=RIGHT_CHOICES, coerce=int, initial=Right.READ.value, widget=forms.RadioSelect
    )

    def __init__(self, *args: Any, scope: Scope, query: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields = {"audience": audience_field(scope, query=query), **self.fields}


class HandoutForm(forms.Form):
    audience = forms.MultipleChoiceField(
        label=_("Hand out to"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Each student gets a read-only copy in their “Received” folder, and a notification."),
        error_messages={"required": _("Choose a class or a group.")},
    )

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["audience"].choices = [(c.token, c.label) for c in access.distributable_groups(scope)]  # type: ignore[attr-defined]


class CollectionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=150)
    audience = forms.ChoiceField(
        label=_("Class or group"), error_messages={"required": _("Choose a class or a group.")}
    )
    due_on = BoundedDateField(label=_("Due on"), widget=DateInput(), help_text=_("Work is due by the end of this day."))

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["audience"].choices = [("", "—")] + [  # type: ignore[attr-defined]
            (c.token, f"{c.label} ({c.section})") for c in access.distributable_groups(scope)
        ]


class DropForm(forms.Form):
    file = forms.FileField(label=_("Your work"))


def linked_documents_field(scope: Scope) -> forms.TypedMultipleChoiceField | None:
    """The "attach from my documents" field: the person's own latest files (one query), or None
    when they may not use documents here."""
    if not access.may_use(scope) or "documents" not in scope.services:
        return None
    files = sharing.linkable_files(scope)
    if not files:
        return None
    return forms.TypedMultipleChoiceField(
        label=_("Link from my documents"),
        choices=[(node.pk, node.name) for node in files],
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The readers get a read-only share of the files you link: one file, not a copy."),
    )
