"""Writes of polls and surveys: create, change, add questions, publish, answer.

Answering once is held by the database: the :class:`~.models.Participation` (poll, person) is
unique and written first, in a savepoint; a second submission (two tabs, a double click, two
requests at once) fails on it and is told the person has already answered, with nothing saved.
For an anonymous poll the :class:`~.models.Response` carries no person, and responses and
answers have random ids and no dates: nothing the application stores links them to the
participation (see ``docs/polls.md`` for what a database administrator could still see).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from romsie.core import versions
from romsie.core.access.scope import Scope
from romsie.core.concurrency import claim_version
from romsie.core.errors import ApplicationError
from romsie.core.richtext import clean_rich_text
from romsie.core.services import audit_record
from romsie.notifications.kinds import local_date
from romsie.notifications.services import notify
from romsie.schooling import audiences
from romsie.schooling.audiences import AudienceChoice
from romsie.schooling.models import SchoolClass

from . import access
from .habilitations import PollsHabilitation as H
from .models import Answer, Option, Participation, Poll, Question, Response

MAX_TEXT = 2000


def new_poll_params(params: dict[str, Any]) -> dict[str, Any]:
    """Word the stored kind and deadline in the reader's language."""
    kind = str(Poll.Kind(params["kind"]).label).lower() if params.get("kind") in Poll.Kind.values else ""
    deadline = local_date(params["deadline"]) if params.get("deadline") else ""
    return {**params, "kind": kind, "deadline": deadline}


@dataclass(frozen=True)
class PollData:
    """What an author types for a poll or a survey."""

    kind: str
    title: str
    description: str
    is_anonymous: bool
    opens_at: datetime.datetime
    closes_at: datetime.datetime
    results_visibility: str


def choosable_classes(scope: Scope) -> QuerySet[SchoolClass]:
    """Classes a poll may be narrowed to: all of them for staff, the classes they teach for a teacher."""
    classes = SchoolClass.objects.filter(establishment_id=scope.establishment_id, school_year__is_current=True)
    if scope.has_staff_profile:
        return classes
    return classes.filter(pk__in=audiences.taught_class_ids(scope.establishment_id, scope.user_id))


def has_answers(poll: Poll) -> bool:
    """Whether someone answered: questions, options and anonymity are then fixed."""
    return Participation.objects.filter(poll=poll).exists()


def _changed(poll: Poll) -> None:
    establishment_id = poll.establishment_id
    transaction.on_commit(lambda: versions.bump(versions.Kind.POLLS, establishment_id))


def _check_dates(data: PollData) -> None:
    if data.closes_at <= data.opens_at:
        raise ApplicationError(_("The deadline must come after the opening."), extra={"code": "closes_before_opening"})


def _clean_choices(choices: list[str]) -> list[str]:
    return list(dict.fromkeys(c.strip()[:200] for c in choices if c.strip()))


@transaction.atomic
def poll_create(*, scope: Scope, data: PollData, audience: AudienceChoice, choices: list[str] | None = None) -> Poll:
    """Create a poll: a quick poll is its one single-choice question and is published at once.

    A survey starts as a draft: its author adds the questions, then publishes it.
    """
    if scope.establishment_id is None or not scope.has(H.CREATE):
        raise ApplicationError(_("You may not create polls here."))
    _check_dates(data)
    is_quick = data.kind == Poll.Kind.QUICK
    options = _clean_choices(choices or [])
    if is_quick and len(options) < 2:
        raise ApplicationError(_("Give at least two choices, one per line."), extra={"code": "choices"})
    poll = Poll.objects.create(
        establishment_id=scope.establishment_id,
        kind=data.kind,
        title=data.title,
        description=clean_rich_text(data.description),
        is_anonymous=data.is_anonymous,
        opens_at=data.opens_at,
        closes_at=data.closes_at,
        results_visibility=data.results_visibility,
        created_by_id=scope.user_id,
    )
    audiences.audience_apply(poll, audience, classes=choosable_classes(scope))
    if is_quick:
        question = Question.objects.create(
            establishment_id=poll.establishment_id, poll=poll, label=data.title, kind=Question.Kind.SINGLE, position=1
        )
        _add_options(question, options)
        _publish(scope, poll)
    audit_record(scope=scope, action="polls.poll_created", target=poll, poll=poll.pk)
    _changed(poll)
    return poll


