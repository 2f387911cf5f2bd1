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
from django.db.models import Exists, F, Max, OuterRef, Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from romsie.attendance.services import guardian_ids_by_student
from romsie.core.access.scope import Scope
from romsie.core.concurrency import StaleEdit, claim_version
from romsie.core.errors import ApplicationError
from romsie.core.services import audit_record
from romsie.identity.models import Guardianship, User
from romsie.notifications.kinds import local_date
from romsie.notifications.services import Batch, notify_many
from romsie.schooling.models import Enrollment, GroupMembership, Level, Period, SchoolClass, Subject, Teaching

from . import access, selectors
from .habilitations import AssessmentHabilitation as H
from .models import (
    MAX_COMMENT_LENGTH,
    Assessment,
    AssessmentSettings,
    Competency,
    CompetencyEvaluation,
    Council,
    CouncilDecision,
    Mark,
    MarkStatus,
    Mention,
    ReportCard,
    ReportCardRun,
    ReportComment,
    SubjectWeight,
)

# -- Competencies ---------------------------------------------------------------------------------


def _next_code(establishment_id: int, component: Competency, cycle: int) -> str:
    """The first free code ``<component>-C<cycle>-<n>`` of the establishment."""
    prefix = f"{component.code}-C{cycle}-"
    taken = set(
        Competency.objects.filter(establishment_id=establishment_id, code__startswith=prefix).values_list(
            "code", flat=True
        )
    )
    number = len(taken) + 1
    while f"{prefix}{number}" in taken:
        number += 1
    return f"{prefix}{number}"


def _check_code_free(establishment_id: int, code: str, exclude_pk: int | None = None) -> None:
    rows = Competency.objects.filter(establishment_id=establishment_id, code=code)
    if exclude_pk is not None:
        rows = rows.exclude(pk=exclude_pk)
    if rows.exists():
        raise ApplicationError(_("Another competency of the establishment has this code."), extra={"code": code})


@transaction.atomic
def competency_create(
    *, scope: Scope, component: Competency, cycle: int, subject: Subject | None, code: str, name: str
) -> Competency:
    """Add an item of the establishment under a national component (its code made up if empty)."""
    assert scope.establishment_id is not None
    if component.establishment_id is not None or component.component_id is not None:
        raise ApplicationError(_("Choose a component of the common base."))
    code = code.strip() or _next_code(scope.establishment_id, component, cycle)
    _check_code_free(scope.establishment_id, code)
    competency = Competency(
        establishment_id=scope.establishment_id,
        component=component,
        cycle=cycle,
        subject=subject,
        code=code,
        name=name.strip(),
        order=component.order,
    )
    try:
        with transaction.atomic():
            competency.save()
    except IntegrityError as clash:
        raise ApplicationError(_("Another competency of the establishment has this code.")) from clash
    audit_record(scope=scope, action="assessment.competency_create", target=competency)
    return competency


@transaction.atomic
def competency_update(
    *,
    scope: Scope,
    competency: Competency,
    version: int | None,
    component: Competency,
    cycle: int,
    subject: Subject | None,
    code: str,
    name: str,
) -> Competency:
    """Change an item of the establishment; one already evaluated keeps its component and cycle."""
    assert scope.establishment_id is not None and competency.establishment_id == scope.establishment_id
    claim_version(competency, version)
    evaluated = competency.evaluations.exists()
    if evaluated and (component.pk != competency.component_id or cycle != competency.cycle):
        raise ApplicationError(_("This competency has been evaluated: only its code, name and subject may change."))
    code = code.strip() or _next_code(scope.establishment_id, component, cycle)
    _check_code_free(scope.establishment_id, code, exclude_pk=competency.pk)
    competency.component, competency.cycle, competency.subject = component, cycle, subject
    competency.code, competency.name, competency.order = code, name.strip(), component.order
    competency.save()
    audit_record(scope=scope, action="assessment.competency_update", target=competency)
    return competency


