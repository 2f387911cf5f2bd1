"""Answering a poll: once per person, before the deadline, anonymous answers unlinkable to the person."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from romsie.core.errors import ApplicationError
from romsie.core.testing.factories import scope_of
from romsie.polls import services
from romsie.polls.models import Answer, Participation, Poll, Question, Response

from .builders import answer_as, poll_in, question_in

pytestmark = pytest.mark.django_db


def _option(poll: Poll, label: str) -> str:
    return str(poll.questions.get().options.get(label=label).pk)


def test_student_answers_a_quick_poll_and_sees_the_results(polls_world, client_for):
    w = polls_world
    poll = poll_in(w.a)
    question = poll.questions.get()
    response = client_for(w.a.student).post(
        reverse("polls:poll-answer", args=[poll.pk]), {f"q{question.pk}": _option(poll, "Zoo")}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("polls:poll-results", args=[poll.pk])
    assert Participation.objects.filter(poll=poll, person=w.a.student).exists()
    assert Answer.objects.get(question=question).option.label == "Zoo"


def test_second_answer_by_the_same_person_is_refused_and_first_kept(polls_world):
    w = polls_world
    poll = poll_in(w.a)
    question = poll.questions.get()
    scope = scope_of(w.a.student)
    services.poll_answer(scope=scope, poll=poll, answers={question.pk: [_option(poll, "Zoo")]})
    with pytest.raises(ApplicationError, match="already answered"):
        services.poll_answer(scope=scope, poll=poll, answers={question.pk: [_option(poll, "Museum")]})
    assert Response.objects.filter(poll=poll).count() == 1
    assert Answer.objects.get(question=question).option.label == "Zoo"


def test_answer_after_the_deadline_is_refused_with_a_clear_error_and_nothing_saved(polls_world, client_for):
    w = polls_world
    now = timezone.now()
    poll = poll_in(w.a, opens_at=now - datetime.timedelta(days=3), closes_at=now - datetime.timedelta(minutes=1))
    question = poll.questions.get()
    with pytest.raises(ApplicationError, match="deadline has passed"):
        services.poll_answer(scope=scope_of(w.a.student), poll=poll, answers={question.pk: [_option(poll, "Zoo")]})
    page = client_for(w.a.student).post(
        reverse("polls:poll-answer", args=[poll.pk]), {f"q{question.pk}": _option(poll, "Zoo")}
    )
    assert page.status_code == 200
    assert "deadline has passed" in page.content.decode()
    assert not Participation.objects.filter(poll=poll).exists()
    assert not Response.objects.filter(poll=poll).exists()


def test_person_outside_the_audience_cannot_answer(polls_world):
    w = polls_world
    poll = poll_in(w.a, classes=[w.a.class2])
    question = poll.questions.get()
    with pytest.raises(ApplicationError):
        services.poll_answer(scope=scope_of(w.a.student), poll=poll, answers={question.pk: [_option(poll, "Zoo")]})
    assert not Participation.objects.filter(poll=poll).exists()


def test_anonymous_response_has_no_person_no_date_and_a_random_id(polls_world):
    w = polls_world
    poll = poll_in(w.a, is_anonymous=True)
    question = poll.questions.get()
    services.poll_answer(scope=scope_of(w.a.student), poll=poll, answers={question.pk: [_option(poll, "Zoo")]})
    response = Response.objects.get(poll=poll)
    assert response.person_id is None
    field_names = {f.name for f in Response._meta.get_fields()} | {f.name for f in Answer._meta.get_fields()}
    assert not any(name.endswith("_at") or name.endswith("_on") for name in field_names)
    assert isinstance(response.pk, type(Answer.objects.get(response=response).pk))
    assert len(str(response.pk)) == 36  # a UUID: no order shared with the participation's id


def test_named_response_keeps_the_person(polls_world):
    w = polls_world
    poll = poll_in(w.a, is_anonymous=False)
    question = poll.questions.get()
    services.poll_answer(scope=scope_of(w.a.parent), poll=poll, answers={question.pk: [_option(poll, "Zoo")]})
    assert Response.objects.get(poll=poll).person_id == w.a.parent.pk


def test_survey_checks_each_kind_of_answer(polls_world):
    w = polls_world
    poll = poll_in(w.a, kind=Poll.Kind.SURVEY)
    single = question_in(poll, "Day?", Question.Kind.SINGLE, ("Monday", "Friday"))
    multiple = question_in(poll, "Activities?", Question.Kind.MULTIPLE, ("Swim", "Hike", "Bike"))
    scale = question_in(poll, "Happy?", Question.Kind.SCALE)
    short = question_in(poll, "Name a place", Question.Kind.SHORT_TEXT, is_required=False)
    long = question_in(poll, "Comments", Question.Kind.LONG_TEXT, is_required=False)
    scope = scope_of(w.a.student)
    opts = {o.label: str(o.pk) for q in (single, multiple) for o in q.options.all()}
    with pytest.raises(ApplicationError, match="from 1 to 5"):
        services.poll_answer(
            scope=scope, poll=poll, answers={single.pk: [opts["Monday"]], multiple.pk: [opts["Swim"]], scale.pk: ["9"]}
        )
    with pytest.raises(ApplicationError, match="Choose one answer"):
        services.poll_answer(
            scope=scope,
            poll=poll,
            answers={single.pk: [opts["Monday"], opts["Friday"]], multiple.pk: [opts["Swim"]], scale.pk: ["3"]},
        )
    with pytest.raises(ApplicationError, match="Answer the question"):
        services.poll_answer(scope=scope, poll=poll, answers={single.pk: [opts["Monday"]], scale.pk: ["3"]})
    with pytest.raises(ApplicationError, match="Choose among"):
        services.poll_answer(
            scope=scope, poll=poll, answers={single.pk: ["999999"], multiple.pk: [opts["Swim"]], scale.pk: ["3"]}
        )
    assert not Participation.objects.filter(poll=poll).exists()
    services.poll_answer(
        scope=scope,
        poll=poll,
        answers={
            single.pk: [opts["Friday"]],
            multiple.pk: [opts["Swim"], opts["Bike"]],
            scale.pk: ["4"],
            short.pk: ["Lyon"],
            long.pk: [],
        },
    )
    assert Answer.objects.filter(question=multiple).count() == 2
    assert Answer.objects.get(question=scale).scale == 4
    assert Answer.objects.get(question=short).text == "Lyon"
    assert not Answer.objects.filter(question=long).exists()


def test_answer_page_says_already_answered(polls_world, client_for):
    w = polls_world
    poll = poll_in(w.a)
    answer_as(poll, w.a.student, {poll.questions.get(): "Zoo"})
    page = client_for(w.a.student).get(reverse("polls:poll-answer", args=[poll.pk])).content.decode()
    assert "You have answered this poll." in page
    assert 'type="radio"' not in page


def test_answers_are_not_joinable_on_postgresql_ids(polls_world):
    """Participations have sequential ids, responses random ones: sorting both tells nothing."""
    w = polls_world
    poll = poll_in(w.a, is_anonymous=True)
    question = poll.questions.get()
    for person in (w.a.student, w.a.parent):
        services.poll_answer(scope=scope_of(person), poll=poll, answers={question.pk: [_option(poll, "Zoo")]})
    assert Response.objects.filter(poll=poll, person__isnull=False).count() == 0
    assert connection.vendor in {"sqlite", "postgresql"}
