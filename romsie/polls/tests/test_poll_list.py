"""The cached page of the polls for me: every write that changes it shows at once, by the person or by someone else."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from romsie.core.testing.factories import EnrollmentFactory, GuardianshipFactory, scope_of
from romsie.identity.models import Role, RoleAssignment
from romsie.polls import services
from romsie.polls.models import Poll, Question
from romsie.schooling import audiences
from romsie.schooling.audiences import AudienceChoice

from .builders import poll_in, question_in

pytestmark = pytest.mark.django_db

LIST = reverse("polls:poll-list")


def shown(client) -> tuple[str, str]:
    """The open and the closed parts of the person's page."""
    page = client.get(LIST).content.decode()
    open_part, closed_part = page.split("<h2>Closed</h2>")
    return open_part.split("<h2>Open</h2>")[1], closed_part


def data_of(poll: Poll, **changes) -> services.PollData:
    data = {
        "kind": poll.kind,
        "title": poll.title,
        "description": poll.description,
        "is_anonymous": poll.is_anonymous,
        "opens_at": poll.opens_at,
        "closes_at": poll.closes_at,
        "results_visibility": poll.results_visibility,
    }
    return services.PollData(**{**data, **changes})


def test_a_new_poll_and_a_published_survey_show_at_once(polls_world, client_for, django_capture_on_commit_callbacks):
    w = polls_world
    teacher, student = client_for(w.a.teacher), client_for(w.a.student)
    assert "Pizza or pasta?" not in shown(teacher)[0] and "Pizza or pasta?" not in shown(student)[0]
    now = timezone.now()
    data = services.PollData(
        kind=Poll.Kind.QUICK,
        title="Pizza or pasta?",
        description="",
        is_anonymous=True,
        opens_at=now - datetime.timedelta(minutes=1),
        closes_at=now + datetime.timedelta(days=1),
        results_visibility=Poll.Results.AFTER_ANSWER,
    )
    students_of_the_class = AudienceChoice.of([audiences.STUDENTS], classes=[w.a.school_class.pk])
    with django_capture_on_commit_callbacks(execute=True):
        services.poll_create(
            scope=scope_of(w.a.teacher), data=data, audience=students_of_the_class, choices=["Pizza", "Pasta"]
        )
    assert "Pizza or pasta?" in shown(teacher)[0]  # by the person: their own poll
    assert "Pizza or pasta?" in shown(student)[0]  # by someone else
    survey = poll_in(w.a, kind=Poll.Kind.SURVEY, title="End of year trip", is_published=False)
    question_in(survey, "Which day?", Question.Kind.SINGLE, ("Monday", "Friday"))
    assert "End of year trip" not in shown(student)[0] and "End of year trip" not in shown(teacher)[0]
    with django_capture_on_commit_callbacks(execute=True):
        teacher.post(reverse("polls:poll-publish", args=[survey.pk]))  # through the view
    assert "End of year trip" in shown(teacher)[0]
    assert "End of year trip" in shown(student)[0]


def test_an_edit_an_early_close_and_a_new_audience_show_at_once(
    polls_world, client_for, django_capture_on_commit_callbacks
):
    w = polls_world
    poll = poll_in(w.a, title="Where shall we go?")
    teacher, student, parent = client_for(w.a.teacher), client_for(w.a.student), client_for(w.a.parent)
    for client in (teacher, student, parent):
        assert "Where shall we go?" in shown(client)[0]
    with django_capture_on_commit_callbacks(execute=True):
        services.poll_update(
            scope=scope_of(w.a.teacher), poll=poll, data=data_of(poll, title="Museum or zoo?"), audience=None,
            version=poll.version,
        )  # fmt: skip
    assert "Museum or zoo?" in shown(teacher)[0]
    assert "Museum or zoo?" in shown(student)[0]
    poll.refresh_from_db()
    early = timezone.now() - datetime.timedelta(minutes=1)  # closed early: the deadline moved to the past
    with django_capture_on_commit_callbacks(execute=True):
        services.poll_update(
            scope=scope_of(w.a.teacher), poll=poll, data=data_of(poll, closes_at=early), audience=None,
            version=poll.version,
        )  # fmt: skip
    for client in (teacher, student):
        open_part, closed_part = shown(client)
        assert "Museum or zoo?" not in open_part and "Museum or zoo?" in closed_part
    poll.refresh_from_db()
    parents_only = AudienceChoice.of([audiences.PARENTS], classes=[w.a.school_class.pk])
    with django_capture_on_commit_callbacks(execute=True):
        services.poll_update(
            scope=scope_of(w.a.teacher), poll=poll, data=data_of(poll), audience=parents_only, version=poll.version
        )
    assert "Museum or zoo?" not in "".join(shown(student))  # no longer in its audience
    assert "Museum or zoo?" in shown(parent)[1]


def test_an_answer_shows_at_once(polls_world, client_for, django_capture_on_commit_callbacks):
    w = polls_world
    poll = poll_in(w.a, title="Where shall we go?")
    question = poll.questions.get()
    student = client_for(w.a.student)
    assert "Answered" not in shown(student)[0]
    with django_capture_on_commit_callbacks(execute=True):
        student.post(reverse("polls:poll-answer", args=[poll.pk]), {f"q{question.pk}": question.options.first().pk})
    assert "Answered" in shown(student)[0]
    assert "Answered" not in shown(client_for(w.a.parent))[0]  # someone else's answer is not theirs


def test_a_new_child_a_new_class_and_a_new_role_show_at_once(polls_world, client_for):
    w = polls_world
    poll_in(w.a, title="Class B outing", classes=[w.a.class2])
    poll_in(w.a, author=w.a.head, title="Staff meeting", for_students=False, for_parents=False, for_staff=True)
    student, parent, teacher = client_for(w.a.student), client_for(w.a.parent), client_for(w.a.teacher)
    for client in (student, parent):
        assert "Class B outing" not in shown(client)[0]
    assert "Staff meeting" not in shown(teacher)[0]
    GuardianshipFactory(establishment=w.a.establishment, guardian=w.a.parent, student=w.a.student2)
    assert "Class B outing" in shown(parent)[0]  # the person's stamp (guardianships)
    assert "Class B outing" not in shown(student)[0]
    EnrollmentFactory(school_class=w.a.class2, student=w.a.student)
    assert "Class B outing" in shown(student)[0]  # schooling's structure stamp
    RoleAssignment.objects.create(user=w.a.teacher, establishment=w.a.establishment, role=Role.STAFF, function="head")
    assert "Staff meeting" in shown(teacher)[0]  # the person's stamp (roles)
