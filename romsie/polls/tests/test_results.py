"""Results: counts and shares per question, text answers, names only for the author; exports; fixed query counts."""

from __future__ import annotations

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from romsie.core import versions
from romsie.core.testing import factories as f
from romsie.identity.models import Role
from romsie.polls.models import Poll, Question

from .builders import answer_as, poll_in, question_in

pytestmark = pytest.mark.django_db


def _survey(w, *, is_anonymous=True, results=Poll.Results.AFTER_ANSWER, closes_at=None):
    survey = poll_in(w.a, kind=Poll.Kind.SURVEY, is_anonymous=is_anonymous, results=results, closes_at=closes_at)
    day = question_in(survey, "Which day?", Question.Kind.SINGLE, ("Monday", "Friday"))
    likes = question_in(survey, "What do you like?", Question.Kind.MULTIPLE, ("Swim", "Hike"))
    scale = question_in(survey, "Happy?", Question.Kind.SCALE)
    text = question_in(survey, "Comments", Question.Kind.LONG_TEXT, is_required=False)
    return survey, day, likes, scale, text


def test_results_count_and_share_each_answer(polls_world, client_for):
    w = polls_world
    survey, day, likes, scale, text = _survey(w)
    answer_as(survey, w.a.student, {day: "Friday", likes: ["Swim", "Hike"], scale: 4, text: "Great idea"})
    answer_as(survey, w.a.parent, {day: "Friday", likes: ["Swim"], scale: 2})
    answer_as(survey, w.a.parent2, {day: "Monday", likes: [], scale: 3})
    page = client_for(w.a.teacher).get(reverse("polls:poll-results", args=[survey.pk])).content.decode()
    assert "3 responses" in page
    assert "<td>2</td>\n        <td>67 %</td>" in page  # Friday: 2 of 3
    assert "average 3.0 out of 5" in page
    assert "Great idea" in page
    assert 'width="67"' in page  # the bar, beside its values in text


def test_named_poll_shows_names_only_to_the_author(polls_world, client_for):
    w = polls_world
    survey, day, _likes, scale, text = _survey(w, is_anonymous=False)
    answer_as(survey, w.a.parent, {day: "Friday", scale: 2, text: "Parent's remark"})
    answer_as(survey, w.a.student, {day: "Monday", scale: 5, text: "Student's remark"})
    name = w.a.parent.get_full_name()
    author_page = client_for(w.a.teacher).get(reverse("polls:poll-results", args=[survey.pk])).content.decode()
    assert name in author_page
    student_page = client_for(w.a.student).get(reverse("polls:poll-results", args=[survey.pk])).content.decode()
    assert "Parent&#x27;s remark" in student_page and name not in student_page


def test_results_after_the_deadline_are_hidden_until_then(polls_world, client_for):
    w = polls_world
    survey, day, *_ = _survey(w, results=Poll.Results.AFTER_DEADLINE)
    answer_as(survey, w.a.student, {day: "Friday"})
    url = reverse("polls:poll-results", args=[survey.pk])
    assert client_for(w.a.student).get(url).status_code == 404
    survey.closes_at = timezone.now() - datetime.timedelta(minutes=1)
    survey.opens_at = timezone.now() - datetime.timedelta(days=2)
    survey.save()
    assert client_for(w.a.student).get(url).status_code == 200


def test_results_for_the_author_only_are_hidden_from_respondents(polls_world, client_for):
    w = polls_world
    poll = poll_in(w.a, results=Poll.Results.AUTHOR)
    answer_as(poll, w.a.student, {poll.questions.get(): "Zoo"})
    assert client_for(w.a.student).get(reverse("polls:poll-results", args=[poll.pk])).status_code == 404
    assert client_for(w.a.teacher).get(reverse("polls:poll-results", args=[poll.pk])).status_code == 200


def test_exports_csv_and_xlsx_one_line_per_response(polls_world, client_for):
    w = polls_world
    survey, day, likes, scale, text = _survey(w, is_anonymous=False)
    answer_as(survey, w.a.student, {day: "Friday", likes: ["Swim", "Hike"], scale: 4, text: "=1+1"})
    client = client_for(w.a.teacher)
    csv = client.get(reverse("polls:poll-export", args=[survey.pk])).content.decode("utf-8-sig")
    lines = csv.strip().splitlines()
    assert lines[0] == "Person;Which day?;What do you like?;Happy?;Comments"
    assert w.a.student.get_full_name() in lines[1]
    assert "Swim, Hike" in lines[1] and "'=1+1" in lines[1]
    xlsx = client.get(reverse("polls:poll-export", args=[survey.pk]) + "?format=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][3] == 4


def test_anonymous_export_has_no_name_column(polls_world, client_for):
    w = polls_world
    survey, day, *_ = _survey(w)
    answer_as(survey, w.a.student, {day: "Friday"})
    csv = client_for(w.a.teacher).get(reverse("polls:poll-export", args=[survey.pk])).content.decode("utf-8-sig")
    assert csv.splitlines()[0].startswith("Which day?")
    assert w.a.student.last_name not in csv


@pytest.mark.parametrize("responses", [1, 50])
def test_results_page_query_count_does_not_grow(polls_world, client_for, django_assert_num_queries, responses):
    w = polls_world
    survey, day, likes, scale, text = _survey(w, is_anonymous=False)
    for i in range(responses):
        person = f.person(w.a.establishment, Role.STUDENT, last_name=f"Resp{i:02}")
        answer_as(survey, person, {day: "Friday", likes: ["Swim"], scale: (i % 5) + 1, text: f"Text {i}"})
    client = client_for(w.a.teacher)
    # session, user, scope (roles, territory admin), poll (gate), questions, options, counts,
    # respondents per question, responses, text answers (with the named people), the header's
    # unread notification count
    with django_assert_num_queries(12):
        assert client.get(reverse("polls:poll-results", args=[survey.pk])).status_code == 200


@pytest.mark.parametrize("polls", [1, 50])
def test_poll_list_query_count_does_not_grow(polls_world, client_for, django_assert_num_queries, polls):
    w = polls_world
    for i in range(polls):
        poll_in(w.a, title=f"Poll {i}")
    client = client_for(w.a.student)
    client.get(reverse("polls:poll-list"))  # warm the scope's cache (and the list)
    versions.bump(versions.Kind.POLLS, w.a.establishment.pk)  # as a new or changed poll does
    with django_assert_num_queries(4):  # session, user, open polls, closed polls
        response = client.get(reverse("polls:poll-list"))
    assert response.content.decode().count("poll-card") == polls
    with django_assert_num_queries(2):  # nothing changed: the lists come from the cache
        again = client.get(reverse("polls:poll-list"))
    assert again.content.decode().count("poll-card") == polls
