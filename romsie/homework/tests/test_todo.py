"""Homework to do: the page, the dashboard widget, ticks, the guardian's view and the planner."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse

from romsie.core import versions
from romsie.homework.models import Homework, HomeworkTick, LogEntry, PlannerEntry

from .builders import entry_for, homework_for, session_on


def _homework(log, n: int) -> list[Homework]:
    """``n`` homework items due over the next days, in one published entry."""
    entry = entry_for(log.past)
    return Homework.objects.bulk_create(
        Homework(
            establishment=log.world.a.establishment,
            entry=entry,
            teaching=log.world.a.teaching,
            kind=Homework.Kind.EXERCISE,
            instructions=f"Exercise {i}",
            due_on=log.today + datetime.timedelta(days=1 + i % 20),
        )
        for i in range(n)
    )


def test_student_sees_homework_by_date_and_by_subject(log, client_for):
    w = log.world
    entry = entry_for(log.past)
    homework_for(entry, due_on=log.next.date, text="Learn the theorem", kind=Homework.Kind.LEARN)
    client = client_for(w.a.student)
    page = client.get(reverse("homework:todo"))
    assert [d.date for d in page.context["page"].days] == [log.next.date]
    assert "Learn the theorem" in page.content.decode()
    by_subject = client.get(reverse("homework:todo"), {"vue": "matiere"})
    assert [name for name, _ in by_subject.context["groups"]] == [w.a.subject.name]
    other_subject = client.get(reverse("homework:todo"), {"matiere": w.a.subject.pk + 1000})
    assert other_subject.context["page"].days == []


@pytest.mark.parametrize("rows", [5, 200])
def test_homework_page_query_count_does_not_grow(log, client_for, django_assert_num_queries, rows):
    w = log.world
    items = _homework(log, rows)
    HomeworkTick.objects.bulk_create(
        HomeworkTick(establishment=w.a.establishment, homework=h, student=w.a.student) for h in items[::2]
    )
    PlannerEntry.objects.bulk_create(
        PlannerEntry(establishment=w.a.establishment, student=w.a.student, title=f"Own {i}", due_on=log.today)
        for i in range(rows // 5)
    )
    client = client_for(w.a.student)
    client.get(reverse("homework:todo"))  # warm the scope cache (and the list)
    versions.bump(versions.Kind.HOMEWORK_TICKS, w.a.student.pk)  # as a tick does
    # session, user; subjects, homework (with ticks and hand-ins), planner
    with django_assert_num_queries(5):
        response = client.get(reverse("homework:todo"))
    assert sum(len(d.homework) for d in response.context["page"].days) == rows
    with django_assert_num_queries(2):  # unchanged: the list comes from the cache
        again = client.get(reverse("homework:todo"))
    assert again.content.decode().count("homework-item") == response.content.decode().count("homework-item")


def test_student_ticks_homework_and_guardian_sees_the_tick(log, client_for):
    w = log.world
    entry = entry_for(log.past)
    homework = homework_for(entry, due_on=log.next.date)
    student = client_for(w.a.student)
    response = student.post(reverse("homework:homework-tick", args=[homework.pk]), {"done": "1"})
    assert response.status_code == 302
    assert HomeworkTick.objects.filter(homework=homework, student=w.a.student).exists()
    assert student.get(reverse("homework:todo")).context["page"].days[0].homework[0].is_done

    parent = client_for(w.a.parent)
    seen = parent.get(reverse("homework:todo"))
    assert seen.context["page"].days[0].homework[0].is_done
    assert "Mark as done" not in seen.content.decode()
    # A guardian cannot tick for the child, and another family sees nothing of it.
    assert parent.post(reverse("homework:homework-tick", args=[homework.pk]), {"done": "0"}).status_code == 403
    assert HomeworkTick.objects.count() == 1
    assert client_for(w.a.parent2).get(reverse("homework:todo")).context["page"].days == []

    student.post(reverse("homework:homework-tick", args=[homework.pk]), {"done": "0"})
    assert not HomeworkTick.objects.exists()


def test_ticks_are_per_student(log, client_for):
    w = log.world
    from romsie.core.testing import factories as f
    from romsie.identity.models import Role

    classmate = f.person(w.a.establishment, Role.STUDENT, username="classmate")
    f.EnrollmentFactory(school_class=w.a.school_class, student=classmate)
    homework = homework_for(entry_for(log.past), due_on=log.next.date)
    client_for(classmate).post(reverse("homework:homework-tick", args=[homework.pk]), {"done": "1"})
    assert not client_for(w.a.student).get(reverse("homework:todo")).context["page"].days[0].homework[0].is_done


def test_planner_entries_are_private_to_the_student(log, client_for):
    w = log.world
    student = client_for(w.a.student)
    response = student.post(
        reverse("homework:planner-create"),
        {"title": "Revise the fractions", "due_on": log.next.date.isoformat(), "subject": w.a.subject.pk},
    )
    assert response.status_code == 302
    planner = PlannerEntry.objects.get()
    assert planner.student_id == w.a.student.pk
    assert "Revise the fractions" in student.get(reverse("homework:todo")).content.decode()
    assert "Revise the fractions" not in client_for(w.a.parent).get(reverse("homework:todo")).content.decode()
    assert client_for(w.a.student2).get(reverse("homework:planner-update", args=[planner.pk])).status_code == 404
    assert client_for(w.a.student2).post(reverse("homework:planner-delete", args=[planner.pk])).status_code == 404
    student.post(reverse("homework:planner-tick", args=[planner.pk]), {"done": "1"})
    assert PlannerEntry.objects.get().is_done
    student.post(reverse("homework:planner-delete", args=[planner.pk]))
    assert not PlannerEntry.objects.exists()


def test_dashboard_widget_shows_what_is_due_and_follows_ticks(log, client_for, django_assert_num_queries):
    w = log.world
    cache.clear()
    homework = homework_for(entry_for(log.past), due_on=log.next.date, text="Read chapter 3")
    client = client_for(w.a.student)
    page = client.get(reverse("core:dashboard")).content.decode()
    assert 'id="widget-homework-due"' in page and "Read chapter 3" in page and "Done" not in page
    # Warm: the widget comes from the cache (session and user only, as every widget).
    with django_assert_num_queries(2):
        client.get(reverse("core:dashboard"))
    client.post(reverse("homework:homework-tick", args=[homework.pk]), {"done": "1"})
    assert "Done" in client.get(reverse("core:dashboard")).content.decode()
    # A new entry of the establishment shows at once (its save bumps the stamp).
    from romsie.homework import services

    from .builders import scope_of

    services.entry_save(
        scope=scope_of(w.a.teacher),
        session=log.next,
        data=services.EntryData(
            title="",
            content="x",
            publish=True,
            homework=(
                services.HomeworkData(
                    kind="learn", instructions="Learn the poem", due_on=log.next.date + datetime.timedelta(days=1)
                ),
            ),
        ),
    )
    assert "Learn the poem" in client.get(reverse("core:dashboard")).content.decode()
    assert "Learn the poem" in client_for(w.a.parent).get(reverse("core:dashboard")).content.decode()


def test_widget_is_hidden_when_the_service_is_off(log, client_for):
    w = log.world
    homework_for(entry_for(log.past), due_on=log.next.date, text="Read chapter 3")
    w.a.establishment.enabled_services = ["directory"]
    w.a.establishment.save()
    assert "widget-homework-due" not in client_for(w.a.student).get(reverse("core:dashboard")).content.decode()


def test_past_homework_view(log, client_for):
    w = log.world
    old_session = session_on(w.a.teaching, log.today - datetime.timedelta(days=14))
    homework_for(entry_for(old_session), due_on=log.today - datetime.timedelta(days=7), text="Old one")
    client = client_for(w.a.student)
    assert "Old one" not in client.get(reverse("homework:todo")).content.decode()
    assert "Old one" in client.get(reverse("homework:todo"), {"passes": "1"}).content.decode()
    assert LogEntry.objects.count() == 1


@pytest.mark.parametrize("rows", [5, 200])
def test_dashboard_cold_query_count_with_the_widget(log, client_for, django_assert_num_queries, rows):
    _homework(log, rows)
    cache.clear()
    client = client_for(log.world.a.student)
    # Cold: session, user, roles, territory admin, establishment, unread notifications, the
    # student's card (enrolments), today's lessons (timetable widget) and this widget's one
    # query (homework due this week, with the student's ticks and hand-ins) whatever the rows.
    with django_assert_num_queries(9):
        client.get(reverse("core:dashboard"))
    with django_assert_num_queries(2):
        client.get(reverse("core:dashboard"))
