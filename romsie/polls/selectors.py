"""Reads of polls and surveys: the lists, the questions to answer, the results and their export.

The results cost a fixed number of queries whatever the number of responses: counts come from
one aggregate over the answers (grouped by question, option and scale value), the respondents
per question from a second one, and only the text answers are read row by row (at most
``TEXTS_SHOWN`` on the page; the export has them all).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from romsie.core import versions
from romsie.core.access.scope import Scope

from . import access
from .models import Answer, Option, Participation, Poll, Question, Response

TEXTS_SHOWN = 300
LIST_SIZE = 100


def reader_stamp(scope: Scope) -> tuple[Any, ...]:
    """What a person's cached polls (the dashboard's polls to answer, the polls for me) depend on.

    ``polls`` is the establishment's polls (created, changed, published), ``polls-person`` the
    polls the person answered; ``structure`` and the person's ``user`` version (roles,
    guardianships) say which audiences they are in; the habilitations say whether they answer
    and create. A poll opening or passing its deadline announces nothing: the fragments' one-minute
    time-out covers it (``core.fragments``).
    """
    keys = (
        versions.key(versions.Kind.POLLS, scope.establishment_id),
        versions.key(versions.Kind.POLLS_PERSON, scope.user_id),
        versions.key(versions.Kind.STRUCTURE, scope.establishment_id),
        versions.key(versions.Kind.USER, scope.user_id),
    )
    return ("polls" in scope.services, sorted(scope.habilitations), *versions.stamp(*keys))


def _with_answered(polls: QuerySet[Poll], scope: Scope) -> QuerySet[Poll]:
    mine = Participation.objects.filter(poll=OuterRef("pk"), person_id=scope.user_id)
    return polls.annotate(has_answered=Exists(mine))


@dataclass
class PollLists:
    open: list[Poll]
    closed: list[Poll]


def poll_list_for_person(scope: Scope) -> PollLists:
    """The published polls meant for the person: open ones by deadline, then the closed ones (one query each)."""
    now = timezone.now()
    polls = _with_answered(access.visible_polls(scope).filter(is_published=True, opens_at__lte=now), scope)
    return PollLists(
        open=list(polls.filter(closes_at__gt=now).order_by("closes_at", "pk")[:LIST_SIZE]),
        closed=list(polls.filter(closes_at__lte=now).order_by("-closes_at", "-pk")[:LIST_SIZE]),
    )


def poll_list_for_author(scope: Scope) -> list[Poll]:
    """The polls the person created, newest first, with their number of responses (one query)."""
    return list(
        access.managed_polls(scope)
        .annotate(response_count=Count("participations"))
        .order_by("-created_at", "-pk")[:LIST_SIZE]
    )


def questions_of(poll: Poll) -> list[Question]:
    """The poll's questions with their options (two queries)."""
    return list(
        poll.questions.prefetch_related(Prefetch("options", queryset=Option.objects.order_by("position", "pk")))
    )


@dataclass
class ManagePage:
    questions: list[Question]
    responses: int
    locked: bool


def manage_page(poll: Poll) -> ManagePage:
    """The author's view of a poll: its questions, how many answered, whether the questions are fixed."""
    responses = Participation.objects.filter(poll=poll).count()
    return ManagePage(questions=questions_of(poll), responses=responses, locked=responses > 0)


@dataclass
class Row:
    """One line of a chart: a label, a count and its share of the respondents."""

    label: str
    count: int
    percent: int


@dataclass
class QuestionResult:
    question: Question
    respondents: int
    rows: list[Row] = field(default_factory=list)
    texts: list[tuple[str, str]] = field(default_factory=list)  # (name or "", text)
    average: float | None = None


@dataclass
class Results:
    poll: Poll
    responses: int
    questions: list[QuestionResult]
    shows_names: bool
    texts_cut: bool


def _percent(count: int, total: int) -> int:
    return round(100 * count / total) if total else 0


