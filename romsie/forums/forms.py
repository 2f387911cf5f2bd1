"""Forms of the forums: a forum, a category, a topic, a reply, a report, a move."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from romsie.core.access.scope import Scope
from romsie.core.forms import RichTextField, VersionedForm
from romsie.schooling import audiences
from romsie.schooling.audiences import AudienceChoice

from . import access
from .models import Category, Forum, Reply

#: The kinds of forum the form creates (a community's forum is opened from the community).
CREATED_KINDS = [(value, label) for value, label in Forum.Kind.choices if value != Forum.Kind.COMMUNITY]


class NamedChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(getattr(obj, "name", obj))


class ForumForm(forms.Form):
    """A new forum: the establishment's (for an audience), a class's or a teaching group's."""

    kind = forms.ChoiceField(label=_("Kind"), choices=CREATED_KINDS, initial=Forum.Kind.ESTABLISHMENT)
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), max_length=500, required=False)

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["school_class"] = NamedChoice(
            label=_("Class"),
            queryset=access.manageable_classes(scope).order_by("level__order", "name"),
            required=False,
            help_text=_("For a class forum."),
        )
        self.fields["teaching_group"] = NamedChoice(
            label=_("Teaching group"),
            queryset=access.manageable_groups(scope).order_by("name"),
            required=False,
            help_text=_("For a teaching group's forum."),
        )
        self.fields.update(audiences.audience_fields(scope))
        self.fields["audience_groups"].help_text = _(
            "The establishment's forum only. Nothing chosen: the whole establishment."
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == Forum.Kind.CLASS and not data.get("school_class"):
            self.add_error("school_class", _("Choose the class of a class forum."))
        if data.get("kind") == Forum.Kind.GROUP and not data.get("teaching_group"):
            self.add_error("teaching_group", _("Choose the teaching group of a group forum."))
        return data

    def audience(self) -> AudienceChoice:
        return audiences.audience_choice(self.cleaned_data)


class CategoryForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(label=_("Description"), max_length=300, required=False)


class TopicForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = RichTextField(label=_("Message"))


class ReplyForm(VersionedForm):
    """A reply, or the change of one's own reply (the version shown is posted back)."""

    body = RichTextField(label=_("Your reply"))

    def __init__(self, *args: Any, reply: Reply | None = None, **kwargs: Any) -> None:
        if reply is not None:
            kwargs.setdefault("initial", {})["body"] = reply.body
        super().__init__(*args, edited=reply, **kwargs)
        if reply is not None:
            self.fields["body"].label = _("Message")


class ReportForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you report this message?"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


class MoveForm(forms.Form):
    def __init__(self, *args: Any, categories: QuerySet[Category], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"] = NamedChoice(label=_("Move to the category"), queryset=categories)
