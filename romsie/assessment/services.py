"""Writes of marks and report cards: keyword-only, typed, atomic, taking the actor's scope.

Parts, each in its section: assessments and marks, competencies, councils and report cards,
families.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Generic, TypeVar

from django.db import IntegrityError, transaction
from django.db.models import Exists, F, Max, OuterRef
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from romsie.core.access.scope import Scope
from romsie.core.concurrency import StaleEdit, claim_version
from romsie.core.errors import ApplicationError
from romsie.core.services import audit_record
from romsie.identity.models import Guardianship
from romsie.notifications.kinds import local_date
from romsie.notifications.services import Batch, notify_many
from romsie.schooling.models import Enrollment, GroupMembership, Level, Period, SchoolClass, Subject, Teaching

from . import access
from .habilitations import AssessmentHabilitation as H
from .models import (
    MAX_COMMENT_LENGTH,
    Assessment,
    AssessmentSettings,
    Competency,
    Mark,
    MarkStatus,
    ReportComment,
    SubjectWeight,
)

# -- Assessments, marks and averages ---------------------------------------------------------------


def teaching_class_ids(teaching: Teaching) -> list[int]:
    """The classes a teaching is given to: its class, or its group's classes."""
    if teaching.school_class_id is not None:
        return [teaching.school_class_id]
    return list(SchoolClass.objects.filter(teaching_groups__pk=teaching.teaching_group_id).values_list("pk", flat=True))


def check_not_locked(scope: Scope, *, teaching: Teaching, period_id: int) -> None:
    """Refuse a change of a period locked for the teaching's classes, unless the person may unlock it."""
    if scope.has(H.MANAGE):
        return
    if access.period_locked(period_id=period_id, school_class_ids=teaching_class_ids(teaching)):
        raise ApplicationError(
            _("This period is locked: its report cards are published. Ask the head to change it."),
            extra={"reason": "locked"},
        )


def default_publish_on(*, establishment_id: int, date: datetime.date) -> datetime.date:
    """The day families see an assessment's marks: its date plus the establishment's delay (0 if none)."""
    delay = (
        AssessmentSettings.objects.filter(establishment_id=establishment_id)
        .values_list("publication_delay_days", flat=True)
        .first()
    )
    return date + datetime.timedelta(days=delay or 0)


@dataclass(frozen=True)
class AssessmentData:
    """What a teacher types about an assessment."""

    title: str
    date: datetime.date
    period: Period
    out_of: Decimal
    weight: Decimal
    graded: bool
    publish_on: datetime.date | None
    description: str
    competencies: list[Competency]


def _check_assessment_data(scope: Scope, data: AssessmentData) -> None:
    if data.period.establishment_id != scope.establishment_id:
        raise ApplicationError(_("Choose a period of the establishment."), extra={"reason": "period"})
    if not (Decimal(1) <= data.out_of <= Decimal(100)):
        raise ApplicationError(_("The scale must be between 1 and 100."), extra={"reason": "out_of"})
    if not (Decimal(0) < data.weight <= Decimal(100)):
        raise ApplicationError(_("The weight must be more than 0 and at most 100."), extra={"reason": "weight"})
    allowed = set(access.visible_competencies(scope).values_list("pk", flat=True)) if data.competencies else set()
    if any(competency.pk not in allowed for competency in data.competencies):
        raise ApplicationError(_("Choose competencies of the establishment."), extra={"reason": "competencies"})


@transaction.atomic
def assessment_create(*, scope: Scope, teaching: Teaching, data: AssessmentData) -> Assessment:
    """Create an assessment of one of the person's teachings."""
    if not access.own_teachings(scope).filter(pk=teaching.pk).exists():
        raise ApplicationError(_("You may only create assessments for your own teachings."))
    _check_assessment_data(scope, data)
    check_not_locked(scope, teaching=teaching, period_id=data.period.pk)
    assert scope.establishment_id is not None and scope.user_id is not None
    assessment = Assessment.objects.create(
        establishment_id=scope.establishment_id,
        teaching=teaching,
        period=data.period,
        title=data.title,
        date=data.date,
        out_of=data.out_of,
        weight=data.weight,
        graded=data.graded,
        publish_on=data.publish_on or default_publish_on(establishment_id=scope.establishment_id, date=data.date),
        description=data.description,
        created_by_id=scope.user_id,
    )
    assessment.competencies.set(data.competencies)
    return assessment


