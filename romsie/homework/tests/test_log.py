"""Writing the log: entries with homework, drafts and scheduled publication, visa, conflicts, copies."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from romsie.core.concurrency import StaleEdit
from romsie.core.errors import ApplicationError
from romsie.core.testing import factories as f
from romsie.core.testing.editing import REFUSAL, page_text, race_on_form
from romsie.homework import services
from romsie.homework.models import Homework, LogAttachment, LogEntry, Visa
from romsie.notifications.models import Notification
from romsie.timetable.models import Session

from .builders import PDF, entry_for, homework_for, scope_of, session_on


def _post(**extra):
    data = {
        "title": "Fractions",
        "content": "<p>We <strong>added</strong> fractions.</p>",
        "links": "https://example.org/fractions",
        "publish_at": "",
        "homework-TOTAL_FORMS": "2",
        "homework-INITIAL_FORMS": "0",
        "homework-MIN_NUM_FORMS": "0",
        "homework-MAX_NUM_FORMS": "10",
        "homework-0-kind": "exercise",
        "homework-0-instructions": "Exercise 5 page 12",
        "homework-0-due_on": (timezone.localdate() + datetime.timedelta(days=6)).isoformat(),
        "homework-0-duration_minutes": "20",
        "homework-1-kind": "exercise",
        "homework-1-instructions": "",
        "homework-1-due_on": "",
        "action": "publish",
    }
    data.update(extra)
    return data


def test_teacher_logs_a_session_with_homework_and_families_are_notified(log, client_for):
    w = log.world
    client = client_for(w.a.teacher)
    form = client.get(reverse("homework:entry-create", args=[log.past.pk]))
    assert form.status_code == 200
    # The homework's due date defaults to the next session of the same teaching.
    assert form.context["formset"].forms[0].initial["due_on"] == log.next.date

    response = client.post(
        reverse("homework:entry-create", args=[log.past.pk]),
        _post(**{"homework-0-due_on": log.next.date.isoformat()}),
    )
    entry = LogEntry.objects.get(session=log.past)
    assert response.status_code == 302
    assert response["Location"] == reverse("homework:entry-detail", args=[entry.pk])
    assert entry.is_public and entry.teaching_id == w.a.teaching.pk and entry.date == log.past.date
    assert entry.links == "https://example.org/fractions"
    homework = Homework.objects.get(entry=entry)
    assert (homework.due_on, homework.duration_minutes, homework.teaching_id) == (log.next.date, 20, w.a.teaching.pk)
    notified = set(Notification.objects.filter(kind="homework.entry_published").values_list("recipient_id", flat=True))
    assert notified == {w.a.student.pk, w.a.parent.pk}
    page = client_for(w.a.student).get(reverse("homework:entry-detail", args=[entry.pk]))
    assert "Exercise 5 page 12" in page.content.decode()


def test_homework_cannot_be_due_before_the_session(log, client_for):
    client = client_for(log.world.a.teacher)
    response = client.post(
        reverse("homework:entry-create", args=[log.past.pk]),
        _post(**{"homework-0-due_on": log.past.date.isoformat()}),
    )
    assert response.status_code == 200
    assert "must be due after the session" in response.content.decode()
    assert not LogEntry.objects.exists()


def test_draft_is_hidden_from_students_and_notifies_nobody(log, client_for):
    w = log.world
    client_for(w.a.teacher).post(
        reverse("homework:entry-create", args=[log.past.pk]),
        _post(action="draft", **{"homework-0-due_on": log.next.date.isoformat()}),
    )
    entry = LogEntry.objects.get()
    assert entry.status == LogEntry.Status.DRAFT
    assert not Notification.objects.exists()
    assert client_for(w.a.student).get(reverse("homework:entry-detail", args=[entry.pk])).status_code == 404
    assert "Exercise 5" not in client_for(w.a.student).get(reverse("homework:todo")).content.decode()


def test_scheduled_entry_appears_and_notifies_only_when_its_time_comes(log, client_for):
    w = log.world
    later = timezone.localtime() + datetime.timedelta(hours=2)
    client_for(w.a.teacher).post(
        reverse("homework:entry-create", args=[log.past.pk]),
        _post(publish_at=later.strftime("%Y-%m-%dT%H:%M"), **{"homework-0-due_on": log.next.date.isoformat()}),
    )
    entry = LogEntry.objects.get()
    assert entry.is_scheduled and not entry.is_public
    assert not Notification.objects.exists()
    assert client_for(w.a.student).get(reverse("homework:entry-detail", args=[entry.pk])).status_code == 404
    assert services.scheduled_entries_notify() == 0

    assert services.scheduled_entries_notify(now=later + datetime.timedelta(minutes=1)) == 1
    assert Notification.objects.filter(kind="homework.entry_published").count() == 2
    assert services.scheduled_entries_notify(now=later + datetime.timedelta(minutes=2)) == 0
    LogEntry.objects.filter(pk=entry.pk).update(publish_at=timezone.now() - datetime.timedelta(minutes=1))
    assert client_for(w.a.student).get(reverse("homework:entry-detail", args=[entry.pk])).status_code == 200


def test_content_is_sanitised(log):
    w = log.world
    data = services.EntryData(
        title="",
        content='<p onclick="steal()">Hi <script>alert(1)</script><a href="javascript:alert(2)">x</a>'
        '<a href="https://example.org">ok</a><img src=x onerror=alert(3)><em>it</em></p>',
        publish=True,
    )
    entry = services.entry_save(scope=scope_of(w.a.teacher), data=data, session=log.past)
    html = entry.content_html
    assert "script" not in html and "onclick" not in html and "javascript" not in html and "<img" not in html
    assert '<a href="https://example.org" rel="noopener noreferrer nofollow">ok</a>' in html
    assert "<em>it</em>" in html


def test_plain_text_becomes_paragraphs(log):
    data = services.EntryData(title="", content="Line one\n\n<b Line two", publish=False)
    entry = services.entry_save(scope=scope_of(log.world.a.teacher), data=data, session=log.past)
    assert "<script" not in entry.content_html


def test_links_must_be_web_addresses(log, client_for):
    response = client_for(log.world.a.teacher).post(
        reverse("homework:entry-create", args=[log.past.pk]), _post(links="javascript:alert(1)")
    )
    assert response.status_code == 200
    assert "is not a web address" in response.content.decode()
    assert not LogEntry.objects.exists()


# -- Visa --------------------------------------------------------------------------------


def test_head_visa_makes_entries_up_to_its_date_read_only(log, client_for):
    w = log.world
    entry = entry_for(log.past)
    response = client_for(w.a.head).post(
        reverse("homework:class-visa", args=[w.a.school_class.pk]), {"signed_on": log.today.isoformat()}
    )
    assert response.status_code == 302
    visa = Visa.objects.get()
    assert (visa.teaching_id, visa.signed_on, visa.signed_by_id) == (w.a.teaching.pk, log.today, w.a.head.pk)

    scope = scope_of(w.a.teacher)
    with pytest.raises(ApplicationError):
        services.entry_save(
            scope=scope, entry=entry, version=entry.version, data=services.EntryData(title="Changed", content="x")
        )
    with pytest.raises(ApplicationError):
        services.entry_delete(scope=scope, entry=entry)
    entry.refresh_from_db()
    assert entry.title == "" and "Fractions" in entry.content_html and entry.version == 0

    # Through the views too: the form says so, and nothing changes.
    client = client_for(w.a.teacher)
    page = client.post(reverse("homework:entry-update", args=[entry.pk]), _post(version="0", title="Changed"))
    assert "stamped this log with a visa" in page.content.decode()
    assert LogEntry.objects.get(pk=entry.pk).title == ""
    client.post(reverse("homework:entry-delete", args=[entry.pk]))
    assert LogEntry.objects.filter(pk=entry.pk).exists()

    # A later session stays writable.
    later = services.entry_save(scope=scope, session=log.next, data=services.EntryData(title="Next", content="y"))
    assert later.pk


def test_visa_cannot_be_dated_in_the_future_nor_stamped_by_a_teacher(log, client_for):
    w = log.world
    with pytest.raises(ApplicationError):
        services.visa_stamp(
            scope=scope_of(w.a.head), school_class=w.a.school_class, signed_on=log.today + datetime.timedelta(days=1)
        )
    response = client_for(w.a.teacher).post(
        reverse("homework:class-visa", args=[w.a.school_class.pk]), {"signed_on": log.today.isoformat()}
    )
    assert response.status_code == 403
    assert not Visa.objects.exists()


def test_head_consults_a_class_log_with_every_subject(log, client_for):
    w = log.world
    entry_for(log.past, content="<p>Pythagoras</p>")
    entry_for(log.next, status=LogEntry.Status.DRAFT, content="<p>Secret draft</p>")
    page = client_for(w.a.head).get(reverse("homework:class-log", args=[w.a.school_class.pk])).content.decode()
    assert "Pythagoras" in page and "Secret draft" not in page


# -- Concurrent edits ---------------------------------------------------------------------


def test_concurrent_edit_is_refused_not_overwritten(log, client_for):
    w = log.world
    entry = entry_for(log.past)
    scope = scope_of(w.a.teacher)
    services.entry_save(
        scope=scope, entry=entry, version=0, data=services.EntryData(title="First tab", content="A", publish=True)
    )
    stale = LogEntry.objects.get(pk=entry.pk)
    with pytest.raises(StaleEdit):
        services.entry_save(
            scope=scope, entry=stale, version=0, data=services.EntryData(title="Second tab", content="B", publish=True)
        )
    assert LogEntry.objects.get(pk=entry.pk).title == "First tab"

    response = client_for(w.a.teacher).post(
        reverse("homework:entry-update", args=[entry.pk]), _post(version="0", title="Third tab")
    )
    assert response.status_code == 200
    page = page_text(response)
    assert REFUSAL in page
    assert 'value="Third tab"' in page, "the person's typed title is kept"
    assert "First tab" in page, "the other's version is shown"
    assert LogEntry.objects.get(pk=entry.pk).title == "First tab"


def test_two_tabs_editing_one_entry_the_second_is_refused_with_both_versions_shown(log, client_for):
    """Two tabs load an entry's form; the first saves; the second's save is refused, its text kept."""
    w = log.world
    entry = entry_for(log.past)
    url = reverse("homework:entry-update", args=[entry.pk])
    refused = race_on_form(
        url,
        first=client_for(w.a.teacher),
        second=client_for(w.a.teacher),
        first_data=_post(title="Saved by the first", content="<p>First text</p>"),
        second_data=_post(title="Typed by the second", content="<p>Second text, not lost</p>"),
    )
    page = page_text(refused)
    assert "Second text, not lost" in page and 'value="Typed by the second"' in page
    assert "Saved by the first" in page and "First text" in page
    entry.refresh_from_db()
    assert (entry.title, entry.content_html, entry.version) == ("Saved by the first", "<p>First text</p>", 1)


def test_a_second_first_entry_of_a_session_keeps_the_text_and_says_so(log, client_for):
    """Two tabs (or a teacher and a substitute) open the empty log of a session; both save."""
    w = log.world
    first, second = client_for(w.a.teacher), client_for(w.a.teacher)
    url = reverse("homework:entry-create", args=[log.past.pk])
    assert first.get(url).status_code == second.get(url).status_code == 200
    assert first.post(url, _post(content="<p>Written in the first tab</p>")).status_code == 302

    response = second.post(url, _post(content="<p>Written in the second tab</p>"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "wrote this session&#x27;s entry in the meantime" in page
    assert "Written in the second tab" in page  # the person's text comes back in the form
    assert [e.content_html for e in LogEntry.objects.filter(session=log.past)] == ["<p>Written in the first tab</p>"]


def test_editing_keeps_homework_and_removes_deleted_ones(log, client_for):
    w = log.world
    entry = entry_for(log.past)
    kept = homework_for(entry, due_on=log.next.date)
    gone = homework_for(entry, due_on=log.next.date, text="To remove")
    client_for(w.a.teacher).post(
        reverse("homework:entry-update", args=[entry.pk]),
        {
            **_post(version="0"),
            "homework-TOTAL_FORMS": "2",
            "homework-INITIAL_FORMS": "2",
            "homework-0-id": str(kept.pk),
            "homework-0-instructions": "Exercise 6 instead",
            "homework-0-due_on": log.next.date.isoformat(),
            "homework-1-id": str(gone.pk),
            "homework-1-instructions": "To remove",
            "homework-1-due_on": log.next.date.isoformat(),
            "homework-1-DELETE": "on",
        },
    )
    assert list(Homework.objects.values_list("pk", "instructions")) == [(kept.pk, "Exercise 6 instead")]
    assert LogEntry.objects.get(pk=entry.pk).version == 1


# -- Attachments -------------------------------------------------------------------------


def test_attachment_is_checked_and_served_as_a_download(log, client_for):
    w = log.world
    scope = scope_of(w.a.teacher)
    fake = SimpleUploadedFile("sheet.pdf", b"<html><script>alert(1)</script></html>", content_type="application/pdf")
    with pytest.raises(ApplicationError, match="does not contain what its name says"):
        services.entry_save(
            scope=scope, session=log.past, data=services.EntryData(title="", content="x", files=(fake,))
        )
    assert not LogEntry.objects.exists()

    real = SimpleUploadedFile("sheet.pdf", PDF, content_type="application/pdf")
    entry = services.entry_save(
        scope=scope, session=log.past, data=services.EntryData(title="", content="x", publish=True, files=(real,))
    )
    attachment = LogAttachment.objects.get(entry=entry)
    response = client_for(w.a.student).get(reverse("homework:attachment-download", args=[attachment.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="sheet.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF
    assert (
        client_for(w.a.student2).get(reverse("homework:attachment-download", args=[attachment.pk])).status_code == 404
    )


def test_too_large_or_unknown_files_are_refused(log, settings):
    scope = scope_of(log.world.a.teacher)
    exe = SimpleUploadedFile("tool.exe", b"MZ", content_type="application/octet-stream")
    with pytest.raises(ApplicationError, match="not accepted"):
        services.entry_save(scope=scope, session=log.past, data=services.EntryData(title="", content="", files=(exe,)))
    big = SimpleUploadedFile("big.txt", b"a" * (10 * 1024 * 1024 + 1), content_type="text/plain")
    with pytest.raises(ApplicationError, match="too large"):
        services.entry_save(scope=scope, session=log.past, data=services.EntryData(title="", content="", files=(big,)))


# -- Copy, and the timetable deleting a session --------------------------------------------


def test_copy_to_another_class_of_the_same_teacher(log, client_for):
    w = log.world
    other = f.TeachingFactory(school_class=w.a.class2, teacher=w.a.teacher, subject=w.a.subject)
    target = session_on(other, log.past.date, hour=14)
    after = session_on(other, log.past.date + datetime.timedelta(days=2), hour=14)
    entry = entry_for(log.past)
    homework_for(entry, due_on=log.next.date)
    response = client_for(w.a.teacher).post(reverse("homework:entry-copy", args=[entry.pk]), {"teaching": other.pk})
    copy = LogEntry.objects.get(teaching=other)
    assert response["Location"] == reverse("homework:entry-update", args=[copy.pk])
    assert (copy.session_id, copy.status, copy.content_html) == (target.pk, LogEntry.Status.DRAFT, entry.content_html)
    assert list(copy.homework.values_list("due_on", flat=True)) == [after.date]


def test_copy_to_a_session_whose_entry_was_just_written_is_refused_with_a_message(log, client_for, monkeypatch):
    """Someone writes the target session's entry between the copy choosing it and writing: a message, no 500."""
    w = log.world
    other = f.TeachingFactory(school_class=w.a.class2, teacher=w.a.teacher, subject=w.a.subject)
    target = session_on(other, log.past.date, hour=14)
    entry = entry_for(log.past)
    homework_for(entry, due_on=log.next.date)
    written = entry_for(target, content="<p>Written at the same moment</p>")
    # The copy chose the session a moment before that entry was written (as two requests at once would).
    monkeypatch.setattr(services, "_target_session", lambda teaching, date: target)

    response = client_for(w.a.teacher).post(reverse("homework:entry-copy", args=[entry.pk]), {"teaching": other.pk})

    assert response.status_code == 200
    page = page_text(response)
    assert "wrote the entry of the session of" in page and "nothing was copied" in page
    assert list(LogEntry.objects.filter(teaching=other)) == [written]
    assert not Homework.objects.filter(teaching=other).exists()


