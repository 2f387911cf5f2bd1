"""Forms of the homework log. Rights and the visa lock are checked by the services."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from romsie.core.access.scope import Scope
from romsie.core.forms import (
    BoundedDateField,
    BoundedDateTimeField,
    RichTextField,
    RichTextWidget,
    VersionedForm,
    bounded_formfield,
    display_value,
)
from romsie.core.uploads import MultipleFileField
from romsie.documents.forms_sharing import linked_documents_field
from romsie.schooling.models import Subject, Teaching

from . import services, text
from .models import Homework, LogAttachment, LogEntry, PlannerEntry


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class EntryForm(VersionedForm):
    """What was done in the session; the homework items come in a formset beside it.

    Editing an entry posts the version shown (:class:`~romsie.core.forms.VersionedForm`).
    """

    title = forms.CharField(label=_("Title"), max_length=150, required=False)
    content = RichTextField(label=_("What was done"), required=False, widget=RichTextWidget(attrs={"rows": 8}))
    links = forms.CharField(
        label=_("Links"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("One web address per line."),
    )
    uploads = MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=_("PDF, images, office documents, text or audio; 10 MB at most each, 5 files at most."),
    )
    remove_attachments = forms.ModelMultipleChoiceField(
        label=_("Remove attachments"),
        queryset=LogAttachment.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    publish_at = BoundedDateTimeField(
        label=_("Publish from"),
        required=False,
        widget=DateTimeInput(),
        help_text=_("Empty: at once. Students and parents see the entry only from then on."),
    )

    def __init__(self, *args: Any, entry: LogEntry | None = None, scope: Scope | None = None, **kwargs: Any) -> None:
        super().__init__(*args, edited=entry, **kwargs)
        if entry is not None and entry.pk:
            self.fields["remove_attachments"].queryset = entry.attachments.all()  # type: ignore[attr-defined]
        else:
            del self.fields["remove_attachments"]
        documents = linked_documents_field(scope) if scope is not None else None
        if documents is not None:
            self.fields["documents"] = documents
            if entry is not None and entry.pk and not self.is_bound:
                self.initial["documents"] = list(entry.linked_documents.values_list("pk", flat=True))

    def current_values(self, current: Any) -> list[tuple[Any, str]]:
        """The entry as it is now, its homework and files included."""
        homework = [
            f"{h.get_kind_display()} — {display_value(h.due_on)}: {h.instructions}" for h in current.homework.all()
        ]
        return [
            (self.fields["title"].label, display_value(current.title)),
            (self.fields["content"].label, display_value(current.content_html.replace("</p>", "</p>\n\n"))),
            (self.fields["links"].label, display_value(current.links)),
            (self.fields["uploads"].label, display_value([a.name for a in current.attachments.all()])),
            (self.fields["publish_at"].label, display_value(current.publish_at)),
            (_("Homework"), "\n".join(homework) or "—"),
        ]

    def clean_links(self) -> str:
        return text.clean_links(self.cleaned_data["links"])

    def clean_publish_at(self) -> datetime.datetime | None:
        value: datetime.datetime | None = self.cleaned_data["publish_at"]
        if value is not None and value <= timezone.now():
            return None
        return value


class HomeworkForm(forms.Form):
    """One homework item of an entry."""

    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=Homework.Kind.choices)
    instructions = forms.CharField(
        label=_("To do"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False
    )
    due_on = BoundedDateField(label=_("For"), widget=DateInput(), required=False)
    duration_minutes = forms.IntegerField(
        label=_("Estimated duration (minutes)"), min_value=1, max_value=600, required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("instructions", "").strip() and not data.get("due_on") and not data.get("DELETE"):
            raise ValidationError(_("Say for which date this homework is due."))
        return data


class BaseHomeworkFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    pass


HomeworkFormSet = forms.formset_factory(
    HomeworkForm, formset=BaseHomeworkFormSet, extra=2, can_delete=True, max_num=10, validate_max=True
)


def homework_data(formset: Any) -> tuple[services.HomeworkData, ...]:
    items = []
    for form in formset.forms:
        data = form.cleaned_data
        if not data:
            continue
        items.append(
            services.HomeworkData(
                kind=data["kind"],
                instructions=data.get("instructions", ""),
                due_on=data.get("due_on") or datetime.date.min,
                duration_minutes=data.get("duration_minutes"),
                pk=data.get("id"),
                delete=bool(data.get("DELETE")) or not data.get("instructions", "").strip(),
            )
        )
    return tuple(items)


class NewEntryForm(forms.Form):
    """Choose the session to log, on the teacher's log of a teaching."""

    session = forms.TypedChoiceField(label=_("Session"), coerce=int)

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["session"].choices = choices  # type: ignore[attr-defined]


class CopyForm(forms.Form):
    teaching = forms.ModelChoiceField(label=_("Copy to"), queryset=Teaching.objects.none())

    def __init__(self, *args: Any, teachings: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["teaching"]
        field.queryset = teachings  # type: ignore[attr-defined]
        field.label_from_instance = lambda t: (  # type: ignore[attr-defined]
            f"{t.subject.name} — {t.school_class.name if t.school_class else t.teaching_group.name}"
        )


class VisaForm(forms.Form):
    signed_on = BoundedDateField(label=_("Entries covered up to"), widget=DateInput(), initial=timezone.localdate)
    comment = forms.CharField(label=_("Comment"), max_length=500, required=False)


class PlannerForm(forms.ModelForm[PlannerEntry]):
    class Meta:
        model = PlannerEntry
        formfield_callback = bounded_formfield
        fields = ["title", "due_on", "subject", "is_done"]
        widgets = {"due_on": DateInput()}

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["subject"].queryset = Subject.objects.filter(  # type: ignore[attr-defined]
            establishment_id=scope.establishment_id
        ).order_by("name")
        self.fields["subject"].required = False


class SubmissionForm(forms.Form):
    file = forms.FileField(
        label=_("Your work"), help_text=_("PDF, images, office documents, text or audio; 10 MB at most.")
    )


class ReturnForm(forms.Form):
    feedback = forms.CharField(
        label=_("Feedback"), widget=forms.Textarea(attrs={"rows": 5}), max_length=5000, required=False
    )
    corrected = forms.FileField(label=_("Corrected file"), required=False)
