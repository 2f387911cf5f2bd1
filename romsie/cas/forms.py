"""The form a territory admin registers a CAS service with."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from romsie.core.forms import VersionedForm

from . import protocol
from .models import CasService
from .services import ServiceData


class ServiceForm(VersionedForm, forms.Form):
    """Name, address pattern, attributes released and single logout of a service."""

    name = forms.CharField(label=_("Name"), max_length=120)
    match = forms.ChoiceField(label=_("Kind of pattern"), choices=CasService.Match.choices)
    pattern = forms.CharField(
        label=_("Service address pattern"),
        max_length=protocol.MAX_PATTERN,
        help_text=_(
            "A prefix like https://cdi.example.test/ or an anchored regular expression like "
            "^https://cdi\\.example\\.test/.* (the host written literally)."
        ),
    )
    attributes = forms.MultipleChoiceField(
        label=_("Attributes released"),
        choices=[(key, label) for key, label in protocol.ATTRIBUTES.items()],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    single_logout = forms.BooleanField(
        label=_("Single logout"),
        required=False,
        help_text=_("When a person signs out of the ENT, tell the service so that it ends its own session."),
    )

    def __init__(self, *args: Any, service: CasService | None = None, **kwargs: Any) -> None:
        if service is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": service.name,
                    "match": service.match,
                    "pattern": service.pattern,
                    "attributes": service.attributes,
                    "single_logout": service.single_logout,
                },
            )
        super().__init__(*args, edited=service, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("match") and data.get("pattern"):
            problem = protocol.check_pattern(data["match"], data["pattern"])
            if problem:
                self.add_error("pattern", problem)
        return data

    def service_data(self) -> ServiceData:
        data = self.cleaned_data
        return ServiceData(
            name=data["name"],
            match=data["match"],
            pattern=data["pattern"],
            attributes=list(data["attributes"]),
            single_logout=bool(data["single_logout"]),
        )
