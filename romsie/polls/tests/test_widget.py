"""The dashboard's polls: the open ones not answered yet, a quick poll answerable there; a change shows at once."""

from __future__ import annotations

import pytest
from django.urls import reverse

from romsie.core import versions
from romsie.polls.models import Poll

from .builders import poll_in

pytestmark = pytest.mark.django_db


def test_dashboard_offers_the_quick_poll_and_forgets_it_once_answered(
    polls_world, client_for, django_capture_on_commit_callbacks
):
    w = polls_world
    client = client_for(w.a.student)
    assert "No poll waiting for your answer." in client.get(reverse("core:dashboard")).content.decode()
    poll = poll_in(w.a, title="Pizza or pasta?", options=("Pizza", "Pasta"))
    versions.bump(versions.Kind.POLLS, w.a.establishment.pk)
    page = client.get(reverse("core:dashboard")).content.decode()
    assert "Pizza or pasta?" in page and 'id="widget-polls-open"' in page
    question = poll.questions.get()
    option = question.options.get(label="Pasta")
    assert f'name="q{question.pk}" value="{option.pk}"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("polls:poll-answer", args=[poll.pk]), {f"q{question.pk}": str(option.pk)})
    assert response.status_code == 302
    assert "Pizza or pasta?" not in client.get(reverse("core:dashboard")).content.decode()


def test_dashboard_links_a_survey_without_inline_form(polls_world, client_for):
    w = polls_world
    poll_in(w.a, kind=Poll.Kind.SURVEY, title="End of year trip")
    page = client_for(w.a.parent).get(reverse("core:dashboard")).content.decode()
    assert "End of year trip" in page


def test_dashboard_of_someone_outside_the_audience_does_not_show_it(polls_world, client_for):
    w = polls_world
    poll_in(w.a, title="Only class two", classes=[w.a.class2])
    page = client_for(w.a.student).get(reverse("core:dashboard")).content.decode()
    assert "Only class two" not in page
