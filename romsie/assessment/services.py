"""Writes of marks and report cards: keyword-only, typed, atomic, taking the actor's scope.

Parts, each in its section: assessments and marks, competencies, councils and report cards,
families.
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from romsie.attendance.services import guardian_ids_by_student
from romsie.core.access.scope import Scope
from romsie.core.concurrency import StaleEdit, claim_version
from romsie.core.errors import ApplicationError
from romsie.core.services import audit_record
from romsie.notifications.services import Batch, notify_many
from romsie.schooling.models import Period, SchoolClass

from .habilitations import AssessmentHabilitation as H
from .models import Council, CouncilDecision, Mention, ReportCard, ReportCardRun

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
