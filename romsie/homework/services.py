"""Writes of the homework log: entries and their homework, visas, ticks, planner, work handed in.

The visa lock is enforced here, not in the views: once the head stamped a teaching's log on a
date, no entry of that teaching dated on or before it can be created, changed or deleted.
Saving an entry posts the version the form showed; a save made in between is refused
(``claim_version``, the shared idiom of ``romsie/core/concurrency.py``). Writing the first entry
of a session, or copying an entry to a session, holds the session's row, so two such writes at
once make one entry and the other is told so.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from romsie.core import versions
from romsie.core.access.scope import Scope
from romsie.core.concurrency import claim_version
from romsie.core.errors import ApplicationError
from romsie.core.richtext import clean_rich_text
from romsie.core.services import audit_record
from romsie.core.uploads import MAX_FILES, atomic_with_files, check_upload, store_upload
from romsie.documents import handouts as document_handouts
from romsie.documents import sharing as document_sharing
from romsie.identity.selectors import guardian_ids_receiving_mail
from romsie.notifications.kinds import local_date
from romsie.notifications.services import notify
from romsie.schooling.models import Enrollment, GroupMembership, SchoolClass, Subject, Teaching
from romsie.timetable.models import Session

from . import access, text
from .models import Homework, HomeworkTick, LogAttachment, LogEntry, PlannerEntry, Submission, Visa


def _already_logged() -> ApplicationError:
    """The refusal of a second "first entry" of a session: the person's text is not lost."""
    return ApplicationError(
        _(
            "Someone else wrote this session's entry in the meantime: nothing of yours was saved. Your text is kept "
            "below: copy it, then open the session's entry to add it there."
        ),
        extra={"reason": "conflict"},
    )


def _copied_too_late(session: Session) -> ApplicationError:
    """The refusal of a copy to a session whose entry someone else wrote meanwhile."""
    return ApplicationError(
        _(
            "Someone else wrote the entry of the session of %(date)s in the meantime: nothing was copied. Copy "
            "again to use the next session without an entry."
        )
        % {"date": formats.date_format(session.date, "SHORT_DATE_FORMAT")},
        extra={"reason": "conflict"},
    )


def _lock_session(session: Session) -> None:
    """Hold the session's row until the transaction ends, before checking that it has no entry.

    Two first entries of one session at once (two tabs, a teacher and a substitute, a copy): the
    second waits here until the first's transaction ends, then finds its entry.
    """
    list(Session.objects.select_for_update(no_key=True).filter(pk=session.pk).order_by().values_list("pk"))


def _student_work_changed(student_id: int) -> None:
    """A student's cached homework to do shows what they handed in: recompute it once committed."""
    transaction.on_commit(lambda: versions.bump(versions.Kind.HOMEWORK_TICKS, student_id))


def bump_homework(establishment_id: int | None) -> None:
    """Invalidate the cached homework widgets of the establishment."""
    versions.bump(versions.Kind.HOMEWORK, establishment_id)


# -- Helpers -------------------------------------------------------------------------------


def next_session_date(teaching_id: int, after: datetime.date) -> datetime.date | None:
    """The date of the teaching's next session after ``after`` (not cancelled), if any."""
    return (
        Session.objects.filter(teaching_id=teaching_id, date__gt=after)
        .exclude(status=Session.Status.CANCELLED)
        .order_by("date", "starts_at")
        .values_list("date", flat=True)
        .first()
    )


def visa_date(teaching_id: int) -> datetime.date | None:
    """The last date the head stamped the teaching's log, if ever."""
    return (
        Visa.objects.filter(teaching_id=teaching_id).order_by("-signed_on").values_list("signed_on", flat=True).first()
    )


