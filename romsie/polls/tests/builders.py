"""Poll objects for tests: a quick poll of a class, a draft survey, answers written in bulk."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from romsie.core.testing.world import EstablishmentWorld
from romsie.identity.models import User
from romsie.polls.models import Answer, Option, Participation, Poll, Question, Response

SERVICES = ["directory", "polls"]


def enable(*worlds: EstablishmentWorld) -> None:
    """Switch the polls service on in these establishments (the world has every service on already)."""
    for ew in worlds:
        if "polls" not in ew.establishment.enabled_services:
            ew.establishment.enabled_services = [*ew.establishment.enabled_services, "polls"]
            ew.establishment.save(update_fields=["enabled_services"])


def poll_in(
    ew: EstablishmentWorld,
    *,
    author: User | None = None,
    kind: str = Poll.Kind.QUICK,
    title: str = "Where shall we go?",
    options: tuple[str, ...] = ("Museum", "Zoo"),
    is_anonymous: bool = True,
    results: str = Poll.Results.AFTER_ANSWER,
    for_students: bool = True,
    for_parents: bool = True,
    for_teachers: bool = False,
    for_staff: bool = False,
    classes: list[Any] | None = None,
    opens_at: datetime.datetime | None = None,
    closes_at: datetime.datetime | None = None,
    is_published: bool = True,
) -> Poll:
    """A poll of the establishment, open for a week, for the students and parents of its class by default."""
    now = timezone.now()
    poll = Poll.objects.create(
        establishment=ew.establishment,
        kind=kind,
        title=title,
        is_anonymous=is_anonymous,
        opens_at=opens_at or now - datetime.timedelta(days=1),
        closes_at=closes_at or now + datetime.timedelta(days=7),
        results_visibility=results,
        is_published=is_published,
        created_by=author or ew.teacher,
        for_students=for_students,
        for_parents=for_parents,
        for_teachers=for_teachers,
        for_staff=for_staff,
        is_narrowed=True,
    )
    poll.school_classes.set(classes if classes is not None else [ew.school_class])
    if kind == Poll.Kind.QUICK:
        question_in(poll, title, Question.Kind.SINGLE, options)
    return poll


def question_in(
    poll: Poll, label: str, kind: str, options: tuple[str, ...] = (), *, is_required: bool = True
) -> Question:
    position = (poll.questions.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    question = Question.objects.create(
        establishment_id=poll.establishment_id,
        poll=poll,
        label=label,
        kind=kind,
        is_required=is_required,
        position=position,
    )
    Option.objects.bulk_create(
        Option(establishment_id=poll.establishment_id, question=question, label=label, position=i)
        for i, label in enumerate(options, start=1)
    )
    return question


def answer_as(poll: Poll, person: User, values: dict[Question, Any]) -> Response:
    """Write one person's answers directly (option labels, a scale value or a text per question)."""
    Participation.objects.create(establishment_id=poll.establishment_id, poll=poll, person=person)
    response = Response.objects.create(
        establishment_id=poll.establishment_id, poll=poll, person=None if poll.is_anonymous else person
    )
    rows = []
    for question, value in values.items():
        base = {"establishment_id": poll.establishment_id, "response": response, "question": question}
        if question.has_options:
            labels = value if isinstance(value, (list, tuple)) else [value]
            for option in question.options.filter(label__in=labels):
                rows.append(Answer(**base, option=option))
        elif question.kind == Question.Kind.SCALE:
            rows.append(Answer(**base, scale=int(value)))
        else:
            rows.append(Answer(**base, text=str(value)))
    Answer.objects.bulk_create(rows)
    return response


def objects(ew: EstablishmentWorld) -> dict[str, Any]:
    """One of everything in the establishment (built once per world), for the permission matrix."""
    cached: dict[str, Any] | None = ew.__dict__.get("polls_objects")
    if cached is not None:
        return cached
    enable(ew)
    poll = poll_in(ew)
    question = poll.questions.get()
    answer_as(poll, ew.student, {question: "Museum"})
    survey = poll_in(ew, kind=Poll.Kind.SURVEY, title="End of year trip", is_published=False)
    survey_question = question_in(survey, "How did you like it?", Question.Kind.SCALE)
    built = {
        "poll": poll,
        "question": question,
        "option": question.options.first(),
        "survey": survey,
        "survey_question": survey_question,
    }
    ew.__dict__["polls_objects"] = built
    return built