def test_copy_to_a_colleagues_teaching_is_refused(log, client_for):
    w = log.world
    colleague_teaching = f.TeachingFactory(school_class=w.a.class2, subject=w.a.subject)
    entry = entry_for(log.past)
    response = client_for(w.a.teacher).post(
        reverse("homework:entry-copy", args=[entry.pk]), {"teaching": colleague_teaching.pk}
    )
    assert response.status_code == 200
    assert LogEntry.objects.count() == 1


def test_entry_survives_the_timetable_deleting_its_session(log):
    entry = entry_for(log.next)
    Session.objects.filter(pk=log.next.pk).delete()
    entry.refresh_from_db()
    assert entry.session_id is None
    assert (entry.teaching_id, entry.date) == (log.world.a.teaching.pk, log.next.date)


def test_scheduled_notifications_command(log):
    from io import StringIO

    from django.core.management import call_command

    entry_for(log.past, publish_at=timezone.now() - datetime.timedelta(minutes=1))
    out = StringIO()
    call_command("homework_notify_scheduled", stdout=out)
    assert "1 scheduled entries notified" in out.getvalue()
    assert Notification.objects.filter(kind="homework.entry_published").count() == 2


def _entries(log, n: int) -> None:
    for i in range(n):
        session = session_on(log.world.a.teaching, log.today - datetime.timedelta(days=2 + i), hour=8 + i % 8)
        entry = entry_for(session)
        homework_for(entry, due_on=log.today + datetime.timedelta(days=1))
        LogAttachment.objects.create(
            establishment=log.world.a.establishment,
            entry=entry,
            file="homework/x",
            name="x.pdf",
            content_type="application/pdf",
            size_bytes=1,
        )


@pytest.mark.parametrize("rows", [1, 20])
def test_log_pages_query_counts_do_not_grow(log, client_for, django_assert_num_queries, rows):
    w = log.world
    _entries(log, rows)
    teacher, head = client_for(w.a.teacher), client_for(w.a.head)
    for client in (teacher, head):
        client.get(reverse("homework:home"))  # warm the scope cache
    # session, user, unread notifications (header); teaching; count, entries, homework, files;
    # visa date; sessions left to log
    with django_assert_num_queries(10):
        response = teacher.get(reverse("homework:teaching-log", args=[w.a.teaching.pk]))
    assert len(response.context["page_obj"]) == rows
    # session, user, unread notifications; class; count, entries, homework, files; visas
    with django_assert_num_queries(9):
        response = head.get(reverse("homework:class-log", args=[w.a.school_class.pk]))
    assert len(response.context["page_obj"]) == rows
    # session, user; teachings with their entry count and last date (the header's unread
    # count is cached by now)
    with django_assert_num_queries(3):
        teacher.get(reverse("homework:teaching-list"))
