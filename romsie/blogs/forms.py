"""Forms of the blogs service; every choice is restricted to what the scope may choose."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from romsie.core.access.scope import Scope
from romsie.core.forms import PickerChoice, PickerField, RichTextField, VersionedForm, display_value
from romsie.core.text import fold
from romsie.documents.forms_sharing import linked_documents_field
from romsie.identity.selectors import BY_NAME
from romsie.schooling import audiences

from . import access, services
from .models import Blog, Post

USER_PREFIX = "user:"


def _person(person: Any) -> PickerChoice:
    return PickerChoice(f"{USER_PREFIX}{person.pk}", person.get_full_name(), obj=person)


def authors_field(scope: Scope, *, query: str = "") -> PickerField:
    """The picker of a project blog's named authors: students, teachers and staff of the establishment."""

    def people(ids: list[int]) -> list[PickerChoice]:
        return [_person(p) for p in access.choosable_authors(scope).filter(pk__in=ids).order_by(*BY_NAME)]

    def search(words: str) -> list[PickerChoice]:
        found = access.choosable_authors(scope)
        for word in fold(words).split()[:4]:
            found = found.filter(search_name__contains=word)
        return [_person(p) for p in found.order_by(*BY_NAME)[:20]]

    return PickerField(
        label=_("Authors"),
        people=people,
        search=search,
        query=query,
        required=False,
        help_text=_("They write posts on the blog; students only when students may write."),
        error_messages={
            "forbidden_people": _("Some of the people chosen cannot be authors; remove them and try again.")
        },
    )


class BlogForm(VersionedForm):
    """Create a blog or change its settings: title, who writes, validation, comments, readers."""

    kind = forms.ChoiceField(label=_("Kind"), choices=Blog.Kind.choices, widget=forms.RadioSelect)
    school_class = forms.TypedChoiceField(label=_("Class"), coerce=int, required=False, empty_value=None)
    title = forms.CharField(label=_("Title"), max_length=150)
    description = forms.CharField(
        label=_("Description"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    students_may_write = forms.BooleanField(label=_("Students may write posts"), required=False)
    validates_student_posts = forms.BooleanField(
        label=_("Students' posts wait for my validation before publication"), required=False, initial=True
    )
    comments = forms.ChoiceField(
        label=_("Comments"), choices=Blog.Comments.choices, widget=forms.RadioSelect, initial=Blog.Comments.BEFORE
    )

    def __init__(self, *args: Any, scope: Scope, blog: Blog | None = None, query: str = "", **kwargs: Any) -> None:
        if blog is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "title": blog.title,
                "description": blog.description,
                "students_may_write": blog.students_may_write,
                "validates_student_posts": blog.validates_student_posts,
                "comments": blog.comments,
                **audiences.audience_initial(blog),
                "authors": [f"{USER_PREFIX}{pk}" for pk in blog.author_links.values_list("user_id", flat=True)],
            }
        super().__init__(*args, edited=blog, **kwargs)
        self.scope = scope
        self.blog = blog
        if blog is None:
            kinds = access.creatable_kinds(scope)
            kind_field = self.fields["kind"]
            assert isinstance(kind_field, forms.ChoiceField)
            kind_field.choices = [(k, label) for k, label in Blog.Kind.choices if k in kinds]
            kind_field.initial = kinds[0] if kinds else None
            class_field = self.fields["school_class"]
            assert isinstance(class_field, forms.TypedChoiceField)
            classes = access.creatable_classes(scope).order_by("level__order", "name")
            class_field.choices = [("", _("— for a class blog —"))] + [(c.pk, c.name) for c in classes]
            class_field.help_text = _("A class blog is read by the class's students, their parents and its teachers.")
        else:
            del self.fields["kind"]
            del self.fields["school_class"]
            self.fields.update(audiences.audience_fields(scope))
        if blog is None or blog.kind == Blog.Kind.PROJECT:
            self.fields["authors"] = authors_field(scope, query=query)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.blog is None and data.get("kind") == Blog.Kind.CLASS and not data.get("school_class"):
            self.add_error("school_class", _("Choose the class of the blog."))
        return data

    def blog_data(self) -> services.BlogData:
        data = self.cleaned_data
        tokens = data.get("authors") or []
        return services.BlogData(
            title=data["title"],
            description=data.get("description", ""),
            students_may_write=bool(data.get("students_may_write")),
            validates_student_posts=bool(data.get("validates_student_posts")),
            comments=data["comments"],
            audience=audiences.audience_choice(data) if "audience_roles" in self.fields else None,
            author_ids=[int(t[len(USER_PREFIX) :]) for t in tokens if t.startswith(USER_PREFIX)],
        )

    def current_values(self, current: Any) -> list[tuple[Any, str]]:
        """The other person's title and settings."""
        return [
            (self.fields["title"].label, current.title),
            (self.fields["students_may_write"].label, display_value(current.students_may_write)),
            (self.fields["validates_student_posts"].label, display_value(current.validates_student_posts)),
            (self.fields["comments"].label, str(current.get_comments_display())),
        ]


class PostForm(VersionedForm):
    """Write or edit a post: title, rich text, documents linked from one's own."""

    title = forms.CharField(label=_("Title"), max_length=200)
    body = RichTextField(
        label=_("Text"), error_messages={"required": _("The text is empty once cleaned of what is not allowed.")}
    )

    def __init__(self, *args: Any, scope: Scope, post: Post | None = None, **kwargs: Any) -> None:
        if post is not None and "initial" not in kwargs:
            kwargs["initial"] = {"title": post.title, "body": post.body}
        super().__init__(*args, edited=post, **kwargs)
        documents = linked_documents_field(scope)
        if documents is not None:
            self.fields["documents"] = documents
            if post is not None and not self.is_bound:
                self.initial["documents"] = list(post.linked_documents.values_list("pk", flat=True))

    def post_data(self) -> services.PostData:
        data = self.cleaned_data
        return services.PostData(
            title=data["title"],
            body=data["body"],
            documents=list(data["documents"]) if "documents" in self.fields else None,
        )

    def current_values(self, current: Any) -> list[tuple[Any, str]]:
        """The other person's title and text."""
        return [
            (self.fields["title"].label, current.title),
            (self.fields["body"].label, display_value(current.body.replace("</p>", "</p>\n\n"))),
        ]


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3, "maxlength": 2000})
    )


class RefuseForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the post is refused (its author reads it)"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 500}),
    )
