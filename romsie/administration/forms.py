"""Forms of the administration pages that span apps (letters, deletion confirmations)."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from romsie.core.access.scope import Scope
from romsie.schooling import access as schooling_access
from romsie.schooling.models import SchoolClass

STAFF_TARGET = "staff"


class LettersForm(forms.Form):
    """Whose activation letters to print: a class (students, families) or the staff."""

    target = forms.ChoiceField(label=_("Letters for"))
    only_not_activated = forms.BooleanField(
        label=_("Only people who have not activated their account yet"), required=False, initial=True
    )
    include_students = forms.BooleanField(label=_("The students of the class"), required=False, initial=True)
    include_guardians = forms.BooleanField(
        label=_("Their families (one letter per guardian, naming their children)"), required=False, initial=True
    )

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.classes = {
            str(c.pk): c for c in schooling_access.visible_school_classes(scope).order_by("level__order", "name")
        }
        field = self.fields["target"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            ("", "—"),
            (_("Classes"), [(pk, c.name) for pk, c in self.classes.items()]),
            (STAFF_TARGET, _("Staff and teachers")),
        ]
        field.help_text = _("Printing issues new codes: the codes of earlier letters stop working.")

    @property
    def school_class(self) -> SchoolClass | None:
        return self.classes.get(self.cleaned_data.get("target", ""))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        target = cleaned.get("target")
        if (
            target
            and target != STAFF_TARGET
            and not (cleaned.get("include_students") or cleaned.get("include_guardians"))
        ):
            raise forms.ValidationError(_("Choose the students, their families, or both."))
        return cleaned

    def filename(self) -> str:
        school_class = self.school_class
        part = re.sub(r"[^A-Za-z0-9-]+", "", school_class.code) if school_class else "personnels"
        return f"lettres-activation-{part or 'classe'}.pdf"


class ClassDeleteForm(forms.Form):
    """Confirm the deletion of a class that still has students."""

    students_confirmed = forms.BooleanField(
        label=_("I understand that the students of this class will no longer belong to any class"), required=False
    )
