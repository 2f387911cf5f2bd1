"""Forms of the families' part of school life: justify an absence or a lateness, review a justification."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from romsie.core.access.scope import Scope

from .models import AbsenceReason

# A phone offers its camera or its gallery for images, and its files for a PDF. No ``capture``
# attribute: it would open the camera only, and a PDF could no longer be chosen.
DOCUMENT_ACCEPT = "image/*,application/pdf"


def family_reasons(scope: Scope) -> QuerySet[AbsenceReason]:
    """The reasons a family may choose: the establishment's active ones offered to families."""
    return AbsenceReason.objects.filter(
        establishment_id=scope.establishment_id, offered_to_families=True, is_active=True
    )


def staff_reasons(scope: Scope) -> QuerySet[AbsenceReason]:
    """The reasons a reviewer may give: every active one of the establishment."""
    return AbsenceReason.objects.filter(establishment_id=scope.establishment_id, is_active=True)


class JustifyForm(forms.Form):
    """A family's justification: a reason of the list, a comment, a photo or a PDF."""

    reason = forms.ModelChoiceField(queryset=AbsenceReason.objects.none(), label=_("Reason"), empty_label=None)
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    document = forms.FileField(
        label=_("Document (optional)"),
        required=False,
        help_text=_("A photo of a certificate or a PDF, 10 MB at most."),
        widget=forms.FileInput(attrs={"accept": DOCUMENT_ACCEPT}),
    )

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["reason"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = family_reasons(scope)


class ReviewForm(forms.Form):
    """School life's decision: the reason kept (the family's by default) and a comment for the family."""

    reason = forms.ModelChoiceField(queryset=AbsenceReason.objects.none(), label=_("Reason"), empty_label=None)
    comment = forms.CharField(
        label=_("Comment for the family"),
        required=False,
        max_length=500,
        help_text=_("Needed to refuse: the family reads it."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["reason"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = staff_reasons(scope)