@transaction.atomic
def assessment_update(*, scope: Scope, assessment: Assessment, data: AssessmentData, version: int | None) -> Assessment:
    """Change an assessment; a scale below an entered mark is refused, and so is a locked period."""
    _check_assessment_data(scope, data)
    check_not_locked(scope, teaching=assessment.teaching, period_id=assessment.period_id)
    check_not_locked(scope, teaching=assessment.teaching, period_id=data.period.pk)
    claim_version(assessment, version)
    highest = Mark.objects.filter(assessment=assessment, value__isnull=False).aggregate(top=Max("value"))["top"]
    if highest is not None and highest > data.out_of:
        raise ApplicationError(
            _("A mark of %(mark)s is already entered: the scale cannot go below it.")
            % {"mark": formats.localize(highest.normalize())},
            extra={"reason": "out_of_below_mark"},
        )
    for name in ("title", "date", "period", "out_of", "weight", "graded", "description"):
        setattr(assessment, name, getattr(data, name))
    assessment.publish_on = data.publish_on or default_publish_on(
        establishment_id=assessment.establishment_id, date=data.date
    )
    assessment.save()
    assessment.competencies.set(data.competencies)
    return assessment


@transaction.atomic
def assessment_delete(*, scope: Scope, assessment: Assessment) -> None:
    """Delete an assessment and its marks (not in a locked period)."""
    check_not_locked(scope, teaching=assessment.teaching, period_id=assessment.period_id)
    audit_record(
        scope=scope,
        action="assessment.delete",
        target=assessment,
        assessment=assessment.pk,
        marks=Mark.objects.filter(assessment=assessment).count(),
    )
    assessment.delete()


@transaction.atomic
def assessment_publish(*, scope: Scope, assessment: Assessment) -> Assessment:
    """Show an assessment's marks to families from today (an earlier date is kept)."""
    check_not_locked(scope, teaching=assessment.teaching, period_id=assessment.period_id)
    today = access.today()
    if assessment.publish_on > today:
        Assessment.objects.filter(pk=assessment.pk).update(publish_on=today, version=F("version") + 1)
        assessment.publish_on = today
        assessment.version += 1
    return assessment


@dataclass(frozen=True)
class CellInput:
    """A cell of the grid as typed: the mark (on the assessment's scale) or a status, a comment, the version seen.

    ``version`` is None when the grid showed no mark for the student.
    """

    student_id: int
    value: Decimal | None
    status: str
    comment: str
    version: int | None


def check_cell(assessment: Assessment, cell: CellInput) -> None:
    """Refuse a cell the grid's form should have refused already (the service checks again)."""
    if cell.status not in MarkStatus.values:
        raise ApplicationError(_("Choose a status from the list."), extra={"reason": "status"})
    if cell.value is not None and cell.status:
        raise ApplicationError(_("Enter a mark or a status, not both."), extra={"reason": "both"})
    if cell.value is not None:
        if cell.value < 0 or cell.value > assessment.out_of:
            raise ApplicationError(
                _("Enter a mark between 0 and %(max)s.") % {"max": formats.localize(assessment.out_of.normalize())},
                extra={"reason": "range"},
            )
        if cell.value != cell.value.quantize(Decimal("0.01")):
            raise ApplicationError(_("Enter a mark with at most 2 decimals."), extra={"reason": "decimals"})
    if len(cell.comment) > MAX_COMMENT_LENGTH:
        raise ApplicationError(
            _("A comment has at most %(max)s characters.") % {"max": MAX_COMMENT_LENGTH}, extra={"reason": "comment"}
        )
    if cell.value is None and not cell.status and cell.comment:
        raise ApplicationError(_("Enter a mark or a status to keep a comment."), extra={"reason": "comment_alone"})


RowT = TypeVar("RowT", Mark, ReportComment)


