"""Who sees, answers and manages polls and surveys, and who reads their results.

* Everything is within the current establishment: another establishment's poll answers 404.
* A poll is seen by its author, and, once published, by the people of its audience (roles,
  levels and classes: ``schooling.audiences``) holding ``polls.answer``. Nobody else sees it,
  not even the head: a teacher's poll of their class is theirs.
* Answering: a person of the audience, once, between the opening and the deadline.
* Managing (changing, adding questions, publishing, exporting): the author only, while they hold
  ``polls.create``.
* Results: the author always; the people who answered after answering or after the deadline, as
  the author chose; nobody else. On a named poll only the author sees who answered what.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from romsie.core.access.lookup import first_or_404, found_or_404
from romsie.core.access.scope import Scope
from romsie.schooling import audiences

from .habilitations import PollsHabilitation as H
from .models import Participation, Poll, Question


def visible_polls(scope: Scope) -> QuerySet[Poll]:
    """Polls the person may open: their own, and the published ones whose audience includes them."""
    if scope.establishment_id is None:
        return Poll.objects.none()
    polls = Poll.objects.filter(establishment_id=scope.establishment_id)
    parts = []
    if scope.has(H.CREATE):
        parts.append(polls.filter(created_by_id=scope.user_id).values("pk").order_by())
    if scope.has(H.ANSWER):
        parts += [part.filter(is_published=True) for part in audiences.audience_parts(Poll, scope)]
    if not parts:
        return Poll.objects.none()
    first, *others = parts
    return polls.filter(pk__in=first.union(*others) if others else first)


def get_poll(scope: Scope, pk: int) -> Poll:
    """Return a poll the person may open, or raise 404."""
    return first_or_404(visible_polls(scope).filter(pk=pk))


def managed_polls(scope: Scope) -> QuerySet[Poll]:
    """Polls the person manages: those they created, while they may create polls."""
    if scope.establishment_id is None or not scope.has(H.CREATE):
        return Poll.objects.none()
    return Poll.objects.filter(establishment_id=scope.establishment_id, created_by_id=scope.user_id)


def get_managed_poll(scope: Scope, pk: int) -> Poll:
    """Return a poll the person manages, or raise 404."""
    return first_or_404(managed_polls(scope).filter(pk=pk))


def is_author(scope: Scope, poll: Poll) -> bool:
    """Whether the person manages the poll (its author, holding ``polls.create``)."""
    return scope.has(H.CREATE) and poll.created_by_id == scope.user_id


def in_audience(scope: Scope, poll: Poll) -> bool:
    """Whether the published poll is meant for the person (one query)."""
    if not poll.is_published or not scope.has(H.ANSWER):
        return False
    parts = [part.filter(is_published=True) for part in audiences.audience_parts(Poll, scope)]
    if not parts:
        return False
    first, *others = parts
    ids = first.union(*others) if others else first
    return Poll.objects.filter(pk=poll.pk, pk__in=ids).exists()


def is_open(poll: Poll) -> bool:
    """Whether answers are taken now: published, opened and before the deadline."""
    now = timezone.now()
    return poll.is_published and poll.opens_at <= now < poll.closes_at


def has_answered(scope: Scope, poll: Poll) -> bool:
    """Whether the person already answered the poll."""
    return Participation.objects.filter(poll=poll, person_id=scope.user_id).exists()


def can_see_results(scope: Scope, poll: Poll, *, answered: bool) -> bool:
    """Whether the person reads the poll's results (see the rules at the top)."""
    if is_author(scope, poll):
        return True
    if not answered or poll.results_visibility == Poll.Results.AUTHOR:
        return False
    if poll.results_visibility == Poll.Results.AFTER_DEADLINE:
        return timezone.now() >= poll.closes_at
    return True


def get_results_poll(scope: Scope, pk: int) -> Poll:
    """Return a poll whose results the person may read, or raise 404."""
    poll = get_poll(scope, pk)
    allowed = is_author(scope, poll) or can_see_results(scope, poll, answered=has_answered(scope, poll))
    return found_or_404(poll if allowed else None)


def get_managed_question(scope: Scope, pk: int) -> Question:
    """Return a question of a poll the person manages, or raise 404."""
    return first_or_404(
        Question.objects.filter(poll__in=managed_polls(scope).values("pk"), pk=pk).select_related("poll")
    )
