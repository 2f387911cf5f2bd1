"""Forms of the communities service; choices come from ``access`` (the establishment's people)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from romsie.core.access.scope import Scope
from romsie.core.forms import PickerChoice, PickerField, RichTextField, VersionedForm, person_choice
from romsie.schooling.access import visible_school_classes

from . import access
from .models import Community, Membership, WallPost, WikiPage

MAX_SEARCH = 20


def people_matching(scope: Scope, words: str) -> list[Any]:
    """At most 20 people one may invite whose name holds every word typed."""
    words = words.strip()[:100]
    if not words:
        return []
    people = access.invitable_people(scope)
    for word in words.split()[:4]:
        people = people.filter(Q(search_name__icontains=word))
    return list(people[:MAX_SEARCH])


class CommunityForm(VersionedForm):
    """A community's name and description."""

    name = forms.CharField(label=_("Name"), max_length=150)
    description = forms.CharField(
        label=_("Description"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, community: Community | None = None, **kwargs: Any) -> None:
        if community is not None:
            kwargs.setdefault("initial", {}).update({"name": community.name, "description": community.description})
        super().__init__(*args, edited=community, **kwargs)


class InviteForm(forms.Form):
    """Choose people of the establishment, or the students of a class, to invite."""

    def __init__(self, *args: Any, scope: Scope, community: Community, query: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        classes = visible_school_classes(scope).order_by("level__order", "name")
        groups = [PickerChoice(f"class:{c.pk}", str(c.name), str(_("Students of a class"))) for c in classes]
        self.fields["invitees"] = PickerField(
            label=_("People to invite"),
            groups=groups,
            people=lambda ids: [person_choice(p) for p in access.invitable_people(scope).filter(pk__in=ids)],
            search=lambda words: [person_choice(p) for p in people_matching(scope, words)],
            search_url=reverse("communities:people-search", args=[community.pk]),
            query=query,
            help_text=_("They become members once they accept the invitation."),
            error_messages={"forbidden_people": _("Some of the people chosen cannot be invited; remove them.")},
        )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


class PostForm(VersionedForm):
    """A wall post's text."""

    body = RichTextField(
        label=_("Your post"),
        error_messages={"required": _("The text is empty once cleaned of what is not allowed.")},
    )

    def __init__(self, *args: Any, post: WallPost | None = None, **kwargs: Any) -> None:
        if post is not None:
            kwargs.setdefault("initial", {}).update({"body": post.body})
        super().__init__(*args, edited=post, **kwargs)


class CommentForm(forms.Form):
    body = forms.CharField(label=_("Your comment"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class WikiCreateForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=150)
    body = RichTextField(label=_("Text"), required=False, help_text=_("Write [[Title of a page]] to link to a page."))


class WikiEditForm(VersionedForm):
    """A wiki page's text; a save from an older version shows the other person's."""

    body = RichTextField(label=_("Text"), required=False, help_text=_("Write [[Title of a page]] to link to a page."))

    def __init__(self, *args: Any, page: WikiPage, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).update({"body": page.body})
        super().__init__(*args, edited=page, **kwargs)