def check_not_locked(teaching_id: int, date: datetime.date) -> None:
    """Refuse a write to the log of ``teaching`` on ``date`` if a visa covers it."""
    signed_on = visa_date(teaching_id)
    if signed_on is not None and date <= signed_on:
        raise ApplicationError(
            _("The head stamped this log with a visa on %(date)s: entries up to that date can no longer be changed.")
            % {"date": formats.date_format(signed_on, "SHORT_DATE_FORMAT")},
            extra={"reason": "locked"},
        )


def students_of(teaching: Teaching) -> list[int]:
    """The students of the teaching's class or group."""
    if teaching.school_class_id:
        rows = Enrollment.objects.filter(school_class_id=teaching.school_class_id).values_list("student_id", flat=True)
        return list(rows)
    members = GroupMembership.objects.filter(teaching_group_id=teaching.teaching_group_id)
    return list(members.values_list("student_id", flat=True))


def families_of(teaching: Teaching) -> list[int]:
    """The students of the teaching and their guardians who receive school mail (two queries)."""
    students = students_of(teaching)
    guardians = guardian_ids_receiving_mail(establishment_id=teaching.establishment_id, students=students)
    return sorted(set(students) | set(guardians))


def _check_files(files: Sequence[UploadedFile], already: int = 0) -> list[str]:
    if len(files) + already > MAX_FILES:
        raise ApplicationError(_("At most %(count)s files per entry.") % {"count": MAX_FILES})
    try:
        return [check_upload(f) for f in files]
    except ValidationError as error:
        raise ApplicationError(" ".join(error.messages)) from error


def _store(instance: LogAttachment | Submission, upload: UploadedFile, field: str = "file") -> None:
    """Write the file now; it is removed again if the write or the transaction fails (disk full)."""
    store_upload(instance, upload, field=field)


# -- Entries -------------------------------------------------------------------------------


@dataclass(frozen=True)
class HomeworkData:
    """One homework item of an entry form; ``pk`` None: a new one; ``delete``: remove it."""

    kind: str
    instructions: str
    due_on: datetime.date
    duration_minutes: int | None = None
    pk: int | None = None
    delete: bool = False


@dataclass(frozen=True)
class EntryData:
    """What the entry form posts."""

    title: str
    content: str
    links: str = ""
    publish: bool = False
    publish_at: datetime.datetime | None = None
    homework: tuple[HomeworkData, ...] = ()
    files: tuple[UploadedFile, ...] = ()
    remove_attachment_ids: tuple[int, ...] = ()
    documents: tuple[int, ...] | None = None  # files linked from the author's documents; None: unchanged


def _apply_homework(entry: LogEntry, items: Iterable[HomeworkData]) -> None:
    existing = {h.pk: h for h in entry.homework.all()} if entry.pk else {}
    to_delete, to_update, to_create = [], [], []
    for item in items:
        if item.pk is not None and item.pk not in existing:
            continue
        if item.delete:
            if item.pk is not None:
                to_delete.append(item.pk)
            continue
        if not item.instructions.strip():
            continue
        if item.due_on <= entry.date:
            raise ApplicationError(_("Homework must be due after the session's date."))
        if item.pk is not None:
            homework = existing[item.pk]
            homework.kind, homework.instructions = item.kind, item.instructions.strip()
            homework.due_on, homework.duration_minutes = item.due_on, item.duration_minutes
            to_update.append(homework)
        else:
            to_create.append(
                Homework(
                    establishment_id=entry.establishment_id,
                    entry=entry,
                    teaching_id=entry.teaching_id,
                    kind=item.kind,
                    instructions=item.instructions.strip(),
                    due_on=item.due_on,
                    duration_minutes=item.duration_minutes,
                )
            )
    if to_delete:
        Homework.objects.filter(entry=entry, pk__in=to_delete).delete()
    Homework.objects.bulk_update(to_update, ["kind", "instructions", "due_on", "duration_minutes"])
    Homework.objects.bulk_create(to_create)


