"""Forms of the news service; every choice is restricted to what the scope may address."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from romsie.core.access.scope import Scope
from romsie.core.forms import BoundedDateTimeField, RichTextField, VersionedForm, display_value
from romsie.documents.forms_sharing import linked_documents_field
from romsie.identity.models import Role, RoleAssignment, User
from romsie.schooling.models import Enrollment

from . import access, services
from .habilitations import NewsHabilitation
from .models import NewsItem

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


ROLE_CHOICES = [
    ("student", _("Students")),
    ("parent", _("Parents")),
    ("teacher", _("Teachers")),
    ("staff", _("Staff (establishment news only)")),
]


class ClassesField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class ClassField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


def _datetime_field(label: Any, required: bool, help_text: Any = "") -> forms.DateTimeField:
    return BoundedDateTimeField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
    )


class NewsItemForm(VersionedForm):
    """Write a news item or a must-read notice: text, audience, publication and expiry."""

    AUDIENCE_ESTABLISHMENT = "establishment"
    AUDIENCE_CLASSES = "classes"

    title = forms.CharField(label=_("Title"), max_length=200)
    body = RichTextField(
        label=_("Text"),
        error_messages={"required": _("The text is empty once cleaned of what is not allowed.")},
    )
    requires_confirmation = forms.BooleanField(
        label=_("Must-read notice: each recipient confirms they read it"), required=False
    )
    audience = forms.ChoiceField(
        label=_("Addressed to"),
        choices=[
            (AUDIENCE_ESTABLISHMENT, _("The whole establishment")),
            (AUDIENCE_CLASSES, _("One or several classes")),
        ],
        widget=forms.RadioSelect,
        initial=AUDIENCE_ESTABLISHMENT,
    )
    roles = forms.MultipleChoiceField(
        label=_("Who"),
        choices=ROLE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one group of people.")},
    )
    school_classes = ClassesField(
        label=_("Classes"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("For class news: the classes' students, their parents and their teachers, as chosen above."),
    )
    published_at = _datetime_field(_("Publication"), False, _("Leave empty to publish now."))
    expires_at = _datetime_field(_("Expiry"), False, _("Optional: the news disappears after this date."))

    def __init__(self, *args: Any, scope: Scope, item: NewsItem | None = None, **kwargs: Any) -> None:
        if item is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "title": item.title,
                "body": item.body,
                "requires_confirmation": item.requires_confirmation,
                "audience": self.AUDIENCE_CLASSES if item.is_class_news else self.AUDIENCE_ESTABLISHMENT,
                "roles": [k for k, flag in access.ROLE_FLAGS.items() if getattr(item, flag)],
                "school_classes": [c.school_class_id for c in item.audience_classes.all()],
                "published_at": timezone.localtime(item.published_at),
                "expires_at": timezone.localtime(item.expires_at) if item.expires_at else None,
            }
        super().__init__(*args, edited=item, **kwargs)
        self.scope = scope
        classes = self.fields["school_classes"]
        assert isinstance(classes, ClassesField)
        classes.queryset = access.writable_classes(scope).order_by("level__order", "name")
        if not scope.has(NewsHabilitation.PUBLISH):
            # Teachers write class news only: the choice of audience is not theirs to make.
            del self.fields["audience"]
            roles = self.fields["roles"]
            assert isinstance(roles, forms.MultipleChoiceField)
            roles.choices = [c for c in ROLE_CHOICES if c[0] != "staff"]
            classes.required = True
            classes.error_messages["required"] = _("Choose at least one of your classes.")
        self.fields["roles"].initial = ["student", "parent"]
        documents = linked_documents_field(scope)
        if documents is not None:
            self.fields["documents"] = documents
            if item is not None and not self.is_bound:
                self.initial["documents"] = list(item.linked_documents.values_list("pk", flat=True))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        audience = data.get("audience", self.AUDIENCE_CLASSES)
        classes = list(data.get("school_classes") or [])
        if audience == self.AUDIENCE_CLASSES and not classes and "school_classes" not in self.errors:
            self.add_error("school_classes", _("Choose at least one class."))
        if audience == self.AUDIENCE_ESTABLISHMENT:
            data["school_classes"] = []
        elif "staff" in data.get("roles", []):
            self.add_error("roles", _("Staff can only be chosen for establishment news."))
        published_at = data.get("published_at") or timezone.now()
        data["published_at"] = published_at
        expires_at = data.get("expires_at")
        if expires_at is not None:
            if expires_at <= published_at:
                self.add_error("expires_at", _("The expiry must be after the publication."))
            elif expires_at <= timezone.now():
                self.add_error("expires_at", _("The expiry is already past."))
        return data

    def news_data(self, *, is_draft: bool) -> services.NewsData:
        data = self.cleaned_data
        roles = set(data["roles"])
        return services.NewsData(
            title=data["title"],
            body=data["body"],
            published_at=data["published_at"],
            expires_at=data.get("expires_at"),
            requires_confirmation=bool(data.get("requires_confirmation")),
            is_draft=is_draft,
            for_students="student" in roles,
            for_parents="parent" in roles,
            for_teachers="teacher" in roles,
            for_staff="staff" in roles,
            school_classes=list(data["school_classes"]),
            documents=list(data["documents"]) if "documents" in self.fields else None,
        )

    def current_values(self, current: Any) -> list[tuple[Any, str]]:
        """The other person's title, text, audience and dates."""
        roles = [str(label) for key, label in ROLE_CHOICES if getattr(current, access.ROLE_FLAGS[key])]
        classes = [c.school_class.name for c in current.audience_classes.select_related("school_class")]
        return [
            (self.fields["title"].label, current.title),
            (self.fields["body"].label, display_value(current.body.replace("</p>", "</p>\n\n"))),
            (self.fields["roles"].label, display_value(roles)),
            (self.fields["school_classes"].label, display_value(classes)),
            (self.fields["published_at"].label, display_value(current.published_at)),
            (self.fields["expires_at"].label, display_value(current.expires_at)),
        ]


