"""What the homework log adds to the timetable: calendar feed events, week marks, session panel."""

from __future__ import annotations

import dataclasses
import datetime

from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from romsie.homework import timetable_hooks
from romsie.homework.models import Homework, LogEntry
from romsie.timetable import registry

from .builders import entry_for, homework_for, scope_of


def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    request.scope = scope_of(user)
    return request


def test_hooks_are_registered_with_the_timetable_and_called_only_where_homework_is_on(log):
    scope = scope_of(log.world.a.student)
    assert timetable_hooks.feed_source in registry.feed_sources(scope)
    assert timetable_hooks.session_panel in registry.session_panels(scope)
    assert timetable_hooks.week_marker in registry.week_markers(scope)
    switched_off = dataclasses.replace(scope, services=scope.services - {"homework"})
    assert registry.feed_sources(switched_off) == registry.session_panels(switched_off) == []
    assert registry.week_markers(switched_off) == []
    without_right = dataclasses.replace(scope, habilitations=frozenset())
    assert registry.feed_sources(without_right) == registry.week_markers(without_right) == []


def test_feed_has_the_students_homework_due_dates_and_the_teachers_deadlines(log, django_assert_num_queries):
    w = log.world
    entry = entry_for(log.past)
    exercise = homework_for(entry, due_on=log.next.date, text="Exercise 5")
    essay = homework_for(entry, due_on=log.next.date + datetime.timedelta(days=7), kind=Homework.Kind.HAND_IN)
    hidden = homework_for(entry_for(log.next, status=LogEntry.Status.DRAFT), due_on=log.next.date)
    student = scope_of(w.a.student)
    with django_assert_num_queries(1):
        events = list(timetable_hooks.feed_source(student))
    assert [e.uid for e in events] == [f"homework-{exercise.pk}", f"homework-{essay.pk}"]
    first = events[0]
    assert (first.starts, first.ends) == (log.next.date, log.next.date + datetime.timedelta(days=1))
    assert first.summary == f"{w.a.subject.name}: Exercise" and first.description == "Exercise 5"
    assert events[1].summary.startswith("To hand in")
    # A guardian gets the child's; the teacher gets their hand-in deadlines; nobody gets drafts.
    assert [e.uid for e in timetable_hooks.feed_source(scope_of(w.a.parent))] == [e.uid for e in events]
    teacher = list(timetable_hooks.feed_source(scope_of(w.a.teacher)))
    assert [e.uid for e in teacher] == [f"homework-{essay.pk}"]
    assert teacher[0].summary.startswith("Hand-in deadline")
    assert all(str(hidden.pk) not in e.uid for e in events)
    assert list(timetable_hooks.feed_source(scope_of(w.a.student2))) == []


def test_week_marker_counts_homework_due_each_day(log, django_assert_num_queries):
    w = log.world
    entry = entry_for(log.past)
    homework_for(entry, due_on=log.next.date)
    homework_for(entry, due_on=log.next.date, text="Second")
    monday = log.next.date - datetime.timedelta(days=log.next.date.weekday())
    request = _request(w.a.student)
    with django_assert_num_queries(1):
        marks = timetable_hooks.week_marker(request, ("student", w.a.student.pk), monday)
    assert marks == {log.next.date: ["2 homework due"]}
    assert timetable_hooks.week_marker(request, ("student", w.a.student2.pk), monday) == {}
    assert timetable_hooks.week_marker(request, ("class", w.a.school_class.pk), monday) == marks
    assert timetable_hooks.week_marker(request, ("room", w.a.room.pk), monday) == {}


def test_session_panel_shows_the_entry_or_invites_its_teacher_to_write_it(log):
    w = log.world
    template, context = timetable_hooks.session_panel(_request(w.a.teacher), log.past)
    assert template == "homework/_session_panel.html" and context["entry"] is None and context["can_write"]
    assert timetable_hooks.session_panel(_request(w.a.student), log.past) is None

    entry = entry_for(log.past, publish_at=timezone.now() - datetime.timedelta(minutes=1))
    _, context = timetable_hooks.session_panel(_request(w.a.student), log.past)
    assert context["entry"] == entry and not context["can_write"]


def test_the_timetables_session_page_shows_the_panel(log, client_for):
    w = log.world
    url = reverse("timetable:session-detail", args=[log.past.pk])
    teacher_page = client_for(w.a.teacher).get(url).content.decode()
    assert reverse("homework:entry-create", args=[log.past.pk]) in teacher_page
    entry = entry_for(log.past, content="<p>Les fractions</p>")
    student_page = client_for(w.a.student).get(url).content.decode()
    assert "Les fractions" in student_page
    assert reverse("homework:entry-detail", args=[entry.pk]) in student_page
    # The panel declares homework's style sheet: the page links it in its head, once.
    head = student_page[: student_page.index("</head>")]
    assert head.count('href="/static/homework/homework.css"') == 1
    assert head.count('href="/static/timetable/timetable.css"') == 1


def test_the_session_page_links_no_homework_sheet_where_homework_is_off(log, client_for):
    establishment = log.world.a.establishment
    establishment.enabled_services = [s for s in establishment.enabled_services if s != "homework"]
    establishment.save(update_fields=["enabled_services"])

    page = client_for(log.world.a.student).get(reverse("timetable:session-detail", args=[log.past.pk])).content.decode()

    assert "homework/homework.css" not in page


def test_homework_appears_in_the_timetables_icalendar_feed(log):
    import icalendar

    from romsie.timetable.feeds import calendar_for

    homework = homework_for(entry_for(log.past), due_on=log.next.date, text="Exercise 5")
    for user in (log.world.a.student, log.world.a.parent):
        calendar = icalendar.Calendar.from_ical(calendar_for(user.pk))
        events = {str(e["uid"]): e for e in calendar.walk("VEVENT")}
        event = events[f"homework-{homework.pk}@romsie-ce"]
        assert event.decoded("dtstart") == log.next.date
        assert str(event["description"]) == "Exercise 5"


def _feed_uids(user) -> set[str]:
    import icalendar

    from romsie.timetable.feeds import calendar_for

    return {str(e["uid"]) for e in icalendar.Calendar.from_ical(calendar_for(user.pk)).walk("VEVENT")}


def test_homework_leaves_the_feed_when_the_establishment_switches_homework_off(log):
    w = log.world
    homework = homework_for(entry_for(log.past), due_on=log.next.date)
    uid = f"homework-{homework.pk}@romsie-ce"
    assert uid in _feed_uids(w.a.student) and uid in _feed_uids(w.a.parent)

    w.a.establishment.enabled_services = ["directory", "timetable"]
    w.a.establishment.save(update_fields=["enabled_services"])
    for user in (w.a.student, w.a.parent):
        uids = _feed_uids(user)
        assert uid not in uids
        assert f"session-{log.next.pk}@romsie-ce" in uids  # the timetable is still on


def test_homework_leaves_the_feed_of_a_guardian_whose_parent_role_is_removed(log):
    from romsie.identity.models import RoleAssignment

    w = log.world
    homework = homework_for(entry_for(log.past), due_on=log.next.date)
    assert f"homework-{homework.pk}@romsie-ce" in _feed_uids(w.a.parent)

    RoleAssignment.objects.filter(user=w.a.parent, establishment=w.a.establishment).update(is_active=False)
    assert _feed_uids(w.a.parent) == set()