@transaction.atomic
def competency_delete(*, scope: Scope, competency: Competency, version: int | None) -> None:
    """Remove an item of the establishment that was never evaluated."""
    assert competency.establishment_id == scope.establishment_id
    claim_version(competency, version)
    if competency.evaluations.exists():
        raise ApplicationError(_("This competency has been evaluated: it cannot be deleted, only renamed."))
    audit_record(scope=scope, action="assessment.competency_delete", target=competency)
    competency.delete()


@dataclass(frozen=True)
class LevelEntry:
    """A cell of a grid as posted: the level chosen (None: not evaluated), and the version and
    level the page showed (None: no level yet)."""

    level: int | None
    version: int | None
    shown: int | None


@dataclass
class GridOutcome:
    """What a grid's save did: the cells written, and those refused because they changed meanwhile
    (with the level they hold now, None when it was removed)."""

    saved: int = 0
    conflicts: dict[tuple[int, int], CompetencyEvaluation | None] = field(default_factory=dict)


@transaction.atomic
def evaluations_save(
    *,
    scope: Scope,
    teaching: Teaching,
    on: datetime.date,
    entries: dict[tuple[int, int], LevelEntry],
    assessment: Assessment | None = None,
) -> GridOutcome:
    """Save the levels of a grid: one evaluation per (competency, student, teacher, day).

    ``entries`` are keyed by (student, competency). A cell left as shown is not written; a cell
    changed is written only if its evaluation is still the version the page showed — otherwise it
    is refused (in ``conflicts``) and the other cells are saved. "Not evaluated" removes the
    person's level of the day. The person's saves are taken one at a time (a lock on their own
    row), so two tabs never write the same cell at once. A constant number of queries.
    """
    assert scope.establishment_id is not None and scope.user_id is not None
    if not entries:
        return GridOutcome()
    student_ids = sorted({student_id for student_id, _competency in entries})
    competency_ids = sorted({competency_id for _student, competency_id in entries})
    allowed = set(access.teaching_students(teaching).filter(pk__in=student_ids).values_list("pk", flat=True))
    if allowed != set(student_ids):
        raise ApplicationError(_("A level is for a student who is not in this teaching: nothing was saved."))
    if not scope.has(H.MANAGE) and selectors.levels_locked(teaching, on):
        raise ApplicationError(_("The report cards of this period are published: levels can no longer change."))
    # One writer at a time per teacher: their grids' cells are theirs alone.
    list(User.objects.select_for_update(no_key=True).filter(pk=scope.user_id).values_list("pk", flat=True))
    existing = {
        (evaluation.student_id, evaluation.competency_id): evaluation
        for evaluation in CompetencyEvaluation.objects.filter(
            establishment_id=scope.establishment_id,
            evaluated_by_id=scope.user_id,
            date=on,
            student_id__in=student_ids,
            competency_id__in=competency_ids,
        ).select_related("evaluated_by")
    }
    outcome = GridOutcome()
    now = timezone.now()
    to_create: list[CompetencyEvaluation] = []
    to_update: list[CompetencyEvaluation] = []
    to_delete: list[int] = []
    for key, entry in entries.items():
        current = existing.get(key)
        current_level = current.level if current is not None else None
        if entry.level == current_level or entry.level == entry.shown:
            continue  # nothing to write, or a cell the person left as it was shown
        stale = (current is None) != (entry.version is None) or (
            current is not None and current.version != entry.version
        )
        if stale:
            outcome.conflicts[key] = current
        elif current is None:
            student_id, competency_id = key
            to_create.append(
                CompetencyEvaluation(
                    establishment_id=scope.establishment_id,
                    competency_id=competency_id,
                    student_id=student_id,
                    level=entry.level,
                    date=on,
                    teaching=teaching,
                    assessment=assessment,
                    evaluated_by_id=scope.user_id,
                )
            )
        elif entry.level is None:
            to_delete.append(current.pk)
        else:
            current.level, current.version, current.teaching, current.updated_at = (
                entry.level,
                current.version + 1,
                teaching,
                now,
            )
            if assessment is not None:
                current.assessment = assessment
            to_update.append(current)
    if to_create:
        try:
            with transaction.atomic():
                CompetencyEvaluation.objects.bulk_create(to_create)
        except IntegrityError as clash:  # written meanwhile outside a grid: nothing is lost, try again
            raise ApplicationError(_("These levels were changed meanwhile: check them and save again.")) from clash
    if to_update:
        CompetencyEvaluation.objects.bulk_update(
            to_update, ["level", "version", "teaching", "assessment", "updated_at"]
        )
    if to_delete:
        CompetencyEvaluation.objects.filter(pk__in=to_delete).delete()
    outcome.saved = len(to_create) + len(to_update) + len(to_delete)
    return outcome