@atomic_with_files()
def entry_save(
    *,
    scope: Scope,
    data: EntryData,
    entry: LogEntry | None = None,
    session: Session | None = None,
    version: int | None = None,
) -> LogEntry:
    """Create the entry of a session (``session``) or change one (``entry`` at ``version``).

    Refused when a visa covers the entry's date (``extra["reason"] == "locked"``), when someone wrote the
    session's entry meanwhile (``extra["reason"] == "conflict"``) or saved the entry after the form was shown
    (``StaleEdit``).
    """
    if entry is None:
        if session is None:
            raise ApplicationError(_("Choose the session this entry is about."))
        _lock_session(session)
        if LogEntry.objects.filter(session=session).exists():
            raise _already_logged()
        check_not_locked(session.teaching_id, session.date)
        entry = LogEntry(
            establishment_id=session.establishment_id,
            teaching_id=session.teaching_id,
            session=session,
            date=session.date,
            starts_at=session.starts_at,
            author_id=scope.user_id,
        )
        was_public = False
    else:
        check_not_locked(entry.teaching_id, entry.date)
        claim_version(entry, version)
        was_public = entry.is_public
    try:
        links = text.clean_links(data.links)
    except ValidationError as error:
        raise ApplicationError(" ".join(error.messages)) from error
    already = entry.attachments.exclude(pk__in=data.remove_attachment_ids).count() if entry.pk else 0
    content_types = _check_files(data.files, already)
    linked = document_sharing.links_check(scope=scope, node_ids=data.documents) if data.documents is not None else None
    entry.title = data.title.strip()
    entry.content_html = clean_rich_text(data.content)
    entry.links = links
    entry.status = LogEntry.Status.PUBLISHED if data.publish else LogEntry.Status.DRAFT
    entry.publish_at = data.publish_at if data.publish else None
    if not data.publish:
        entry.notified_at = None
    is_new = entry.pk is None
    try:
        entry.save()
    except IntegrityError as error:
        if not is_new:
            raise
        # An entry created meanwhile without the session's lock (a copy): the unique constraint
        # decides. Raising ends this service's transaction (rolled back), so no savepoint is needed.
        raise _already_logged() from error
    _apply_homework(entry, data.homework)
    if data.remove_attachment_ids:
        LogAttachment.objects.filter(entry=entry, pk__in=data.remove_attachment_ids).delete()
    for upload, content_type in zip(data.files, content_types, strict=True):
        attachment = LogAttachment(
            establishment_id=entry.establishment_id,
            entry=entry,
            name=(upload.name or "file")[-150:],
            content_type=content_type,
            size_bytes=upload.size or 0,
        )
        _store(attachment, upload)
        attachment.save()
    if linked is not None:
        entry.linked_documents.set(linked)
    if entry.is_public and linked:
        _grant_linked(entry, linked)  # a scheduled entry's readers get them when it comes out
    if entry.is_public and not was_public and entry.notified_at is None:
        _notify_published(scope, entry)
    bump_homework(entry.establishment_id)
    return entry


def _grant_linked(entry: LogEntry, nodes: list[Any]) -> None:
    """Give the class (students and guardians) or the group (students, and their guardians) a read
    share of the documents linked to a public entry (granted by its author)."""
    teaching = entry.teaching
    if teaching.school_class_id:
        tokens: list[str] = [f"class-all:{teaching.school_class_id}"]
        guardians: Iterable[int] = ()
    else:
        tokens = [f"group:{teaching.teaching_group_id}"]
        guardians = guardian_ids_receiving_mail(
            establishment_id=teaching.establishment_id, students=students_of(teaching)
        )
    document_sharing.links_grant(
        establishment_id=entry.establishment_id,
        granted_by_id=entry.author_id,
        nodes=nodes,
        tokens=tokens,
        user_ids=guardians,
    )


def entry_published_params(params: dict[str, Any]) -> dict[str, Any]:
    """Word a published entry's notification in the reader's language (``%(date)s``, ``%(details)s``)."""
    if "on" not in params:
        return params  # written as text before dates were stored as data
    details = "; ".join(f"{Homework.Kind(kind).label} — {local_date(due_on)}" for kind, due_on in params["homework"])
    return {"subject": params["subject"], "date": local_date(params["on"]), "details": details}


