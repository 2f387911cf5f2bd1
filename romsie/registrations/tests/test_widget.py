"""The guardians' dashboard widget: the registrations open now, a registration showing at once."""

from __future__ import annotations

from django.urls import reverse

from romsie.core.testing.factories import scope_of
from romsie.registrations import services

from .builders import activity_in


def test_the_widget_lists_open_activities_and_shows_a_registration_at_once(
    reg_world, client_for, django_capture_on_commit_callbacks
):
    w = reg_world
    activity = activity_in(w.a, title="Choir")
    activity_in(w.a, title="Hidden draft", is_published=False)
    client = client_for(w.a.parent)

    page = client.get(reverse("core:dashboard")).content.decode()
    assert 'id="widget-registrations-open"' in page
    assert "Choir" in page and "Hidden draft" not in page and "Answered" not in page

    with django_capture_on_commit_callbacks(execute=True):  # the stamp is bumped once committed
        services.registration_create(
            scope=scope_of(w.a.parent), activity=activity, student_id=w.a.student.pk, answers={}, consents={}
        )
    assert "Answered" in client.get(reverse("core:dashboard")).content.decode()


def test_the_widget_is_only_for_guardians(reg_world, client_for):
    w = reg_world
    activity_in(w.a, title="Choir")
    for person in (w.a.teacher, w.a.student, w.a.head):
        assert (
            'id="widget-registrations-open"' not in client_for(person).get(reverse("core:dashboard")).content.decode()
        )
