"""The territory's forms to register an OpenID Connect client and to edit one."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from romsie.core.access.scope import Scope
from romsie.core.forms import VersionedForm, display_value

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


class ClientFieldsMixin(forms.Form):
    """What a client's registration and its edit share: its name, redirect URIs and scopes."""

    name = forms.CharField(label=_("Name shown to people"), max_length=255)
    redirect_uris = forms.CharField(
        label=_("Redirect URIs"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One https address per line, matched exactly (no wildcard, no extra path or query)."),
    )
    scopes = forms.MultipleChoiceField(
        label=_("Scopes the client may ask for"), widget=forms.CheckboxSelectMultiple, initial=["openid"]
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
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


class ClientForm(ClientFieldsMixin):
    territory = TerritoryChoice(label=_("Territory"), queryset=None, empty_label=None)
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
    field_order = ["territory", "name", "redirect_uris", "scopes", "confidential"]

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        territory_field: Any = self.fields["territory"]
        territory_field.queryset = access.administered_territories(scope)


class ClientEditForm(VersionedForm, ClientFieldsMixin):
    """A registered client's name, redirect URIs and scopes (``edited=`` the registration). Its
    territory and kind stay: a client of another kind is a new registration."""

    def __init__(self, *args: Any, edited: Any, **kwargs: Any) -> None:
        if "initial" not in kwargs:
            application = edited.application
            kwargs["initial"] = {
                "name": application.name,
                "redirect_uris": "\n".join(application.redirect_uris.split()),
                "scopes": edited.scopes,
            }
        super().__init__(*args, edited=edited, **kwargs)

    def current_values(self, current: Any) -> list[tuple[Any, str]]:
        application = current.application
        return [
            (self.fields["name"].label, application.name),
            (self.fields["redirect_uris"].label, display_value(application.redirect_uris.split())),
            (self.fields["scopes"].label, display_value(current.scopes)),
        ]
