"""The daily pages' lookups stay index lookups at a région's size (PostgreSQL plans).

At 300 establishments a table scan of the accounts, the teachings or the sessions is what
made the directory take 640 ms (``make bench-http SIZE=territory``). These tests forbid
sequential scans (``enable_seqscan = off``, for this transaction only) and read the plan of
the real query: an ``OR`` of two subqueries, which PostgreSQL can only answer by scanning,
shows as a ``Seq Scan`` even then.
"""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.urls import reverse

from romsie.bookmarks import access as bookmarks_access
from romsie.directory import access as directory_access
from romsie.homework import access as homework_access
from romsie.identity.selectors import BY_NAME
from romsie.messaging import access as messaging_access
from romsie.schooling import audiences
from romsie.schooling.models import Teaching
from romsie.schooling.tests import notices
from romsie.timetable import access as timetable_access


@pytest.fixture
def no_seq_scans():
    if connection.vendor != "postgresql":
        pytest.skip("query plans are PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")


notice_model = notices.notice_model  # the fixture


def reads_everything(plan: str, table: str) -> bool:
    """Whether the plan reads all of ``table``: a scan, or an index walked whole under an OR filter."""
    return f"Seq Scan on {table}" in plan or "OR (hashed SubPlan" in plan


def scope_of(client_for, person):
    return client_for(person).get(reverse("core:dashboard")).wsgi_request.scope


def test_the_directory_of_a_student_and_a_parent_never_scans_the_accounts(world, client_for, no_seq_scans):
    for person in (world.a.student, world.a.parent, world.a.teacher):
        people = directory_access.visible_people(scope_of(client_for, person)).filter(search_name__contains="a")
        assert not reads_everything(people.explain(), "identity_user"), person
        assert not reads_everything(people.order_by("search_name")[:25].explain(), "identity_user"), person


def test_a_students_teachings_and_week_are_found_by_index(world, client_for, no_seq_scans):
    scope = scope_of(client_for, world.a.student)
    teachings = homework_access.student_teachings(world.a.student.pk, world.a.establishment.pk)
    assert not reads_everything(Teaching.objects.filter(pk__in=teachings).explain(), "schooling_teaching")
    monday = datetime.date(2026, 9, 7)
    week = timetable_access.own_sessions(scope).filter(date__gte=monday, date__lte=monday + datetime.timedelta(5))
    plan = week.explain()
    assert not reads_everything(plan, "timetable_session")
    assert not reads_everything(plan, "schooling_teaching")


def test_the_people_one_may_write_to_are_found_by_index(world, client_for, no_seq_scans):
    for person in (world.a.student, world.a.parent, world.a.teacher):
        people = messaging_access.writable_people(scope_of(client_for, person)).filter(search_name__contains="a")
        assert not reads_everything(people.order_by(*BY_NAME)[:20].explain(), "identity_user"), person


def test_a_list_of_people_by_name_does_not_walk_the_territorys_name_index(world, client_for, no_seq_scans):
    # ORDER BY search_name LIMIT 25 walked the name index of every account (270 ms at 300,000).
    people = directory_access.visible_people(scope_of(client_for, world.a.teacher))
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_sort = off")  # so a plan that can walk the index does, even on little data
    plan = people.order_by(*BY_NAME)[:25].explain()
    assert "identity_user_search_name" not in plan


def test_what_an_audience_includes_is_found_by_index(world, client_for, notice_model, no_seq_scans):
    # The rows "for" a person: one UNION of index lookups per way they match (role, class, level).
    for person in (world.a.student, world.a.parent, world.a.teacher, world.a.head):
        rows = notice_model.objects.filter(audiences.visible_q(notice_model, scope_of(client_for, person)))
        plan = rows.explain()
        assert not reads_everything(plan, "schooling_notice"), person
        assert not reads_everything(plan, "schooling_enrollment"), person


def test_the_family_service_links_of_a_family_are_found_by_index(world, client_for, no_seq_scans):
    # The dashboard's "Links" of every guardian and student: the territory's links, their levels.
    for person in (world.a.student, world.a.parent):
        plan = bookmarks_access.visible_family_links(scope_of(client_for, person)).explain()
        for table in ("bookmarks_familylink", "bookmarks_familylink_levels", "schooling_enrollment"):
            assert f"Seq Scan on {table}" not in plan, (person, table)


def test_a_persons_agenda_week_is_found_by_index(world, client_for, no_seq_scans):
    from romsie.agenda import selectors as agenda_selectors
    from romsie.agenda.tests.builders import enable as enable_agenda

    enable_agenda(world.a)
    monday = datetime.date(2026, 9, 7)
    for person in (world.a.student, world.a.parent, world.a.teacher, world.a.head):
        week = agenda_selectors.events_between(scope_of(client_for, person), monday, monday + datetime.timedelta(7))
        plan = week.explain()
        assert not reads_everything(plan, "agenda_event"), person
        assert not reads_everything(plan, "agenda_invitation"), person
