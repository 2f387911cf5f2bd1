"""The demo content: a survey for the parents with answers, and a quick poll of a class."""

from __future__ import annotations

import pytest

from romsie.polls import demo
from romsie.polls.models import Answer, Participation, Poll, Response

pytestmark = pytest.mark.django_db


def test_demo_writes_a_parents_survey_with_answers_and_a_quick_poll(polls_world):
    w = polls_world
    rows = demo.populate([w.a.establishment.pk, w.b.establishment.pk], seed=1)

    survey = Poll.objects.get(establishment=w.a.establishment, title="Sortie de fin d'année")
    assert survey.for_parents and not survey.for_students and survey.is_published
    assert survey.questions.count() == 4
    assert Participation.objects.filter(poll=survey).count() == Response.objects.filter(poll=survey).count()
    assert Poll.objects.filter(establishment=w.b.establishment, kind=Poll.Kind.QUICK).exists()
    assert rows >= 2 * (1 + 4)
    assert not Poll.objects.filter(establishment=w.c.establishment).exists()
    assert not Response.objects.filter(poll=survey, person__isnull=False).exists()


def test_demo_is_deterministic(polls_world):
    w = polls_world
    demo.populate([w.a.establishment.pk], seed=7)
    first = sorted(Answer.objects.values_list("id", flat=True))
    Poll.objects.all().delete()
    demo.populate([w.a.establishment.pk], seed=7)
    assert sorted(Answer.objects.values_list("id", flat=True)) == first
