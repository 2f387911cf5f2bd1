"""Forms of the class councils: a student's row (comment, mention, decision), the council's own fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from romsie.core.forms import BoundedDateField, VersionedForm

from .models import MAX_COMMENT_LENGTH, Mention


class DecisionForm(VersionedForm):
    """What the council says of one student (prefixed with the student's id on the council page)."""

    general_comment = forms.CharField(
        label=_("General comment"),
        required=False,
        max_length=MAX_COMMENT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    mention = forms.ChoiceField(label=_("Mention"), required=False, choices=Mention.choices)
    decision = forms.CharField(label=_("Decision"), required=False, max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        edited = self.edited
        if edited is not None:
            for name in ("general_comment", "mention", "decision"):
                self.fields[name].initial = getattr(edited, name)

    def changed(self) -> bool:
        """Whether the person changed this row (an untouched row is not saved: no needless conflict)."""
        return any(name in self.changed_data for name in ("general_comment", "mention", "decision"))


class CouncilForm(VersionedForm):
    """The council's own fields: the comment on the class and the day it was held."""

    class_comment = forms.CharField(
        label=_("Comment on the class"),
        required=False,
        max_length=MAX_COMMENT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    held_on = BoundedDateField(label=_("Held on"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.edited is not None:
            self.fields["class_comment"].initial = self.edited.class_comment  # type: ignore[attr-defined]
            self.fields["held_on"].initial = self.edited.held_on  # type: ignore[attr-defined]

    def changed(self) -> bool:
        return bool({"class_comment", "held_on"} & set(self.changed_data))
