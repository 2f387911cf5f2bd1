"""Forms of the address book; every choice comes from the person's own gates."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import validate_email
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from romsie.core.access.scope import Scope
from romsie.core.forms import PickerChoice, PickerField, VersionedForm, person_choice, person_ids
from romsie.core.text import fold
from romsie.identity.models import User
from romsie.identity.selectors import BY_NAME

from . import access
from .models import Contact, ContactGroup

MAX_LINES = 10


def people_matching(scope: Scope, query: str) -> list[User]:
    """Return at most 20 people a contact may stand for whose name has every word of ``query``."""
    words = fold(query).split()
    if not words:
        return []
    people = access.linkable_people(scope)
    for word in words[:4]:
        people = people.filter(search_name__contains=word)
    return list(people.order_by(*BY_NAME)[:20])


def person_field(scope: Scope, *, query: str = "") -> PickerField:
    """The picker of the ENT person a contact stands for, among those the directory shows."""

    def people(ids: list[int]) -> list[PickerChoice]:
        return [person_choice(p) for p in access.linkable_people(scope).filter(pk__in=ids[:1])]

    def search(words: str) -> list[PickerChoice]:
        return [person_choice(p) for p in people_matching(scope, words)]

    return PickerField(
        people=people,
        search=search,
        search_url=reverse("contacts:person-search"),
        query=query,
        max_people=1,
        required=False,
        label=_("Person of the ENT"),
        help_text=_("Link the contact to a person of the directory to write to them through your groups."),
        error_messages={
            "forbidden_people": _("You may not link this contact to this person."),
            "too_many": _("Choose one person at most."),
        },
    )


class LinesField(forms.CharField):
    """Several values, one a line (e-mail addresses, phone numbers)."""

    widget = forms.Textarea(attrs={"rows": 2})

    def __init__(self, *, email: bool = False, **kwargs: Any) -> None:
        super().__init__(required=False, **kwargs)
        self.email = email

    def prepare_value(self, value: Any) -> Any:
        return "\n".join(value) if isinstance(value, list) else value

    def clean(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().clean(value)
        lines = list(dict.fromkeys(line.strip() for line in str(text).splitlines() if line.strip()))
        if len(lines) > MAX_LINES:
            raise forms.ValidationError(_("Give %(max)d lines at most."), params={"max": MAX_LINES})
        for line in lines:
            if len(line) > 254:
                raise forms.ValidationError(_("A line is too long."))
            if self.email:
                validate_email(line)
        return lines


class ContactForm(VersionedForm, forms.ModelForm[Contact]):
    emails = LinesField(email=True, label=_("E-mail addresses"), help_text=_("One a line."))
    phones = LinesField(label=_("Phone numbers"), help_text=_("One a line."))
    groups = forms.ModelMultipleChoiceField(
        queryset=ContactGroup.objects.none(), required=False, widget=forms.CheckboxSelectMultiple, label=_("Groups")
    )

    class Meta:
        model = Contact
        fields = ["first_name", "last_name", "organisation", "emails", "phones", "address", "notes", "groups"]
        widgets = {"address": forms.Textarea(attrs={"rows": 3}), "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, scope: Scope, query: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scope = scope
        groups = self.fields["groups"]
        assert isinstance(groups, forms.ModelMultipleChoiceField)
        groups.queryset = access.visible_groups(scope).order_by("name")
        self.fields["person"] = person_field(scope, query=query)
        if self.instance.pk and self.instance.person_id and not self.is_bound:
            self.initial["person"] = [f"user:{self.instance.person_id}"]

    @property
    def chosen_person(self) -> User | None:
        ids = person_ids(self.cleaned_data.get("person") or [])
        if not ids:
            return None
        found = self.fields["person"]
        assert isinstance(found, PickerField)
        choices = found.people_of(ids)
        return choices[0].obj if choices else None

    def contact_fields(self) -> dict[str, Any]:
        names = ["first_name", "last_name", "organisation", "emails", "phones", "address", "notes"]
        return {name: self.cleaned_data[name] for name in names}

    def current_values(self, current: Any) -> list[tuple[Any, str]]:
        rows = []
        for name in ("first_name", "last_name", "organisation", "emails", "phones", "address", "notes"):
            rows.append((self.fields[name].label, self.value_text(name, getattr(current, name))))
        return rows


class GroupForm(forms.Form):
    name = forms.CharField(label=_("Name of the group"), max_length=100)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Address book file (.vcf)"),
        help_text=_("A vCard file exported from a phone or a mail program; 2 MB at most."),
        widget=forms.ClearableFileInput(attrs={"accept": ".vcf,text/vcard"}),
    )
