"""Writes of marks and report cards: keyword-only, typed, atomic, taking the actor's scope.

Parts, each in its section: assessments and marks, competencies, councils and report cards,
families.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from romsie.attendance.services import guardian_ids_by_student
from romsie.core.access.scope import Scope
from romsie.core.concurrency import StaleEdit, claim_version
from romsie.core.errors import ApplicationError
from romsie.core.services import audit_record
from romsie.identity.models import User
from romsie.notifications.services import Batch, notify_many
from romsie.schooling.models import Period, SchoolClass, Subject, Teaching

from . import access, selectors
from .habilitations import AssessmentHabilitation as H
from .models import (
    Assessment,
    Competency,
    CompetencyEvaluation,
    Council,
    CouncilDecision,
    Mention,
    ReportCard,
    ReportCardRun,
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
    """Students' marks changed: their cached marks page and widget recompute once the transaction commits."""
    from django.db import transaction

    from romsie.core import versions

    ids = sorted(set(student_ids))

    def bump() -> None:
        for pk in ids:
            versions.bump(versions.Kind.ASSESSMENT_MARKS, pk)

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
    return council
