"""Creating and changing polls: a quick poll opens at once and tells its audience; questions lock once answered."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from romsie.core.errors import ApplicationError
from romsie.core.testing.editing import race_on_form
from romsie.core.testing.factories import scope_of
from romsie.notifications.models import Notification
from romsie.polls import services
from romsie.polls.models import Poll, Question

from .builders import answer_as, poll_in, question_in

pytestmark = pytest.mark.django_db


def _dates() -> dict[str, str]:
    now = timezone.localtime()
    return {
        "opens_at": now.strftime("%Y-%m-%dT%H:%M"),
        "closes_at": (now + datetime.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
    }


def test_teacher_creates_a_quick_poll_for_a_class_and_its_students_are_told(
    polls_world, client_for, django_capture_on_commit_callbacks
):
    w = polls_world
    data = {
        "kind": "quick",
        "title": "Pizza or pasta?",
        "choices": "Pizza\nPasta\n",
        "is_anonymous": "on",
        "results_visibility": "after_answer",
        "audience_roles": ["students"],
        "audience_groups": [f"class:{w.a.school_class.pk}"],
        **_dates(),
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(w.a.teacher).post(reverse("polls:poll-create"), data)
    assert response.status_code == 302
    poll = Poll.objects.get(title="Pizza or pasta?")
    assert poll.is_published and poll.for_students and not poll.for_parents
    assert [o.label for o in poll.questions.get().options.all()] == ["Pizza", "Pasta"]
    told = set(Notification.objects.filter(kind="polls.new").values_list("recipient_id", flat=True))
    assert w.a.student.pk in told
    assert w.a.parent.pk not in told and w.a.student2.pk not in told


def test_teacher_cannot_narrow_a_poll_to_a_class_they_do_not_teach(polls_world):
    w = polls_world
    other_class = w.a.class2
    scope = scope_of(w.a.teacher)
    taught = services.choosable_classes(scope)
    if other_class in taught:
        pytest.skip("the world's teacher teaches both classes")
    from romsie.schooling.audiences import AudienceChoice

    now = timezone.now()
    data = services.PollData(
        kind="quick",
        title="Q",
        description="",
        is_anonymous=True,
        opens_at=now,
        closes_at=now + datetime.timedelta(days=1),
        results_visibility="author",
    )
    before = Poll.objects.count()
    with pytest.raises(ApplicationError):
        services.poll_create(
            scope=scope, data=data, audience=AudienceChoice.of(classes=[other_class.pk]), choices=["A", "B"]
        )
    assert Poll.objects.count() == before


def test_survey_is_a_draft_until_published_with_questions(polls_world, client_for):
    w = polls_world
    survey = poll_in(w.a, kind=Poll.Kind.SURVEY, is_published=False)
    student = client_for(w.a.student)
    assert student.get(reverse("polls:poll-answer", args=[survey.pk])).status_code == 404
    teacher = client_for(w.a.teacher)
    teacher.post(reverse("polls:poll-publish", args=[survey.pk]))
    survey.refresh_from_db()
    assert not survey.is_published  # no question yet
    response = teacher.post(
        reverse("polls:question-create", args=[survey.pk]),
        {"label": "Which day?", "kind": "single", "choices": "Monday\nFriday", "is_required": "on"},
    )
    assert response.status_code == 302
    teacher.post(reverse("polls:poll-publish", args=[survey.pk]))
    survey.refresh_from_db()
    assert survey.is_published
    assert student.get(reverse("polls:poll-answer", args=[survey.pk])).status_code == 200


def test_questions_are_locked_once_someone_answered_but_title_and_deadline_change(polls_world, client_for):
    w = polls_world
    survey = poll_in(w.a, kind=Poll.Kind.SURVEY)
    question = question_in(survey, "Happy?", Question.Kind.SCALE)
    answer_as(survey, w.a.student, {question: 4})
    scope = scope_of(w.a.teacher)
    with pytest.raises(ApplicationError, match="already answered"):
        services.question_add(scope=scope, poll=survey, label="More?", kind="short_text", is_required=False, choices=[])
    with pytest.raises(ApplicationError, match="already answered"):
        services.question_delete(scope=scope, question=question)
    new_deadline = timezone.localtime() + datetime.timedelta(days=20)
    response = client_for(w.a.teacher).post(
        reverse("polls:poll-update", args=[survey.pk]),
        {
            "version": survey.version,
            "title": "New title",
            "closes_at": new_deadline.strftime("%Y-%m-%dT%H:%M"),
            "is_anonymous": "",  # disabled: the anonymity stays
        },
    )
    assert response.status_code == 302
    survey.refresh_from_db()
    assert survey.title == "New title" and survey.is_anonymous
    assert timezone.localtime(survey.closes_at).date() == new_deadline.date()
    assert Question.objects.filter(poll=survey).count() == 1


def test_two_authors_editing_at_once_the_second_is_refused(polls_world, client_for):
    w = polls_world
    poll = poll_in(w.a)
    url = reverse("polls:poll-update", args=[poll.pk])
    base = {"results_visibility": "after_answer", "audience_roles": ["students"], **_dates()}
    refused = race_on_form(
        url,
        first=client_for(w.a.teacher),
        second=client_for(w.a.teacher),
        first_data={**base, "title": "First"},
        second_data={**base, "title": "Second"},
    )
    assert "First" in refused.content.decode()
    poll.refresh_from_db()
    assert poll.title == "First"
