"""Forms of polls and surveys; the audience's classes are restricted to what the author may choose."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from romsie.core.access.scope import Scope
from romsie.core.forms import BoundedDateTimeField, RichTextField, VersionedForm
from romsie.schooling import audiences
from romsie.schooling.audiences import AudienceChoice

from . import services
from .models import Poll, Question

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
LOCKED_KEEPS = ("title", "closes_at")


def _datetime_field(label: Any) -> forms.DateTimeField:
    return BoundedDateTimeField(
        label=label, widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT)
    )


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class PollForm(VersionedForm):
    """A poll or a survey: what, for whom, when, anonymous or named, who sees the results."""

    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=Poll.Kind.choices,
        widget=forms.RadioSelect,
        initial=Poll.Kind.QUICK,
        help_text=_("A quick poll is one question with choices, open at once; a survey gets its questions next."),
    )
    title = forms.CharField(label=_("Title (the question of a quick poll)"), max_length=200)
    choices = forms.CharField(
        label=_("Choices of a quick poll"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line, at least two."),
    )
    description = RichTextField(label=_("Description"), required=False)
    is_anonymous = forms.BooleanField(
        label=_("Anonymous: nobody, not even me, sees who answered what"), required=False, initial=True
    )
    opens_at = _datetime_field(_("Opens at"))
    closes_at = _datetime_field(_("Deadline"))
    results_visibility = forms.ChoiceField(
        label=_("Results shown"),
        choices=Poll.Results.choices,
        widget=forms.RadioSelect,
        initial=Poll.Results.AFTER_ANSWER,
    )

    def __init__(self, *args: Any, scope: Scope, poll: Poll | None = None, locked: bool = False, **kwargs: Any):
        if poll is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "title": poll.title,
                "description": poll.description,
                "is_anonymous": poll.is_anonymous,
                "opens_at": timezone.localtime(poll.opens_at),
                "closes_at": timezone.localtime(poll.closes_at),
                "results_visibility": poll.results_visibility,
                **audiences.audience_initial(poll),
            }
        elif "initial" not in kwargs:
            now = timezone.localtime().replace(second=0, microsecond=0)
            kwargs["initial"] = {"opens_at": now, "closes_at": now + datetime.timedelta(days=7)}
        super().__init__(*args, edited=poll, **kwargs)
        self.fields.update(audiences.audience_fields(scope, classes=services.choosable_classes(scope)))
        if poll is not None:
            del self.fields["kind"], self.fields["choices"]
            if poll.kind == Poll.Kind.SURVEY:
                self.fields["title"].label = _("Title")
        if locked:
            for name, bound in self.fields.items():
                if name not in (*LOCKED_KEEPS, "version"):
                    bound.disabled = True
                    bound.required = False

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == Poll.Kind.QUICK and len(_lines(data.get("choices", ""))) < 2:
            self.add_error("choices", _("Give at least two choices, one per line."))
        return data

    def poll_data(self, poll: Poll | None = None) -> services.PollData:
        d = self.cleaned_data
        return services.PollData(
            kind=d.get("kind") or (poll.kind if poll else Poll.Kind.QUICK),
            title=d["title"],
            description=d.get("description") or "",
            is_anonymous=bool(d.get("is_anonymous")),
            opens_at=d.get("opens_at") or (poll.opens_at if poll else timezone.now()),
            closes_at=d["closes_at"],
            results_visibility=d.get("results_visibility") or Poll.Results.AFTER_ANSWER,
        )

    def choice_lines(self) -> list[str]:
        return _lines(self.cleaned_data.get("choices", ""))

    def audience(self) -> AudienceChoice:
        return audiences.audience_choice(self.cleaned_data)


class QuestionForm(forms.Form):
    label = forms.CharField(label=_("Question"), max_length=300)
    kind = forms.ChoiceField(
        label=_("Kind of answer"), choices=Question.Kind.choices, widget=forms.RadioSelect, initial=Question.Kind.SINGLE
    )
    choices = forms.CharField(
        label=_("Choices"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For a single or multiple choice: one per line, at least two."),
    )
    is_required = forms.BooleanField(label=_("An answer is required"), required=False, initial=True)

    def choice_lines(self) -> list[str]:
        return _lines(self.cleaned_data.get("choices", ""))


SCALE = [(str(value), str(value)) for value in range(1, 6)]


class AnswerForm(forms.Form):
    """The questions of a poll, one field each (``q<id>``)."""

    def __init__(self, *args: Any, questions: list[Question], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            name = f"q{question.pk}"
            options = [(str(option.pk), option.label) for option in question.options.all()]
            common: dict[str, Any] = {"label": question.label, "required": question.is_required}
            if question.kind == Question.Kind.SINGLE:
                self.fields[name] = forms.ChoiceField(choices=options, widget=forms.RadioSelect, **common)
            elif question.kind == Question.Kind.MULTIPLE:
                self.fields[name] = forms.MultipleChoiceField(
                    choices=options, widget=forms.CheckboxSelectMultiple, **common
                )
            elif question.kind == Question.Kind.SCALE:
                self.fields[name] = forms.ChoiceField(
                    choices=SCALE,
                    widget=forms.RadioSelect(attrs={"class": "poll-scale"}),
                    help_text=_("1: not at all, 5: very much."),
                    **common,
                )
            elif question.kind == Question.Kind.SHORT_TEXT:
                self.fields[name] = forms.CharField(max_length=200, **common)
            else:
                self.fields[name] = forms.CharField(
                    max_length=services.MAX_TEXT, widget=forms.Textarea(attrs={"rows": 4}), **common
                )

    def answers(self) -> dict[int, list[str]]:
        found: dict[int, list[str]] = {}
        for question in self.questions:
            value = self.cleaned_data.get(f"q{question.pk}")
            found[question.pk] = [str(v) for v in value] if isinstance(value, list) else ([str(value)] if value else [])
        return found