def competency_read(*, scope: Scope, student: User | None = None, school_class: SchoolClass | None = None) -> bool:
    """Write a staff read of a student's or a class's competencies outside their own teachings to
    the audit log; say if it was."""
    if not (scope.has_staff_profile or scope.is_teacher):
        return False
    teachings = access.own_teachings(scope)
    if student is not None:
        own = teachings.filter(
            Q(school_class__enrollments__student_id=student.pk) | Q(teaching_group__memberships__student_id=student.pk)
        )
        if own.exists():
            return False
        audit_record(scope=scope, action="assessment.competency_record_read", target=student, student_id=student.pk)
        return True
    assert school_class is not None
    if teachings.filter(school_class_id=school_class.pk).exists():
        return False
    audit_record(scope=scope, action="assessment.competency_class_read", target=school_class, class_id=school_class.pk)
    return True


# -- Families: the students' cached marks pages and widgets ---------------------------------------


def marks_changed(student_ids: Iterable[int]) -> None:
    """Students' marks or published report cards changed: their cached marks and report cards
    pages and marks widget recompute once the transaction commits."""
    from django.db import transaction

    from romsie.core import versions

    ids = sorted(set(student_ids))

    def bump() -> None:
        for pk in ids:
            versions.bump(versions.Kind.ASSESSMENT_MARKS, pk)

    transaction.on_commit(bump)


def teacher_assessments_changed(teacher_ids: Iterable[int | None]) -> None:
    """Teachers' assessments or marks changed: their cached "My assessments" list recomputes on commit."""
    from django.db import transaction

    from romsie.core import versions

    ids = sorted({pk for pk in teacher_ids if pk is not None})

    def bump() -> None:
        for pk in ids:
            versions.bump(versions.Kind.ASSESSMENT_TEACHER, pk)

    transaction.on_commit(bump)


def assessment_marks_changed(assessment_id: int) -> None:
    """An assessment changed (its publication date, title, scale): every student with a mark in it. One query."""
    from .models import Mark

    marks_changed(Mark.objects.filter(assessment_id=assessment_id).values_list("student_id", flat=True))


# -- Class councils and report cards -------------------------------------------------------------


def lock_council(council: Council) -> Council:
    """The council's row, locked until the transaction ends (status changes are serialised)."""
    return Council.objects.select_for_update().select_related("school_class", "period").get(pk=council.pk)


def council_editable(scope: Scope, council: Council) -> bool:
    """Whether the person may change the council's comments and decisions now.

    The homeroom teacher while it is being prepared or prepared; the head (``assessment.manage``)
    at any time, a published (locked) council included.
    """
    if scope.has(H.MANAGE):
        return True
    return scope.has(H.COUNCIL) and council.status in (Council.Status.OPEN, Council.Status.PREPARED)


def refusal(scope: Scope, council: Council) -> ApplicationError:
    """Why the person may not change the council now."""
    if council.status == Council.Status.PUBLISHED:
        return ApplicationError(
            _("The report cards are published: the period is locked for this class, only the head may change it."),
            extra={"code": "locked"},
        )
    return ApplicationError(
        _("The council is validated: only the head may change it now."), extra={"code": "validated"}
    )