@dataclass
class RowWrites(Generic[RowT]):
    """One row per student (a grid's marks, report-card comments) saved together, each on its own terms.

    ``plan`` decides each student's write from the locked row and the version the person saw: a
    row changed or deleted meanwhile is refused (``StaleEdit``) and the others go ahead; ``write``
    then deletes, changes and creates in one query each. Should someone else create one of the
    new rows meanwhile, the unique constraint refuses the batch: the creations are retried one by
    one (each in a savepoint) to tell which, and that one is refused with the other person's row.
    """

    saved: dict[int, RowT | None] = field(default_factory=dict)
    refused: dict[int, ApplicationError] = field(default_factory=dict)
    create: list[RowT] = field(default_factory=list)
    update: list[RowT] = field(default_factory=list)
    delete: list[int] = field(default_factory=list)

    def plan(
        self, student_id: int, row: RowT | None, shown: int | None, *, empty: bool, make: Callable[[], RowT]
    ) -> RowT | None:
        """Decide a student's write; return the row to change in place (its version already grown)."""
        if row is None:
            if empty:
                self.saved[student_id] = None  # nothing to delete: already so
            elif shown is not None:
                self.refused[student_id] = StaleEdit(None)  # deleted meanwhile
            else:
                self.create.append(make())
            return None
        if shown is None or row.version != shown:
            self.refused[student_id] = StaleEdit(row)
            return None
        if empty:
            self.delete.append(row.pk)
            self.saved[student_id] = None
            return None
        row.version += 1
        self.update.append(row)
        self.saved[student_id] = row
        return row

    def write(self, model: type[RowT], fields: list[str], current: Callable[[RowT], RowT | None]) -> None:
        """Apply the planned writes; ``current`` reads the row someone else created meanwhile."""
        manager = model._default_manager
        if self.delete:
            manager.filter(pk__in=self.delete).delete()
        if self.update:
            manager.bulk_update(self.update, fields)
        if not self.create:
            return
        try:
            with transaction.atomic():
                manager.bulk_create(self.create)
            for row in self.create:
                self.saved[row.student_id] = row
        except IntegrityError:
            for row in self.create:
                row.pk = None
                try:
                    with transaction.atomic():
                        row.save(force_insert=True)
                    self.saved[row.student_id] = row
                except IntegrityError:
                    self.refused[row.student_id] = StaleEdit(current(row))


def _outsiders(student_ids: Iterable[int], expected: set[int]) -> dict[int, ApplicationError]:
    """The refusal of each student who does not follow the teaching."""
    return {
        pk: ApplicationError(_("This student does not follow this teaching."), extra={"reason": "student"})
        for pk in student_ids
        if pk not in expected
    }


@dataclass
class CellsSaved:
    """What a save of the grid did: each student's saved mark (None: no mark) or the refusal."""

    saved: dict[int, Mark | None] = field(default_factory=dict)
    refused: dict[int, ApplicationError] = field(default_factory=dict)


@transaction.atomic
def marks_save(*, scope: Scope, assessment: Assessment, cells: list[CellInput]) -> CellsSaved:
    """Save cells of an assessment's grid, each on its own terms: a cell changed meanwhile by someone
    else (or otherwise refused) is reported and the others are saved.

    The cells' rows are locked (``select_for_update``) and each one's version compared with the
    version the grid showed; then one query per kind of write, whatever the number of cells
    (``RowWrites``).
    """
    check_not_locked(scope, teaching=assessment.teaching, period_id=assessment.period_id)
    if not assessment.graded:
        raise ApplicationError(
            _("This assessment evaluates competencies only: it takes no marks."), extra={"reason": "not_graded"}
        )
    expected = set(access.teaching_student_ids(assessment.teaching).values_list("student_id", flat=True))
    writes: RowWrites[Mark] = RowWrites(refused=_outsiders((cell.student_id for cell in cells), expected))
    wanted = [cell for cell in cells if cell.student_id in expected]
    existing = {
        mark.student_id: mark
        for mark in Mark.objects.select_for_update().filter(
            assessment_id=assessment.pk, student_id__in=[cell.student_id for cell in wanted]
        )
    }
    now = timezone.now()
    for cell in wanted:
        try:
            check_cell(assessment, cell)
        except ApplicationError as error:
            writes.refused[cell.student_id] = error
            continue

        def make(cell: CellInput = cell) -> Mark:
            return Mark(
                establishment_id=assessment.establishment_id,
                assessment=assessment,
                student_id=cell.student_id,
                value=cell.value,
                status=cell.status,
                comment=cell.comment,
                updated_by_id=scope.user_id,
            )

        empty = cell.value is None and not cell.status
        mark = writes.plan(cell.student_id, existing.get(cell.student_id), cell.version, empty=empty, make=make)
        if mark is not None:
            mark.value, mark.status, mark.comment = cell.value, cell.status, cell.comment
            mark.updated_by_id = scope.user_id  # type: ignore[assignment]
            mark.updated_at = now
    writes.write(
        Mark,
        ["value", "status", "comment", "updated_by", "updated_at", "version"],
        lambda mark: Mark.objects.filter(assessment_id=mark.assessment_id, student_id=mark.student_id).first(),
    )
    return CellsSaved(writes.saved, writes.refused)


