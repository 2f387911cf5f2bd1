"""Forms of activity registration; every choice is restricted to what the scope may choose."""

from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from romsie.core.access.scope import Scope
from romsie.core.forms import (
    BoundedDateField,
    BoundedDateTimeField,
    PickerChoice,
    PickerField,
    RichTextField,
    VersionedForm,
    person_ids,
)
from romsie.core.text import fold
from romsie.identity.selectors import BY_NAME
from romsie.schooling.access import visible_school_classes
from romsie.schooling.models import Level

from . import access, services
from .habilitations import RegistrationsHabilitation
from .models import Activity, ConsentVersion, DocumentItem, DocumentUpload, Question

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
GIVEN, REFUSED = "given", "refused"


class DateInput(forms.DateInput):
    input_type = "date"


def _datetime_field(label: Any, help_text: Any = "") -> forms.DateTimeField:
    return BoundedDateTimeField(
        label=label,
        help_text=help_text,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
    )


class NamedChoices(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


def _person(person: Any) -> PickerChoice:
    return PickerChoice(f"user:{person.pk}", person.get_full_name(), obj=person)


def organisers_matching(scope: Scope, words: str) -> list[PickerChoice]:
    """At most 20 people one may name organiser whose name has every word typed (one query)."""
    people = access.choosable_organisers(scope)
    for word in fold(words).split()[:4]:
        people = people.filter(search_name__contains=word)
    return [_person(p) for p in people.order_by(*BY_NAME)[:20]] if words.strip() else []


def organisers_field(scope: Scope, *, query: str = "") -> PickerField:
    """The picker of the named organisers: the establishment's staff, teachers and partners."""

    def people(ids: list[int]) -> list[PickerChoice]:
        return [_person(p) for p in access.choosable_organisers(scope).filter(pk__in=ids).order_by(*BY_NAME)]

    return PickerField(
        label=_("Named organisers"),
        people=people,
        search=lambda words: organisers_matching(scope, words),
        search_url=reverse("registrations:organiser-search"),
        query=query,
        required=False,
        help_text=_("A teacher or a partner running the activity sees its registrations."),
        error_messages={
            "forbidden_people": _("Some of the people chosen cannot run activities here; remove them and try again.")
        },
    )


class ActivityForm(VersionedForm):
    """An activity or an online form: what, when, for whom, how many places, how they are given."""

    kind = forms.ChoiceField(label=_("Kind"), choices=Activity.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=150)
    description = RichTextField(label=_("Description"), required=False)
    place = forms.CharField(label=_("Place"), max_length=150, required=False)
    starts_on = BoundedDateField(label=_("Starts on"), required=False, widget=DateInput())
    ends_on = BoundedDateField(label=_("Ends on"), required=False, widget=DateInput())
    opens_at = _datetime_field(_("Registration opens at"))
    closes_at = _datetime_field(_("Registration deadline"))
    capacity = forms.IntegerField(
        label=_("Places"), required=False, min_value=1, help_text=_("Leave empty for no limit.")
    )
    price_info = forms.CharField(label=_("Price"), max_length=300, required=False)
    allocation = forms.ChoiceField(
        label=_("Allocation of places"), choices=Activity.Allocation.choices, widget=forms.RadioSelect
    )
    is_published = forms.BooleanField(label=_("Published: families see it"), required=False, initial=True)
    levels = NamedChoices(
        label=_("Levels"), queryset=Level.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    school_classes = NamedChoices(
        label=_("Classes"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Without levels or classes, every student of the establishment is eligible."),
    )

    def __init__(self, *args: Any, scope: Scope, activity: Activity | None = None, query: str = "", **kwargs: Any):
        if activity is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "kind": activity.kind,
                "title": activity.title,
                "description": activity.description,
                "place": activity.place,
                "starts_on": activity.starts_on,
                "ends_on": activity.ends_on,
                "opens_at": timezone.localtime(activity.opens_at),
                "closes_at": timezone.localtime(activity.closes_at),
                "capacity": activity.capacity,
                "price_info": activity.price_info,
                "allocation": activity.allocation,
                "is_published": activity.is_published,
                "levels": [level.pk for level in activity.levels.all()],
                "school_classes": [c.pk for c in activity.school_classes.all()],
                "organisers": [f"user:{pk}" for pk in activity.organisers.values_list("pk", flat=True)],
            }
        super().__init__(*args, edited=activity, **kwargs)
        classes = visible_school_classes(scope)
        self.fields["school_classes"].queryset = classes.order_by("level__order", "name")  # type: ignore[attr-defined]
        self.fields["levels"].queryset = Level.objects.filter(  # type: ignore[attr-defined]
            pk__in=classes.values("level_id")
        ).order_by("order")
        if scope.has(RegistrationsHabilitation.ORGANISE):
            self.fields["organisers"] = organisers_field(scope, query=query)
        self.fields["allocation"].initial = Activity.Allocation.FIRST_COME

    def activity_data(self) -> services.ActivityData:
        data = self.cleaned_data
        return services.ActivityData(
            kind=data["kind"],
            title=data["title"],
            description=data.get("description") or "",
            place=data.get("place") or "",
            starts_on=data.get("starts_on"),
            ends_on=data.get("ends_on"),
            opens_at=data["opens_at"],
            closes_at=data["closes_at"],
            capacity=data.get("capacity"),
            price_info=data.get("price_info") or "",
            allocation=data["allocation"],
            is_published=bool(data.get("is_published")),
            level_ids=[level.pk for level in data.get("levels") or []],
            class_ids=[c.pk for c in data.get("school_classes") or []],
            organiser_ids=person_ids(data.get("organisers") or []),
        )


class QuestionForm(forms.Form):
    label = forms.CharField(label=_("Question"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind of answer"), choices=Question.Kind.choices, widget=forms.RadioSelect)
    choices = forms.CharField(
        label=_("Choices"), required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text=_("One per line.")
    )
    is_required = forms.BooleanField(label=_("An answer is required"), required=False, initial=True)


class DocumentItemForm(forms.Form):
    name = forms.CharField(label=_("Document to provide"), max_length=150, help_text=_("An insurance certificate…"))


class ConsentForm(forms.Form):
    name = forms.CharField(label=_("Consent"), max_length=150, help_text=_("Image rights, leaving alone…"))
    text = forms.CharField(label=_("Text the guardians give or refuse"), widget=forms.Textarea(attrs={"rows": 5}))


class ConsentTextForm(forms.Form):
    text = forms.CharField(label=_("New text"), widget=forms.Textarea(attrs={"rows": 5}))


class RegistrationForm(forms.Form):
    """Register one child: the child, the answers to the questions and each consent given or refused."""

    child = forms.TypedChoiceField(label=_("Child"), coerce=int, widget=forms.RadioSelect)

    def __init__(
        self,
        *args: Any,
        children: list[tuple[int, str]],
        questions: list[Question],
        consents: list[ConsentVersion],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["child"].choices = children  # type: ignore[attr-defined]
        if len(children) == 1:
            self.fields["child"].initial = children[0][0]
        self.questions, self.consents = questions, consents
        for question in questions:
            name = f"question_{question.pk}"
            if question.kind == Question.Kind.CHOICE:
                self.fields[name] = forms.ChoiceField(
                    label=question.label,
                    required=question.is_required,
                    choices=[("", "—")] + [(c, c) for c in question.choice_list],
                )
            elif question.kind == Question.Kind.YES_NO:
                self.fields[name] = forms.ChoiceField(
                    label=question.label,
                    required=question.is_required,
                    choices=[("yes", _("Yes")), ("no", _("No"))],
                    widget=forms.RadioSelect,
                )
            else:
                self.fields[name] = forms.CharField(
                    label=question.label,
                    required=question.is_required,
                    max_length=2000,
                    widget=forms.Textarea(attrs={"rows": 2}),
                )
        for version in consents:
            self.fields[f"consent_{version.consent_id}"] = forms.ChoiceField(
                label=version.consent.name,
                help_text=escape(version.text),
                choices=[(GIVEN, _("I give my consent")), (REFUSED, _("I refuse"))],
                widget=forms.RadioSelect,
                error_messages={"required": _("Give or refuse this consent.")},
            )

    def answers(self) -> dict[str, str]:
        return {str(q.pk): str(self.cleaned_data.get(f"question_{q.pk}") or "") for q in self.questions}

    def consent_choices(self) -> dict[int, bool]:
        return {v.consent_id: self.cleaned_data.get(f"consent_{v.consent_id}") == GIVEN for v in self.consents}


class UploadForm(forms.Form):
    item = forms.TypedChoiceField(label=_("Document"), coerce=int)
    file = forms.FileField(label=_("File"))

    def __init__(self, *args: Any, items: list[DocumentItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [(item.pk, item.name) for item in items]  # type: ignore[attr-defined]


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(DocumentUpload.Status.ACCEPTED, _("Accept")), (DocumentUpload.Status.REFUSED, _("Refuse"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=_("Reason of a refusal"), max_length=300, required=False)