def _refuse_unless_editable(scope: Scope, council: Council) -> None:
    if not council_editable(scope, council):
        raise refusal(scope, council)


@transaction.atomic
def council_open(*, scope: Scope, school_class: SchoolClass, period: Period) -> Council:
    """The class's council for the period, created on first open (once, even opened twice at once)."""
    if not (scope.has(H.COUNCIL) or scope.has(H.MANAGE)):
        raise ApplicationError(_("Only the homeroom teacher or the head prepares a class council."))
    council, _created = Council.objects.get_or_create(
        period=period, school_class=school_class, defaults={"establishment_id": school_class.establishment_id}
    )
    return council


@transaction.atomic
def council_update(
    *, scope: Scope, council: Council, class_comment: str, held_on: datetime.date | None, version: int | None
) -> Council:
    """Save the comment on the class and the day the council was held."""
    _refuse_unless_editable(scope, council)
    claim_version(council, version)
    council.class_comment = class_comment
    council.held_on = held_on
    council.save(update_fields=["class_comment", "held_on", "version"])
    return council


@transaction.atomic
def council_decision_save(
    *,
    scope: Scope,
    council: Council,
    student_id: int,
    general_comment: str,
    mention: str,
    decision: str,
    version: int | None,
) -> CouncilDecision:
    """Save what the council says of a student; refused (``StaleEdit``) if someone saved it meanwhile.

    ``version`` is the one the page showed, ``None`` when the page showed no row yet: creating
    it then fails if someone else created it in between, so nothing is overwritten unseen.
    """
    _refuse_unless_editable(scope, council)
    if mention not in Mention.values:
        raise ApplicationError(_("Choose a mention from the list."), extra={"field": "mention"})
    existing = CouncilDecision.objects.filter(council_id=council.pk, student_id=student_id).first()
    if existing is None:
        if version is not None:
            raise StaleEdit(None)
        row = CouncilDecision(
            establishment_id=council.establishment_id,
            council_id=council.pk,
            student_id=student_id,
            general_comment=general_comment,
            mention=mention,
            decision=decision,
        )
        try:
            with transaction.atomic():
                row.save()
        except IntegrityError:
            raise StaleEdit(
                CouncilDecision.objects.filter(council_id=council.pk, student_id=student_id).first()
            ) from None
        return row
    if version is None:
        raise StaleEdit(existing)
    claim_version(existing, version)
    existing.general_comment, existing.mention, existing.decision = general_comment, mention, decision
    existing.save(update_fields=["general_comment", "mention", "decision", "version", "updated_at"])
    return existing


@transaction.atomic
def council_prepare(*, scope: Scope, council: Council) -> Council:
    """The homeroom teacher says the council is ready for the head."""
    council = lock_council(council)
    if council.status != Council.Status.OPEN:
        raise ApplicationError(_("Only a council being prepared can be marked prepared."))
    council.status = Council.Status.PREPARED
    council.prepared_by_id = scope.user_id
    council.save(update_fields=["status", "prepared_by"])
    return council


@transaction.atomic
def council_validate(*, scope: Scope, council: Council) -> Council:
    """The head validates the council: report cards can then be generated and published."""
    if not scope.has(H.MANAGE):
        raise ApplicationError(_("Only the head validates a class council."))
    council = lock_council(council)
    if council.status not in (Council.Status.OPEN, Council.Status.PREPARED):
        raise ApplicationError(_("This council is already validated."))
    council.status = Council.Status.VALIDATED
    council.validated_by_id = scope.user_id
    council.validated_at = timezone.now()
    council.save(update_fields=["status", "validated_by", "validated_at"])
    audit_record(scope=scope, action="assessment.council_validate", target=council, council=council.pk)
    return council


