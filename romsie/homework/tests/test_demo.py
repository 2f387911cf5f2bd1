"""The demo content: entries for past sessions, homework due soon, one assignment with hand-ins."""

from __future__ import annotations

import datetime

from romsie.homework import demo
from romsie.homework.models import Homework, LogEntry, Submission

from .builders import session_on


def test_demo_fills_the_log_of_past_sessions_with_homework_due_next(log):
    w = log.world
    session_on(w.a.teaching, log.today - datetime.timedelta(days=8))
    rows = demo.populate([w.a.establishment.pk], seed=1)
    entries = LogEntry.objects.filter(establishment=w.a.establishment)
    assert entries.count() == 2
    assert all(e.session_id and e.date < log.today for e in entries)
    hand_in = Homework.objects.get(kind=Homework.Kind.HAND_IN)
    assert hand_in.due_on == log.next.date
    assert list(Submission.objects.values_list("student_id", flat=True)) == [w.a.student.pk]
    assert rows >= 3
    assert not LogEntry.objects.filter(establishment=w.c.establishment).exists()