def results(scope: Scope, poll: Poll) -> Results:
    """The poll's results: per question, counts and shares; text answers (named only for the author)."""
    questions = questions_of(poll)
    answers = Answer.objects.filter(question__poll=poll)
    counts: dict[tuple[int, int | None, int | None], int] = {
        (row["question_id"], row["option_id"], row["scale"]): row["n"]
        for row in answers.filter(text="")
        .values("question_id", "option_id", "scale")
        .annotate(n=Count("pk"))
        .order_by()
    }
    respondents = {
        row["question_id"]: row["n"]
        for row in answers.values("question_id").annotate(n=Count("response_id", distinct=True)).order_by()
    }
    total = Response.objects.filter(poll=poll).count()
    shows_names = not poll.is_anonymous and access.is_author(scope, poll)
    texts_query = answers.exclude(text="").order_by("question_id", "text")
    if shows_names:
        texts_query = texts_query.select_related("response__person")
    texts = list(texts_query[: TEXTS_SHOWN + 1])
    texts_cut = len(texts) > TEXTS_SHOWN
    by_question: dict[int, list[tuple[str, str]]] = {}
    for answer in texts[:TEXTS_SHOWN]:
        person = answer.response.person if shows_names else None
        by_question.setdefault(answer.question_id, []).append((person.get_full_name() if person else "", answer.text))
    found: list[QuestionResult] = []
    for question in questions:
        base = respondents.get(question.pk, 0)
        result = QuestionResult(question=question, respondents=base)
        if question.has_options:
            for option in question.options.all():
                n = counts.get((question.pk, option.pk, None), 0)
                result.rows.append(Row(option.label, n, _percent(n, base)))
        elif question.kind == Question.Kind.SCALE:
            values = {value: counts.get((question.pk, None, value), 0) for value in range(1, 6)}
            for value, n in values.items():
                result.rows.append(Row(str(value), n, _percent(n, base)))
            if base:
                result.average = round(sum(v * n for v, n in values.items()) / base, 1)
        else:
            result.texts = by_question.get(question.pk, [])
        found.append(result)
    return Results(poll=poll, responses=total, questions=found, shows_names=shows_names, texts_cut=texts_cut)


def export_rows(scope: Scope, poll: Poll) -> tuple[list[str], list[list[Any]]]:
    """One line per response (with the person's name on a named poll), one column per question."""
    questions = questions_of(poll)
    named = not poll.is_anonymous
    header = ([_("Person")] if named else []) + [q.label for q in questions]
    responses = Response.objects.filter(poll=poll)
    if named:
        responses = responses.select_related("person").order_by(Lower("person__search_name"), "pk")
    else:
        responses = responses.order_by("pk")  # random ids: an order that tells nothing
    cells: dict[Any, dict[int, list[str]]] = {}
    for answer in Answer.objects.filter(question__poll=poll).select_related("option"):
        value = answer.option.label if answer.option else (str(answer.scale) if answer.scale else answer.text)
        cells.setdefault(answer.response_id, {}).setdefault(answer.question_id, []).append(value)
    rows: list[list[Any]] = []
    for response in responses:
        mine = cells.get(response.pk, {})
        line: list[Any] = [response.person.get_full_name() if response.person else ""] if named else []
        for question in questions:
            values = mine.get(question.pk, [])
            if question.kind == Question.Kind.SCALE and values:
                line.append(int(values[0]))
            else:
                line.append(", ".join(values))
        rows.append(line)
    return header, rows


def open_for_person(scope: Scope, *, limit: int) -> list[Poll]:
    """The open polls the person has not answered yet, soonest deadline first (one query)."""
    now = timezone.now()
    answered = Participation.objects.filter(poll=OuterRef("pk"), person_id=scope.user_id)
    return list(
        access.visible_polls(scope)
        .filter(is_published=True, opens_at__lte=now, closes_at__gt=now)
        .exclude(Exists(answered))
        .order_by("closes_at", "pk")[:limit]
    )


def quick_options(polls: list[Poll]) -> dict[int, tuple[Question, list[Option]]]:
    """The one question and its options of each quick poll among ``polls`` (one query, none without one)."""
    quick = [poll.pk for poll in polls if poll.kind == Poll.Kind.QUICK]
    if not quick:
        return {}
    found: dict[int, tuple[Question, list[Option]]] = {}
    for option in (
        Option.objects.filter(question__poll_id__in=quick)
        .select_related("question")
        .order_by("question__poll_id", "position", "pk")
    ):
        question = option.question
        found.setdefault(question.poll_id, (question, []))[1].append(option)
    return found