def work_returned_params(params: dict[str, Any]) -> dict[str, Any]:
    """Word a returned work's notification in the reader's language (``%(due)s``)."""
    if "due_on" not in params:
        return params
    return {**params, "due": local_date(params["due_on"])}


def _notify_published(scope: Scope | None, entry: LogEntry) -> None:
    """Tell the students of the teaching and their guardians, in one bulk notification."""
    teaching = entry.teaching
    homework = list(entry.homework.all())
    notify(
        "homework.entry_published",
        families_of(teaching),
        params={  # data, worded in each reader's language by entry_published_params
            "subject": teaching.subject.name,
            "on": entry.date.isoformat(),
            "homework": [[h.kind, h.due_on.isoformat()] for h in homework],
        },
        url=reverse("homework:entry-detail", args=[entry.pk]),
        establishment_id=entry.establishment_id,
        actor_id=scope.user_id if scope else entry.author_id,
    )
    LogEntry.objects.filter(pk=entry.pk).update(notified_at=timezone.now())
    entry.notified_at = timezone.now()


@transaction.atomic
def scheduled_entries_notify(*, now: datetime.datetime | None = None) -> int:
    """Notify the families of the scheduled entries whose publication time has come."""
    now = now or timezone.now()
    due = list(
        LogEntry.objects.filter(
            status=LogEntry.Status.PUBLISHED, publish_at__lte=now, notified_at__isnull=True
        ).select_related("teaching__subject")
    )
    for entry in due:
        _notify_published(None, entry)
        linked = list(entry.linked_documents.all())
        if linked:
            _grant_linked(entry, linked)
    for establishment_id in {entry.establishment_id for entry in due}:
        bump_homework(establishment_id)
    return len(due)


@transaction.atomic
def entry_delete(*, scope: Scope, entry: LogEntry) -> None:
    check_not_locked(entry.teaching_id, entry.date)
    establishment_id = entry.establishment_id
    entry.delete()
    audit_record(scope=scope, action="homework.entry_deleted", target=entry)
    bump_homework(establishment_id)


def _target_session(teaching: Teaching, date: datetime.date) -> Session | None:
    """The target teaching's first session on or after ``date`` that has no entry yet."""
    return (
        Session.objects.filter(teaching=teaching, date__gte=date)
        .exclude(status=Session.Status.CANCELLED)
        .exclude(log_entries__isnull=False)
        .order_by("date", "starts_at")
        .first()
    )


@transaction.atomic
def entry_copy(*, scope: Scope, entry: LogEntry, teaching: Teaching) -> LogEntry:
    """Copy an entry, its homework and files to another teaching of the teacher, as a draft.

    The copy goes to that teaching's first session on or after the entry's date that has no
    entry; its homework is due at the session after that one (or on the same date as the
    original's). Refused (``extra["reason"] == "conflict"``) when someone else wrote that session's entry
    meanwhile.
    """
    if not access.writable_teachings(scope).filter(pk=teaching.pk).exists():
        raise ApplicationError(_("You can only copy an entry to one of your own teachings."))
    if teaching.pk == entry.teaching_id:
        raise ApplicationError(_("Choose another class or group than the entry's own."))
    session = _target_session(teaching, entry.date)
    date = session.date if session else entry.date
    check_not_locked(teaching.pk, date)
    if session is not None:
        # As in entry_save: a first entry written at the same moment waits, or is waited for.
        _lock_session(session)
        if LogEntry.objects.filter(session=session).exists():
            raise _copied_too_late(session)
    copy = LogEntry(
        establishment_id=entry.establishment_id,
        teaching=teaching,
        session=session,
        date=date,
        starts_at=session.starts_at if session else entry.starts_at,
        author_id=scope.user_id,
        title=entry.title,
        content_html=entry.content_html,
        links=entry.links,
    )
    try:
        copy.save()
    except IntegrityError as error:
        if session is None:
            raise
        # An entry created meanwhile without the session's lock: the unique constraint decides.
        # Raising ends this service's transaction (rolled back), so no savepoint is needed.
        raise _copied_too_late(session) from error
    after = next_session_date(teaching.pk, date)
    Homework.objects.bulk_create(
        Homework(
            establishment_id=copy.establishment_id,
            entry=copy,
            teaching=teaching,
            kind=h.kind,
            instructions=h.instructions,
            due_on=max(after or h.due_on, date + datetime.timedelta(days=1)),
            duration_minutes=h.duration_minutes,
        )
        for h in entry.homework.all()
    )
    # Files are stored once under a random name: the copy refers to the same stored file.
    LogAttachment.objects.bulk_create(
        LogAttachment(
            establishment_id=a.establishment_id,
            entry=copy,
            file=a.file.name,
            name=a.name,
            content_type=a.content_type,
            size_bytes=a.size_bytes,
        )
        for a in entry.attachments.all()
    )
    return copy


