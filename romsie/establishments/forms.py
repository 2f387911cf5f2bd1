"""Forms of the establishments app: an establishment's identity, its services and role rights."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from romsie.core import registry
from romsie.core.access import catalogue
from romsie.core.access.catalogue import HabilitationSpec
from romsie.core.access.scope import Scope
from romsie.core.forms import VersionedForm, display_value

from . import access
from .models import Establishment, Territory


class UAIField(forms.CharField):
    """A UAI typed by a person: spaces removed and letters upper-cased before validation."""

    def to_python(self, value: Any) -> str:
        text = super().to_python(value) or ""
        return str(text).replace(" ", "").upper()


class EstablishmentForm(VersionedForm, forms.ModelForm):  # type: ignore[type-arg]
    """An establishment's identity and contact details, in one of the scope's territories."""

    uai = UAIField(
        label=_("UAI"),
        max_length=8,
        help_text=_("The national identifier: seven digits and a letter, for example 0771234A."),
        error_messages={"unique": _("An establishment with this UAI already exists.")},
    )

    class Meta:
        model = Establishment
        fields = ["territory", "uai", "name", "kind", "address", "postal_code", "city", "phone", "email"]
        labels = {"territory": _("Territory")}

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        self.scope = scope
        super().__init__(*args, **kwargs)
        self.fields["uai"].validators = list(Establishment._meta.get_field("uai").validators)
        territory_field = self.fields["territory"]
        assert isinstance(territory_field, forms.ModelChoiceField)
        territory_field.queryset = access.visible_territories(scope)
        territory_field.empty_label = None

    def clean_uai(self) -> str:
        uai: str = self.cleaned_data["uai"]
        others = Establishment.objects.filter(uai=uai)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(_("An establishment with this UAI already exists."), code="unique")
        return uai


class EnabledServicesForm(VersionedForm):
    """A checkbox per service an establishment may switch on or off (``edited=`` the establishment)."""

    services = forms.MultipleChoiceField(
        label=_("Services switched on"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["services"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(s.key, s.label) for s in registry.switchable_services()]

    def current_values(self, current: Any) -> list[tuple[Any, str]]:
        enabled = set(current.enabled_services or [])
        labels = [str(s.label) for s in registry.switchable_services() if s.key in enabled]
        return [(self.fields["services"].label, display_value(labels))]


@dataclass(frozen=True)
class RightRow:
    """One habilitation for one profile, as the rights page shows it."""

    spec: HabilitationSpec
    default: bool
    current: bool
    field: forms.BoundField | None


@dataclass(frozen=True)
class ProfileRights:
    profile: str
    label: str
    rows: list[RightRow]


FIELD_PREFIX = "right:"


def right_field_name(profile: str, key: str) -> str:
    return f"{FIELD_PREFIX}{profile}:{key}"


class HabilitationOverridesForm(VersionedForm):
    """A checkbox per habilitation an establishment may adjust for a profile.

    Pairs outside the territory's ceiling have no field; a POST that names one anyway
    (a forged request) is refused as a whole.
    """

    def __init__(
        self, *args: Any, establishment: Establishment, profiles: Sequence[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, edited=establishment, **kwargs)
        self.profiles = list(profiles)
        self.specs = catalogue.all_specs()
        self.adjustable = access.adjustable_habilitations(establishment.territory)
        overrides = establishment.habilitation_overrides or {}
        for profile, label in self.profiles:
            for spec in self.specs:
                if spec.key in self.adjustable.get(profile, frozenset()):
                    default = profile in spec.defaults
                    name = right_field_name(profile, spec.key)
                    # Named by its visible "Granted" label and its row's header (see the template),
                    # without hidden text that would widen a scrolling table on a phone.
                    widget = forms.CheckboxInput(attrs={"aria-labelledby": f"{name}-granted {name}-right"})
                    self.fields[name] = forms.BooleanField(
                        label=_("%(right)s, for the role %(role)s") % {"right": spec.label, "role": label},
                        required=False,
                        initial=bool(overrides.get(profile, {}).get(spec.key, default)),
                        widget=widget,
                    )

    def rights(self) -> list[ProfileRights]:
        """Return, per profile, every habilitation with its default and current value."""
        result = []
        for profile, label in self.profiles:
            rows = []
            for spec in self.specs:
                default = profile in spec.defaults
                name = right_field_name(profile, spec.key)
                bound = self[name] if name in self.fields else None
                current = bool(bound.value()) if bound is not None else default
                rows.append(RightRow(spec, default, current, bound))
            result.append(ProfileRights(profile, label, rows))
        return result

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        forged = [k for k in self.data if k.startswith(FIELD_PREFIX) and k not in self.fields]
        if forged:
            raise forms.ValidationError(
                _("Some of these rights cannot be adjusted in this establishment: the territory does not allow it."),
                code="outside_ceiling",
            )
        return cleaned

    def overrides(self) -> dict[str, dict[str, bool]]:
        """Return ``{profile: {habilitation: granted}}`` for every adjustable pair."""
        result: dict[str, dict[str, bool]] = {}
        for name, value in self.cleaned_data.items():
            if not name.startswith(FIELD_PREFIX):
                continue
            profile, key = name[len(FIELD_PREFIX) :].split(":", 1)
            result.setdefault(profile, {})[key] = bool(value)
        return result

    def current_values(self, current: Any) -> list[tuple[Any, str]]:
        """Per role, the adjustable rights granted in the other person's version."""
        overrides = current.habilitation_overrides or {}
        rows = []
        for profile, label in self.profiles:
            granted = [
                str(spec.label)
                for spec in self.specs
                if spec.key in self.adjustable.get(profile, frozenset())
                and overrides.get(profile, {}).get(spec.key, profile in spec.defaults)
            ]
            if self.adjustable.get(profile):
                rows.append((label, display_value(granted)))
        return rows


class TerritoryCeilingForm(VersionedForm):
    """Per profile, the habilitations the territory's establishments may switch on or off."""

    def __init__(self, *args: Any, territory: Territory, profiles: Sequence[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, edited=territory, **kwargs)
        self.profiles = list(profiles)
        adjustable = access.adjustable_habilitations(territory)
        choices = [(spec.key, spec.label) for spec in catalogue.all_specs()]
        for profile, label in self.profiles:
            self.fields[profile] = forms.MultipleChoiceField(
                label=label,
                choices=choices,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                initial=sorted(adjustable.get(profile, frozenset())),
            )

    def ceiling(self) -> dict[str, list[str]]:
        return {profile: list(self.cleaned_data.get(profile, [])) for profile, _label in self.profiles}

    def current_values(self, current: Any) -> list[tuple[Any, str]]:
        """Per role, the rights the other person's version lets establishments adjust."""
        adjustable = access.adjustable_habilitations(current)
        labels = {spec.key: str(spec.label) for spec in catalogue.all_specs()}
        return [
            (label, display_value(sorted(labels.get(k, k) for k in adjustable.get(profile, frozenset()))))
            for profile, label in self.profiles
        ]
