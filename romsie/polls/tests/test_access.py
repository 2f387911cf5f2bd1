"""Access: another establishment's poll is a 404, a refused POST changes nothing, a removed audience loses it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from romsie.polls.models import Participation, Poll, Question

from .builders import poll_in

pytestmark = pytest.mark.django_db


def test_another_establishments_poll_is_not_found(polls_world, client_for):
    w = polls_world
    poll = poll_in(w.c)
    question = poll.questions.get()
    client = client_for(w.a.student)
    assert client.get(reverse("polls:poll-answer", args=[poll.pk])).status_code == 404
    response = client.post(
        reverse("polls:poll-answer", args=[poll.pk]), {f"q{question.pk}": str(question.options.first().pk)}
    )
    assert response.status_code == 404
    assert not Participation.objects.filter(poll=poll).exists()


def test_other_teacher_cannot_manage_or_export_a_colleagues_poll(polls_world, client_for):
    w = polls_world
    poll = poll_in(w.a, author=w.a.head, kind=Poll.Kind.SURVEY, is_published=False)
    client = client_for(w.a.teacher)
    assert client.get(reverse("polls:poll-manage", args=[poll.pk])).status_code == 404
    assert client.get(reverse("polls:poll-export", args=[poll.pk])).status_code == 404
    response = client.post(reverse("polls:question-create", args=[poll.pk]), {"label": "Sneaky?", "kind": "short_text"})
    assert response.status_code == 404
    assert not Question.objects.filter(poll=poll).exists()


def test_student_who_leaves_the_class_loses_the_poll_at_once(polls_world, client_for):
    w = polls_world
    poll = poll_in(w.a)
    client = client_for(w.a.student)
    url = reverse("polls:poll-answer", args=[poll.pk])
    assert client.get(url).status_code == 200
    from romsie.schooling.models import Enrollment

    Enrollment.objects.filter(student=w.a.student, school_class=w.a.school_class).delete()
    assert client.get(url).status_code == 404


def test_draft_survey_is_seen_by_its_author_only(polls_world, client_for):
    w = polls_world
    survey = poll_in(w.a, kind=Poll.Kind.SURVEY, is_published=False)
    url = reverse("polls:poll-answer", args=[survey.pk])
    assert client_for(w.a.teacher).get(url).status_code == 200
    assert client_for(w.a.student).get(url).status_code == 404
