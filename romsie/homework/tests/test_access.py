"""Who sees which entries, homework and files."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from romsie.core.testing import factories as f
from romsie.homework import access
from romsie.homework.models import LogEntry
from romsie.identity.models import Role
from romsie.schooling.models import GroupMembership

from .builders import entry_for, homework_for, scope_of, session_on


def test_student_sees_only_their_classes_and_groups_entries(log):
    w = log.world
    mine = entry_for(log.past)
    other_class = f.TeachingFactory(school_class=w.a.class2, teacher=w.a.teacher, subject=w.a.subject)
    theirs = entry_for(session_on(other_class, log.today - datetime.timedelta(days=2)))
    group = f.TeachingGroupFactory(establishment=w.a.establishment)
    GroupMembership.objects.create(establishment=w.a.establishment, teaching_group=group, student=w.a.student)
    group_teaching = f.TeachingFactory(
        school_class=None,
        teaching_group=group,
        teacher=w.a.teacher,
        subject=w.a.subject,
        establishment=w.a.establishment,
    )
    in_group = entry_for(session_on(group_teaching, log.today - datetime.timedelta(days=3)))

    assert set(access.visible_entries(scope_of(w.a.student))) == {mine, in_group}
    assert set(access.visible_entries(scope_of(w.a.student2))) == {theirs}


def test_parent_sees_only_their_childs_entries(log, client_for):
    w = log.world
    mine = entry_for(log.past)
    assert list(access.visible_entries(scope_of(w.a.parent))) == [mine]
    assert list(access.visible_entries(scope_of(w.a.parent2))) == []
    assert client_for(w.a.parent2).get(reverse("homework:entry-detail", args=[mine.pk])).status_code == 404


def test_teacher_sees_own_teachings_including_drafts_and_not_a_colleagues(log):
    w = log.world
    draft = entry_for(log.past, status=LogEntry.Status.DRAFT)
    colleague = f.person(w.a.establishment, Role.TEACHER, username="colleague")
    assert list(access.visible_entries(scope_of(w.a.teacher))) == [draft]
    assert list(access.visible_entries(scope_of(colleague))) == []


def test_substitute_teacher_logs_the_session_they_took(log):
    w = log.world
    substitute = f.person(w.a.establishment, Role.TEACHER, username="substitute")
    log.past.teacher = substitute
    log.past.save()
    assert list(access.loggable_sessions(scope_of(substitute))) == [log.past]
    entry = entry_for(log.past)
    assert list(access.writable_entries(scope_of(substitute))) == [entry]


def test_head_reads_every_published_entry_but_no_draft(log):
    w = log.world
    published = entry_for(log.past)
    entry_for(log.next, status=LogEntry.Status.DRAFT)
    assert list(access.visible_entries(scope_of(w.a.head))) == [published]
    assert list(access.writable_entries(scope_of(w.a.head))) == []


def test_another_establishments_entry_is_not_found(log, client_for):
    w = log.world
    theirs = entry_for(session_on(w.c.teaching, log.today - datetime.timedelta(days=1)))
    for person in (w.a.student, w.a.parent, w.a.teacher, w.a.head):
        assert client_for(person).get(reverse("homework:entry-detail", args=[theirs.pk])).status_code == 404


def test_homework_follows_its_entrys_visibility(log):
    w = log.world
    entry = entry_for(log.past, status=LogEntry.Status.DRAFT)
    homework = homework_for(entry, due_on=log.today + datetime.timedelta(days=2))
    assert list(access.visible_homework(scope_of(w.a.student))) == []
    entry.status = LogEntry.Status.PUBLISHED
    entry.publish_at = timezone.now() + datetime.timedelta(hours=1)
    entry.save()
    assert list(access.visible_homework(scope_of(w.a.student))) == []
    entry.publish_at = timezone.now() - datetime.timedelta(minutes=1)
    entry.save()
    assert list(access.visible_homework(scope_of(w.a.student))) == [homework]