@transaction.atomic
def council_send_back(*, scope: Scope, council: Council) -> Council:
    """The head sends a prepared or validated council back to the homeroom teacher."""
    if not scope.has(H.MANAGE):
        raise ApplicationError(_("Only the head sends a class council back."))
    council = lock_council(council)
    if council.status not in (Council.Status.PREPARED, Council.Status.VALIDATED):
        raise ApplicationError(_("Only a prepared or validated council can be sent back."))
    council.status = Council.Status.OPEN
    council.validated_by_id, council.validated_at = None, None
    council.save(update_fields=["status", "validated_by", "validated_at"])
    return council


# A generation still unfinished after this long was lost (a process stopped while it ran): a new
# one may start.
RUN_ABANDONED_AFTER = datetime.timedelta(minutes=30)


def running_run(council: Council) -> ReportCardRun | None:
    """The council's generation waiting or under way, if any (an abandoned one does not count)."""
    return (
        ReportCardRun.objects.filter(
            council_id=council.pk,
            status__in=[ReportCardRun.Status.QUEUED, ReportCardRun.Status.RUNNING],
            requested_at__gte=timezone.now() - RUN_ABANDONED_AFTER,
        )
        .order_by("-requested_at", "-pk")
        .first()
    )


@transaction.atomic
def council_publish(*, scope: Scope, council: Council) -> Council:
    """Publish a validated council's report cards: families see them, the period is locked.

    The students and their guardians are told in one bulk notification.
    """
    if not scope.has(H.MANAGE):
        raise ApplicationError(_("Only the head publishes the report cards."))
    council = lock_council(council)
    if council.status != Council.Status.VALIDATED:
        raise ApplicationError(_("Only a validated council's report cards can be published."))
    if running_run(council) is not None:
        raise ApplicationError(_("The report cards are being generated: publish them once they are ready."))
    cards = dict(
        ReportCard.objects.filter(council_id=council.pk, student__isnull=False).values_list("student_id", "pk")
    )
    if not cards:
        raise ApplicationError(_("Generate the report cards before publishing them."))
    council.status = Council.Status.PUBLISHED
    council.published_at = timezone.now()
    council.save(update_fields=["status", "published_at"])
    audit_record(scope=scope, action="assessment.council_publish", target=council, council=council.pk)
    marks_changed(cards)  # the families' cached report cards pages
    guardians = guardian_ids_by_student(council.establishment_id, list(cards))
    params = {"period": council.period.name, "class": council.school_class.name}
    notify_many(
        "assessment.report_card_published",
        [
            Batch(
                [student_id, *guardians.get(student_id, [])],
                params,
                reverse("assessment:report-card-file", kwargs={"pk": card_id}),
            )
            for student_id, card_id in cards.items()
        ],
        establishment_id=council.establishment_id,
        actor_id=scope.user_id,
    )
    return council


@transaction.atomic
def council_reopen(*, scope: Scope, council: Council) -> Council:
    """The head takes the report cards back: families lose access, the period is unlocked (audited)."""
    if not scope.has(H.MANAGE):
        raise ApplicationError(_("Only the head reopens published report cards."))
    council = lock_council(council)
    if council.status != Council.Status.PUBLISHED:
        raise ApplicationError(_("Only published report cards can be taken back."))
    council.status = Council.Status.VALIDATED
    council.published_at = None
    council.save(update_fields=["status", "published_at"])
    audit_record(scope=scope, action="assessment.council_reopen", target=council, council=council.pk)
    marks_changed(
        ReportCard.objects.filter(council_id=council.pk, student__isnull=False).values_list("student_id", flat=True)
    )
    return council


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
        teacher_assessments_changed([assessment.teaching.teacher_id])
        assessment_marks_changed(assessment.pk)
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
    # Bulk writes send no signal: the students' marks pages and the teacher's list are told here.
    marks_changed(writes.saved)
    teacher_assessments_changed([assessment.teaching.teacher_id])
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