def mark_save(*, scope: Scope, assessment: Assessment, cell: CellInput) -> Mark | None:
    """Save one cell of an assessment's grid; raise the refusal (a ``StaleEdit`` when changed meanwhile)."""
    result = marks_save(scope=scope, assessment=assessment, cells=[cell])
    if cell.student_id in result.refused:
        raise result.refused[cell.student_id]
    return result.saved[cell.student_id]


@dataclass(frozen=True)
class CommentInput:
    """A report-card comment as typed, with the version shown (None: there was none)."""

    student_id: int
    text: str
    version: int | None


@transaction.atomic
def report_comments_save(
    *, scope: Scope, teaching: Teaching, period: Period, comments: list[CommentInput]
) -> tuple[dict[int, ReportComment | None], dict[int, ApplicationError]]:
    """Save a teaching's report-card comments for a period, each on its own terms (a row changed
    meanwhile is refused, the others are saved); return the saved rows and the refusals by student.

    Like the grid: the rows are locked and their versions compared, then changes, deletions and
    creations go in one query each (creations one by one should someone else create one meanwhile).
    """
    if not access.own_teachings(scope).filter(pk=teaching.pk).exists():
        raise ApplicationError(_("You may only comment on your own teachings."))
    check_not_locked(scope, teaching=teaching, period_id=period.pk)
    expected = set(access.teaching_student_ids(teaching).values_list("student_id", flat=True))
    writes: RowWrites[ReportComment] = RowWrites(refused=_outsiders((entry.student_id for entry in comments), expected))
    wanted = [entry for entry in comments if entry.student_id in expected]
    existing = {
        row.student_id: row
        for row in ReportComment.objects.select_for_update().filter(
            period_id=period.pk, teaching_id=teaching.pk, student_id__in=[entry.student_id for entry in wanted]
        )
    }
    now = timezone.now()
    for entry in wanted:
        if len(entry.text) > MAX_COMMENT_LENGTH:
            writes.refused[entry.student_id] = ApplicationError(
                _("A comment has at most %(max)s characters.") % {"max": MAX_COMMENT_LENGTH},
                extra={"reason": "comment"},
            )
            continue

        def make(entry: CommentInput = entry) -> ReportComment:
            return ReportComment(
                establishment_id=teaching.establishment_id,
                period=period,
                teaching=teaching,
                student_id=entry.student_id,
                text=entry.text,
                author_id=scope.user_id,
            )

        row = writes.plan(
            entry.student_id, existing.get(entry.student_id), entry.version, empty=not entry.text, make=make
        )
        if row is not None:
            row.text = entry.text
            row.author_id = scope.user_id  # type: ignore[assignment]
            row.updated_at = now
    writes.write(
        ReportComment,
        ["text", "author", "updated_at", "version"],
        lambda row: ReportComment.objects.filter(
            period_id=row.period_id, teaching_id=row.teaching_id, student_id=row.student_id
        ).first(),
    )
    return writes.saved, writes.refused


@transaction.atomic
def settings_update(
    *, scope: Scope, publication_delay_days: int, report_heading: str, report_colour: str, version: int | None
) -> AssessmentSettings:
    """Change the establishment's marks settings (made on first save)."""
    assert scope.establishment_id is not None
    if not re.fullmatch(r"#[0-9a-fA-F]{6}", report_colour):
        raise ApplicationError(_("Enter a colour as # followed by 6 hexadecimal digits."), extra={"reason": "colour"})
    if not 0 <= publication_delay_days <= 60:
        raise ApplicationError(_("The delay is between 0 and 60 days."), extra={"reason": "delay"})
    current, created = AssessmentSettings.objects.get_or_create(establishment_id=scope.establishment_id)
    if not created or version is not None:
        claim_version(current, version)
    current.publication_delay_days = publication_delay_days
    current.report_heading = report_heading
    current.report_colour = report_colour.lower()
    current.save()
    audit_record(scope=scope, action="assessment.settings", target=current, delay=publication_delay_days)
    return current


def _check_weight(scope: Scope, subject: Subject, level: Level | None, weight: Decimal) -> None:
    if subject.establishment_id != scope.establishment_id:
        raise ApplicationError(_("Choose a subject of the establishment."), extra={"reason": "subject"})
    if not (Decimal(0) < weight <= Decimal(100)):
        raise ApplicationError(_("The weight must be more than 0 and at most 100."), extra={"reason": "weight"})


