"""The territory's form to register an OpenID Connect client."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from romsie.core.access.scope import Scope

from . import access

MAX_REDIRECT_URIS = 10


class TerritoryChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


def _redirect_uri_errors(uri: str) -> str:
    parts = urlsplit(uri)
    if parts.scheme != "https" or not parts.hostname:
        return str(_("“%(uri)s” is not an https address.") % {"uri": uri})
    if "#" in uri or "@" in parts.netloc or "*" in uri:
        return str(_("“%(uri)s” may have no fragment, credentials or wildcard.") % {"uri": uri})
    return ""


class ClientForm(forms.Form):
    territory = TerritoryChoice(label=_("Territory"), queryset=None, empty_label=None)
    name = forms.CharField(label=_("Name shown to people"), max_length=255)
    redirect_uris = forms.CharField(
        label=_("Redirect URIs"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One https address per line, matched exactly (no wildcard, no extra path or query)."),
    )
    scopes = forms.MultipleChoiceField(
        label=_("Scopes the client may ask for"), widget=forms.CheckboxSelectMultiple, initial=["openid"]
    )
    confidential = forms.TypedChoiceField(
        label=_("Kind of client"),
        choices=[
            ("1", _("Confidential: a server keeps a secret (a web platform)")),
            ("0", _("Public: no secret, PKCE only (a phone or desktop application)")),
        ],
        coerce=lambda value: value == "1",
        initial="1",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        territory_field: Any = self.fields["territory"]
        territory_field.queryset = access.administered_territories(scope)
        scopes_field: Any = self.fields["scopes"]
        scopes_field.choices = [(name, f"{name} — {label}") for name, label in settings.OAUTH2_SCOPES.items()]

    def clean_redirect_uris(self) -> list[str]:
        uris = [line.strip() for line in self.cleaned_data["redirect_uris"].splitlines() if line.strip()]
        if not uris:
            raise forms.ValidationError(_("Give at least one redirect URI."))
        if len(uris) > MAX_REDIRECT_URIS:
            raise forms.ValidationError(_("Ten redirect URIs at most."))
        errors = [error for error in map(_redirect_uri_errors, uris) if error]
        if errors:
            raise forms.ValidationError(errors)
        return list(dict.fromkeys(uris))

    def clean_scopes(self) -> list[str]:
        scopes = list(self.cleaned_data["scopes"])
        if "openid" not in scopes:
            raise forms.ValidationError(_("A client needs at least the “openid” scope."))
        return scopes
