"""The form with which a territory admin registers an identity provider."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from romsie.core.access.scope import Scope
from romsie.core.forms import VersionedForm
from romsie.establishments.access import visible_territories

from .models import IdentityProvider
from .services import DEFAULT_MAPPING

MAX_METADATA_BYTES = 1_000_000


class ProviderForm(VersionedForm, forms.ModelForm[IdentityProvider]):
    """Name, kind, metadata (pasted or uploaded) and the attribute that identifies the person."""

    metadata_file = forms.FileField(
        label=_("or upload the metadata file"), required=False, help_text=_("An XML file of at most 1 MB.")
    )

    class Meta:
        model = IdentityProvider
        fields = [
            "territory",
            "name",
            "slug",
            "kind",
            "metadata_xml",
            "identifier_attribute",
            "identifier_field",
            "ine_attribute",
            "allow_unsolicited",
            "is_enabled",
        ]
        labels = {"metadata_xml": _("Metadata (paste the XML)")}
        help_texts = {
            "slug": _("Letters, digits and hyphens, used in the sign-in address (e.g. educonnect)."),
        }

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        territory = self.fields["territory"]
        assert isinstance(territory, forms.ModelChoiceField)
        territory.queryset = visible_territories(scope)
        territory.empty_label = None
        self.fields["metadata_xml"].required = False
        self.fields["metadata_xml"].widget.attrs.update(rows=6, spellcheck="false")
        if not self.instance.pk and not self.is_bound:
            self.initial.update(DEFAULT_MAPPING[IdentityProvider.Kind.FAMILY])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        upload = cleaned.get("metadata_file")
        if upload is not None:
            if upload.size > MAX_METADATA_BYTES:
                self.add_error("metadata_file", _("This file is larger than 1 MB."))
                return cleaned
            try:
                cleaned["metadata_xml"] = upload.read().decode("utf-8")
            except UnicodeDecodeError:
                self.add_error("metadata_file", _("This file is not UTF-8 text."))
                return cleaned
        if not (cleaned.get("metadata_xml") or "").strip():
            self.add_error("metadata_xml", _("Paste the metadata or upload its file."))
        return cleaned

    def provider_fields(self) -> dict[str, Any]:
        names = ["name", "slug", "kind", "identifier_attribute", "identifier_field", "ine_attribute"]
        names += ["allow_unsolicited", "is_enabled"]
        return {name: self.cleaned_data[name] for name in names}