@transaction.atomic
def poll_update(
    *, scope: Scope, poll: Poll, data: PollData, audience: AudienceChoice | None, version: int | None
) -> Poll:
    """Change a poll one manages; once someone answered, only its title and deadline change."""
    if not access.is_author(scope, poll):
        raise ApplicationError(_("You may not change this poll."))
    claim_version(poll, version)
    locked = has_answers(poll)
    poll.title = data.title
    poll.closes_at = data.closes_at
    if not locked:
        poll.description = clean_rich_text(data.description)
        poll.is_anonymous = data.is_anonymous
        poll.opens_at = data.opens_at
        poll.results_visibility = data.results_visibility
    if poll.closes_at <= poll.opens_at:
        raise ApplicationError(_("The deadline must come after the opening."), extra={"code": "closes_before_opening"})
    poll.save()
    if not locked and audience is not None:
        audiences.audience_apply(poll, audience, classes=choosable_classes(scope))
    if poll.kind == Poll.Kind.QUICK:
        Question.objects.filter(poll=poll).update(label=poll.title)
    audit_record(scope=scope, action="polls.poll_updated", target=poll, poll=poll.pk, locked=locked)
    _changed(poll)
    return poll


def _add_options(question: Question, options: list[str]) -> None:
    Option.objects.bulk_create(
        Option(establishment_id=question.establishment_id, question=question, label=label, position=index)
        for index, label in enumerate(options, start=1)
    )


def _refuse_if_locked(poll: Poll) -> None:
    if has_answers(poll):
        raise ApplicationError(
            _("Someone has already answered: the questions can no longer change."), extra={"code": "locked"}
        )


@transaction.atomic
def question_add(*, scope: Scope, poll: Poll, label: str, kind: str, is_required: bool, choices: list[str]) -> Question:
    """Add a question to a survey one manages, before anyone answered."""
    if not access.is_author(scope, poll):
        raise ApplicationError(_("You may not change this poll."))
    if poll.kind == Poll.Kind.QUICK:
        raise ApplicationError(_("A quick poll has one question."), extra={"code": "quick"})
    Poll.objects.select_for_update().filter(pk=poll.pk).first()
    _refuse_if_locked(poll)
    options = _clean_choices(choices)
    if kind in Question.CHOICE_KINDS and len(options) < 2:
        raise ApplicationError(_("Give at least two choices, one per line."), extra={"code": "choices"})
    last = poll.questions.order_by("-position").values_list("position", flat=True).first() or 0
    question = Question.objects.create(
        establishment_id=poll.establishment_id,
        poll=poll,
        label=label,
        kind=kind,
        is_required=is_required,
        position=last + 1,
    )
    if kind in Question.CHOICE_KINDS:
        _add_options(question, options)
    _changed(poll)
    return question


@transaction.atomic
def question_delete(*, scope: Scope, question: Question) -> None:
    """Remove a question of a survey one manages, before anyone answered."""
    poll = question.poll
    if not access.is_author(scope, poll) or poll.kind == Poll.Kind.QUICK:
        raise ApplicationError(_("You may not change this poll."))
    Poll.objects.select_for_update().filter(pk=poll.pk).first()
    _refuse_if_locked(poll)
    question.delete()
    _changed(poll)


def _publish(scope: Scope, poll: Poll) -> None:
    poll.is_published = True
    poll.save(update_fields=["is_published"])
    params = {"kind": poll.kind, "title": poll.title, "deadline": timezone.localdate(poll.closes_at).isoformat()}
    url = reverse("polls:poll-answer", args=[poll.pk])

    def tell() -> None:
        people = [next(iter(row.values())) for row in audiences.audience_people(poll)]
        notify(
            "polls.new",
            people,
            params=params,
            url=url,
            establishment_id=poll.establishment_id,
            actor_id=poll.created_by_id,
        )

    transaction.on_commit(tell)