@transaction.atomic
def subject_weight_save(
    *,
    scope: Scope,
    subject: Subject,
    level: Level | None,
    weight: Decimal,
    edited: SubjectWeight | None = None,
    version: int | None = None,
) -> SubjectWeight:
    """Set a subject's weight in the overall average, for a level or every level (a new one, or ``edited``)."""
    assert scope.establishment_id is not None
    _check_weight(scope, subject, level, weight)
    clash = SubjectWeight.objects.filter(establishment_id=scope.establishment_id, subject=subject, level=level)
    if edited is not None:
        claim_version(edited, version)
        clash = clash.exclude(pk=edited.pk)
    if clash.exists():
        raise ApplicationError(
            _("This subject already has a weight for this level: change that one."), extra={"reason": "duplicate"}
        )
    row = edited or SubjectWeight(establishment_id=scope.establishment_id)
    row.subject, row.level, row.weight = subject, level, weight
    row.save()
    audit_record(scope=scope, action="assessment.subject_weight", target=row, weight=weight)
    return row


@transaction.atomic
def subject_weight_delete(*, scope: Scope, row: SubjectWeight) -> None:
    """Remove a subject's weight (the subject then weighs 1)."""
    audit_record(scope=scope, action="assessment.subject_weight_delete", target=row)
    row.delete()


def marks_published_params(params: dict[str, Any]) -> dict[str, Any]:
    """The "new marks" notification's words: the assessment's date in the reader's language."""
    words = dict(params)
    if params.get("date"):
        words["date"] = local_date(params["date"])
    return words


MARKS_PUBLISHED = "assessment.marks_published"


@transaction.atomic
def marks_published_notify(*, today: datetime.date | None = None) -> int:
    """Tell the students and their guardians about every assessment published by ``today`` with marks,
    not yet told; return how many assessments were announced.

    Rows are claimed with ``SELECT … FOR UPDATE SKIP LOCKED`` and marked ``notified_at`` in the same
    transaction, so two runs at once never announce an assessment twice. A fixed number of queries
    whatever the numbers of assessments and recipients (one ``notify_many`` per establishment).
    """
    today = today or access.today()
    due = list(
        Assessment.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(publish_on__lte=today, notified_at__isnull=True, graded=True)
        .filter(Exists(Mark.objects.filter(assessment_id=OuterRef("pk"))))
        .order_by("pk")
        .values_list(
            "pk",
            "establishment_id",
            "title",
            "date",
            "teaching__school_class_id",
            "teaching__teaching_group_id",
            "teaching__subject__name",
        )
    )
    if not due:
        return 0
    class_ids = {row[4] for row in due if row[4] is not None}
    group_ids = {row[5] for row in due if row[5] is not None}
    by_class: dict[int, set[int]] = defaultdict(set)
    by_group: dict[int, set[int]] = defaultdict(set)
    for class_id, student_id in Enrollment.objects.filter(school_class_id__in=class_ids).values_list(
        "school_class_id", "student_id"
    ):
        by_class[class_id].add(student_id)
    for group_id, student_id in GroupMembership.objects.filter(teaching_group_id__in=group_ids).values_list(
        "teaching_group_id", "student_id"
    ):
        by_group[group_id].add(student_id)
    students = set().union(*by_class.values(), *by_group.values())
    guardians: dict[tuple[int, int], set[int]] = defaultdict(set)
    for establishment_id, student_id, guardian_id in Guardianship.objects.filter(
        student_id__in=students, establishment_id__in={row[1] for row in due}
    ).values_list("establishment_id", "student_id", "guardian_id"):
        guardians[(establishment_id, student_id)].add(guardian_id)
    batches: dict[int, list[Batch]] = defaultdict(list)
    url = reverse("assessment:home")
    for pk, establishment_id, title, date, class_id, group_id, subject in due:
        followers = by_class[class_id] if class_id is not None else by_group[group_id]
        recipients = set(followers)
        for student_id in followers:
            recipients |= guardians[(establishment_id, student_id)]
        params = {"assessment": pk, "subject": subject, "title": title, "date": date.isoformat()}
        batches[establishment_id].append(Batch(sorted(recipients), params, url))
    for establishment_id, establishment_batches in batches.items():
        notify_many(MARKS_PUBLISHED, establishment_batches, establishment_id=establishment_id)
    Assessment.objects.filter(pk__in=[row[0] for row in due]).update(notified_at=timezone.now())
    return len(due)