# -- Visa ----------------------------------------------------------------------------------


def class_teachings(school_class: SchoolClass) -> Q:
    """The teachings given to a class or to groups drawn from it, as a filter on ``Teaching``."""
    return Q(school_class=school_class) | Q(teaching_group__school_classes=school_class)


@transaction.atomic
def visa_stamp(*, scope: Scope, school_class: SchoolClass, signed_on: datetime.date, comment: str = "") -> int:
    """Stamp every teaching's log of the class; entries up to ``signed_on`` become read-only."""
    if signed_on > timezone.localdate():
        raise ApplicationError(_("A visa cannot be dated in the future."))
    teachings = list(
        Teaching.objects.filter(class_teachings(school_class), establishment_id=scope.establishment_id)
        .distinct()
        .values_list("pk", flat=True)
    )
    Visa.objects.bulk_create(
        Visa(
            establishment_id=scope.establishment_id,
            teaching_id=pk,
            signed_on=signed_on,
            signed_by_id=scope.user_id,
            comment=comment.strip()[:500],
        )
        for pk in teachings
    )
    audit_record(scope=scope, action="homework.visa", target=school_class, signed_on=signed_on)
    return len(teachings)


# -- Students: ticks and planner -----------------------------------------------------------


def _require_student(scope: Scope) -> int:
    if not access.is_student(scope):
        raise ApplicationError(_("Only the student can do this."))
    assert scope.user_id is not None
    return scope.user_id


@transaction.atomic
def homework_tick(*, scope: Scope, homework: Homework, done: bool) -> None:
    """Mark a homework done (or not done) for the signed-in student."""
    student_id = _require_student(scope)
    if done:
        HomeworkTick.objects.get_or_create(
            homework=homework, student_id=student_id, defaults={"establishment_id": homework.establishment_id}
        )
    else:
        HomeworkTick.objects.filter(homework=homework, student_id=student_id).delete()
    versions.bump(versions.Kind.HOMEWORK_TICKS, student_id)


@transaction.atomic
def planner_save(
    *,
    scope: Scope,
    title: str,
    due_on: datetime.date,
    subject: Subject | None,
    is_done: bool = False,
    entry: PlannerEntry | None = None,
) -> PlannerEntry:
    """Create or change one of the student's own planner entries."""
    student_id = _require_student(scope)
    if subject is not None and subject.establishment_id != scope.establishment_id:
        raise ApplicationError(_("This subject belongs to another establishment."))
    entry = entry or PlannerEntry(student_id=student_id, establishment_id=scope.establishment_id)
    entry.title, entry.due_on, entry.subject, entry.is_done = title.strip(), due_on, subject, is_done
    entry.save()
    versions.bump(versions.Kind.HOMEWORK_TICKS, student_id)
    return entry