@transaction.atomic
def poll_publish(*, scope: Scope, poll: Poll) -> Poll:
    """Publish a survey one manages: its audience sees it and is told."""
    if not access.is_author(scope, poll):
        raise ApplicationError(_("You may not change this poll."))
    if poll.is_published:
        raise ApplicationError(_("This poll is already published."), extra={"code": "published"})
    if not poll.questions.exists():
        raise ApplicationError(_("Add a question before publishing."), extra={"code": "no_question"})
    _publish(scope, poll)
    audit_record(scope=scope, action="polls.poll_published", target=poll, poll=poll.pk)
    _changed(poll)
    return poll


def _answers_for(question: Question, values: list[str], options: dict[int, Option]) -> list[Answer]:
    """Check one question's answer and return its rows (unsaved; ``response`` set by the caller)."""
    values = [v.strip() for v in values if v and v.strip()]
    name = {"question": question.label}
    if not values:
        if question.is_required:
            raise ApplicationError(_("Answer the question “%(question)s”.") % name, extra={"code": "required"})
        return []
    base = {"establishment_id": question.establishment_id, "question": question}
    if question.has_options:
        chosen: list[int] = []
        for value in values:
            pk = int(value) if value.isdigit() and len(value) < 12 else None
            if pk is None or pk not in options:
                raise ApplicationError(
                    _("Choose among the answers offered to “%(question)s”.") % name, extra={"code": "option"}
                )
            chosen.append(pk)
        chosen = list(dict.fromkeys(chosen))
        if question.kind == Question.Kind.SINGLE and len(chosen) > 1:
            raise ApplicationError(_("Choose one answer to “%(question)s”.") % name, extra={"code": "option"})
        return [Answer(**base, option=options[pk]) for pk in chosen]
    if question.kind == Question.Kind.SCALE:
        if len(values) != 1 or values[0] not in {"1", "2", "3", "4", "5"}:
            raise ApplicationError(_("Answer “%(question)s” with a value from 1 to 5.") % name, extra={"code": "scale"})
        return [Answer(**base, scale=int(values[0]))]
    limit = 200 if question.kind == Question.Kind.SHORT_TEXT else MAX_TEXT
    return [Answer(**base, text=" ".join(values)[:limit])]


@transaction.atomic
def poll_answer(*, scope: Scope, poll: Poll, answers: dict[int, list[str]]) -> Response:
    """Answer a poll of one's audience, once, before its deadline; refused with nothing saved otherwise.

    ``answers`` maps each question's id to the values sent (option ids, a scale value, a text).
    """
    if not access.in_audience(scope, poll):
        raise ApplicationError(_("This poll is not meant for you."), extra={"code": "audience"})
    now = timezone.now()
    if now >= poll.closes_at:
        raise ApplicationError(
            _("The deadline has passed: answers are no longer taken, and yours was not saved."),
            extra={"code": "closed"},
        )
    if now < poll.opens_at:
        raise ApplicationError(_("This poll is not open yet."), extra={"code": "not_open"})
    questions = list(poll.questions.prefetch_related("options"))
    rows: list[Answer] = []
    for question in questions:
        options = {option.pk: option for option in question.options.all()}
        rows += _answers_for(question, answers.get(question.pk, []), options)
    if not rows:
        raise ApplicationError(_("Answer at least one question."), extra={"code": "empty"})
    try:
        with transaction.atomic():
            Participation.objects.create(establishment_id=poll.establishment_id, poll=poll, person_id=scope.user_id)
    except IntegrityError:
        raise ApplicationError(
            _("You have already answered this poll: your first answers are kept."), extra={"code": "answered"}
        ) from None
    response = Response.objects.create(
        establishment_id=poll.establishment_id, poll=poll, person_id=None if poll.is_anonymous else scope.user_id
    )
    for row in rows:
        row.response = response
    Answer.objects.bulk_create(rows)
    user_id = scope.user_id
    transaction.on_commit(lambda: versions.bump(versions.Kind.POLLS_PERSON, user_id))
    return response