class StickyNoteForm(forms.Form):
    """Pin a short note on a class's or a person's dashboard."""

    text = forms.CharField(
        label=_("Note"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 500}),
        help_text=_("Plain text, 500 characters at most."),
    )
    school_class = ClassField(
        label=_("On the dashboard of a class"),
        queryset=None,
        required=False,
        empty_label=_("— no class —"),
        help_text=_("Shown to the class's students and to their parents."),
    )
    person = forms.TypedChoiceField(
        label=_("Or on the dashboard of a person"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("A student (also shown to their parents) or a staff member."),
    )
    expires_at = _datetime_field(_("Expiry"), False, _("Optional: the note disappears after this date."))

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scope = scope
        classes = access.addressable_classes(scope).order_by("level__order", "name")
        class_field = self.fields["school_class"]
        assert isinstance(class_field, ClassField)
        class_field.queryset = classes
        person_field = self.fields["person"]
        assert isinstance(person_field, forms.TypedChoiceField)
        person_field.choices = self._people_choices(classes)

    def _people_choices(self, classes: Any) -> list[Any]:
        people = access.addressable_people(self.scope)
        groups: dict[str, list[tuple[int, str]]] = {}
        enrollments = (
            Enrollment.objects.filter(school_class__in=classes, student__in=people)
            .select_related("student", "school_class")
            .order_by("school_class__level__order", "school_class__name", "student__search_name")
        )
        for enrollment in enrollments:
            groups.setdefault(enrollment.school_class.name, []).append(
                (enrollment.student_id, enrollment.student.get_full_name())
            )
        choices: list[Any] = [("", _("— no person —"))]
        choices += list(groups.items())
        if self.scope.has(NewsHabilitation.PIN_NOTES_EVERYWHERE):
            staff = people.filter(
                pk__in=RoleAssignment.objects.filter(
                    establishment_id=self.scope.establishment_id,
                    is_active=True,
                    role__in=[Role.TEACHER, Role.STAFF],
                ).values("user_id")
            ).order_by("search_name")
            members = [(u.pk, u.get_full_name()) for u in staff]
            if members:
                choices.append((str(_("Teachers and staff")), members))
        return choices

    def clean_expires_at(self) -> datetime.datetime | None:
        value: datetime.datetime | None = self.cleaned_data.get("expires_at")
        if value is not None and value <= timezone.now():
            raise forms.ValidationError(_("The expiry is already past."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        school_class, person_id = data.get("school_class"), data.get("person")
        if school_class is not None and person_id is not None:
            raise forms.ValidationError(_("Choose a class or a person, not both."))
        if (
            school_class is None
            and person_id is None
            and not (self.has_error("school_class") or self.has_error("person"))
        ):
            raise forms.ValidationError(_("Choose a class or a person."))
        if person_id is not None:
            try:
                data["person"] = access.addressable_people(self.scope).get(pk=person_id)
            except User.DoesNotExist:
                self.add_error("person", _("Choose a person among those offered."))
        return data
