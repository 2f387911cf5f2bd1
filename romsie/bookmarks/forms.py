"""Forms of the bookmarks; choices come from the gates (the administered territories' establishments)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from romsie.core.access.scope import Scope
from romsie.core.forms import VersionedForm
from romsie.establishments.access import visible_establishments, visible_territories
from romsie.schooling.audiences import AudienceChoice, audience_choice, audience_fields, audience_initial
from romsie.schooling.models import Level

from .models import Bookmark, FamilyLink, PushedBookmark, web_address


def https_formfield(db_field: models.Field[Any, Any], **kwargs: Any) -> forms.Field | None:
    """A web address typed without its scheme is taken as ``https://`` (Django 6's default)."""
    if isinstance(db_field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return db_field.formfield(**kwargs)


class BookmarkForm(forms.ModelForm[Bookmark]):
    class Meta:
        formfield_callback = https_formfield
        model = Bookmark
        fields = ["title", "url", "folder"]
        help_texts = {"folder": _("Optional: bookmarks of the same folder are shown together.")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["url"].validators = [web_address]
        self.fields["url"].widget.attrs["placeholder"] = "https://"


class FamilyLinkForm(VersionedForm, forms.ModelForm[FamilyLink]):
    class Meta:
        formfield_callback = https_formfield
        model = FamilyLink
        fields = [
            "territory",
            "title",
            "url",
            "description",
            "category",
            "reach",
            "establishments",
            "levels",
            "for_guardians",
            "for_students",
            "position",
        ]
        widgets = {"establishments": forms.CheckboxSelectMultiple, "levels": forms.CheckboxSelectMultiple}
        help_texts = {"levels": _("None chosen: every level.")}

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["url"].validators = [web_address]
        territory = self.fields["territory"]
        establishments = self.fields["establishments"]
        levels = self.fields["levels"]
        assert isinstance(territory, forms.ModelChoiceField)
        assert isinstance(establishments, forms.ModelMultipleChoiceField)
        assert isinstance(levels, forms.ModelMultipleChoiceField)
        territory.queryset = visible_territories(scope)
        territory.empty_label = None
        establishments.queryset = visible_establishments(scope).order_by("name")
        levels.queryset = Level.objects.order_by("order")

    def link_fields(self) -> dict[str, Any]:
        names = ["title", "url", "description", "category", "reach", "for_guardians", "for_students", "position"]
        return {name: self.cleaned_data[name] for name in names}


class PushedBookmarkForm(VersionedForm, forms.ModelForm[PushedBookmark]):
    class Meta:
        formfield_callback = https_formfield
        model = PushedBookmark
        fields = ["title", "url", "description", "position"]

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["url"].validators = [web_address]
        self.fields.update(audience_fields(scope))
        if self.instance.pk and not self.is_bound:
            self.initial.update(audience_initial(self.instance))

    def choice(self) -> AudienceChoice:
        return audience_choice(self.cleaned_data)

    def pushed_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in ("title", "url", "description", "position")}