@transaction.atomic
def planner_tick(*, scope: Scope, entry: PlannerEntry, done: bool) -> None:
    student_id = _require_student(scope)
    PlannerEntry.objects.filter(pk=entry.pk).update(is_done=done)
    versions.bump(versions.Kind.HOMEWORK_TICKS, student_id)


@transaction.atomic
def planner_delete(*, scope: Scope, entry: PlannerEntry) -> None:
    student_id = _require_student(scope)
    entry.delete()
    versions.bump(versions.Kind.HOMEWORK_TICKS, student_id)


# -- Work handed in ------------------------------------------------------------------------


@atomic_with_files()
def submission_save(
    *, scope: Scope, homework: Homework, upload: UploadedFile, now: datetime.datetime | None = None
) -> Submission:
    """Hand in (or replace) the student's work for a homework to hand in.

    Before the deadline a new file replaces the previous one. After it, a first hand-in is
    accepted and flagged late; work already handed in on time is kept and not replaced.
    """
    student_id = _require_student(scope)
    if not homework.is_hand_in:
        raise ApplicationError(_("This homework is not work to hand in."))
    now = now or timezone.now()
    late = now > homework.deadline_at
    content_type = _check_files([upload])[0]
    submission = Submission.objects.select_for_update().filter(homework=homework, student_id=student_id).first()
    if submission is not None and late and not submission.is_late:
        raise ApplicationError(
            _("The deadline has passed: the work you handed in on time is kept and can no longer be replaced.")
        )
    if submission is not None and submission.returned_at is not None:
        raise ApplicationError(_("Your teacher has already returned this work: it can no longer be replaced."))
    old_file = submission.file.name if submission is not None else ""
    submission = submission or Submission(
        establishment_id=homework.establishment_id, homework=homework, student_id=student_id
    )
    _store(submission, upload)
    submission.name = (upload.name or "file")[-150:]
    submission.content_type = content_type
    submission.size_bytes = upload.size or 0
    submission.submitted_at = now
    submission.is_late = late
    submission.save()
    _student_work_changed(student_id)
    # The work also lands in the teacher's hand-in folder of the documents (when the service is on).
    teaching = homework.teaching
    document_handouts.homework_hand_in(
        scope=scope,
        source=f"homework:{homework.pk}",
        title=f"{teaching.subject.name} {homework.due_on.isoformat()}",
        teacher_id=teaching.teacher_id,
        school_class_id=teaching.school_class_id,
        teaching_group_id=teaching.teaching_group_id,
        due_at=homework.deadline_at,
        upload=upload,
        now=now,
    )
    if old_file:
        storage = submission.file.storage
        transaction.on_commit(lambda: storage.delete(old_file))
    return submission


@atomic_with_files()
def submission_return(
    *, scope: Scope, submission: Submission, feedback: str, corrected: UploadedFile | None = None
) -> Submission:
    """Return feedback (and a corrected file) on handed-in work; tell the student and guardians."""
    if corrected is not None:
        submission.corrected_content_type = _check_files([corrected])[0]
        _store(submission, corrected, field="corrected_file")
        submission.corrected_name = (corrected.name or "file")[-150:]
    submission.feedback = feedback.strip()
    submission.returned_at = timezone.now()
    submission.save()
    _student_work_changed(submission.student_id)
    homework = submission.homework
    guardians = guardian_ids_receiving_mail(
        establishment_id=submission.establishment_id, students=[submission.student_id]
    )
    notify(
        "homework.work_returned",
        [submission.student_id, *guardians],
        params={
            "subject": homework.teaching.subject.name,
            "student": submission.student.get_full_name(),
            "due_on": homework.due_on.isoformat(),  # worded in each reader's language by work_returned_params
        },
        url=reverse("homework:entry-detail", args=[homework.entry_id]) + f"#homework-{homework.pk}",
        establishment_id=submission.establishment_id,
        actor_id=scope.user_id,
    )
    return submission
