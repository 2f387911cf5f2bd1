"""Writes of school life: roll calls, absences and lateness, justifications, incidents and sanctions.

Every write is keyword-only, takes the actor's ``scope``, runs in a transaction, audits the
sensitive ones and tells families after the commit, in bulk (``notify_families``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from romsie.core import versions
from romsie.core.access.scope import Scope
from romsie.core.errors import ApplicationError
from romsie.core.services import audit_record
from romsie.core.uploads import atomic_with_files, check_upload, store_upload
from romsie.identity.models import Guardianship, User
from romsie.notifications.kinds import local_date, local_time
from romsie.notifications.services import Batch, notify_many

from .models import Absence, AbsenceReason, Justification, JustificationStatus, Lateness

# -- Family alerts ---------------------------------------------------------------------------


def guardian_ids_by_student(establishment_id: int, student_ids: Sequence[int]) -> dict[int, list[int]]:
    """The guardians of each student in the establishment (one query)."""
    found: dict[int, list[int]] = {}
    rows: QuerySet[Any, Any] = Guardianship.objects.filter(
        establishment_id=establishment_id, student_id__in=student_ids
    ).values_list("student_id", "guardian_id")
    for student_id, guardian_id in rows:
        found.setdefault(student_id, []).append(guardian_id)
    return found


def absence_params(params: dict[str, Any]) -> dict[str, Any]:
    """Word an absence alert's stored params in the reader's language."""
    return {**params, "date": local_date(params["date"]), "time": local_time(params["time"])}


def notify_families(
    *,
    establishment_id: int,
    absences: Sequence[Absence] = (),
    lateness: Sequence[Lateness] = (),
    actor_id: int | None,
    names: dict[int, str],
    what: dict[int, str] | None = None,
) -> int:
    """Tell each child's guardians (and the child) of their new absences and lateness, in one bulk notify per kind.

    ``names`` gives each student's name; ``what`` the session or period each absence is about
    (an absence without one says its day and time). Runs inside the caller's transaction:
    the notifications are written with the absences, the e-mails leave after the commit.
    """
    students = sorted({a.student_id for a in absences} | {late.student_id for late in lateness})
    record_changed(students)
    guardians = guardian_ids_by_student(establishment_id, students)
    sent = 0
    what = what or {}
    for kind, items in (("attendance.absence", absences), ("attendance.lateness", lateness)):
        batches = []
        for item in items:
            moment = timezone.localtime(item.starts_at if isinstance(item, Absence) else item.arrived_at)
            params = {
                "student": names.get(item.student_id, ""),
                "date": moment.date().isoformat(),
                "time": moment.time().replace(second=0, microsecond=0).isoformat(),
                "what": what.get(item.pk, ""),
                "minutes": getattr(item, "minutes", 0),
            }
            url = reverse("attendance:home")
            batches.append(Batch([item.student_id, *guardians.get(item.student_id, [])], params, url))
        if batches:
            sent += notify_many(kind, batches, establishment_id=establishment_id, actor_id=actor_id)
    return sent


# -- Roll call -------------------------------------------------------------------------------


# -- School-life office ------------------------------------------------------------------------


# -- Justifications ------------------------------------------------------------------------------

# The list an establishment starts with (labels translated when created, in the site's language).
DEFAULT_REASONS: list[tuple[str, bool]] = [
    (gettext_noop("Illness"), True),
    (gettext_noop("Medical appointment"), True),
    (gettext_noop("Family reason"), True),
    (gettext_noop("Transport problem"), True),
    (gettext_noop("Summoned (exam, administration)"), True),
    (gettext_noop("Religious holiday"), True),
    (gettext_noop("Other reason"), False),
]

# The documents a family may send: a photo of a certificate or a PDF (a subset of ``core.uploads.ALLOWED``).
DOCUMENT_EXTENSIONS = ("jpeg", "jpg", "pdf", "png", "webp")


def record_changed(student_ids: Iterable[int]) -> None:
    """Students' school-life records changed: their cached widgets recompute once the transaction commits."""
    ids = sorted(set(student_ids))

    def bump() -> None:
        for pk in ids:
            versions.bump(versions.Kind.ATTENDANCE_RECORD, pk)

    transaction.on_commit(bump)


def justifications_changed(establishment_id: int) -> None:
    """A justification was given or reviewed: school life's cached count recomputes once committed."""
    transaction.on_commit(lambda: versions.bump(versions.Kind.ATTENDANCE_JUSTIFICATIONS, establishment_id))


def default_reasons_ensure(establishment_id: int) -> None:
    """Give the establishment the default list of absence reasons if it has none yet (one query when it has)."""
    if AbsenceReason.objects.filter(establishment_id=establishment_id).exists():
        return
    AbsenceReason.objects.bulk_create(
        [
            AbsenceReason(establishment_id=establishment_id, label=_(label), justifies=justifies, order=order)
            for order, (label, justifies) in enumerate(DEFAULT_REASONS, start=1)
        ],
        ignore_conflicts=True,
    )


def _check_document(upload: UploadedFile) -> str:
    """The content type of a justification's document, or a refusal the family can act on."""
    name = upload.name or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in DOCUMENT_EXTENSIONS:
        raise ApplicationError(
            _("%(name)s: send a photo (JPEG, PNG, WebP) or a PDF document.") % {"name": name},
            extra={"field": "document"},
        )
    try:
        return check_upload(upload)
    except ValidationError as error:
        raise ApplicationError(" ".join(error.messages), extra={"field": "document"}) from error


@atomic_with_files()
def justification_submit(
    *,
    scope: Scope,
    reason: AbsenceReason,
    comment: str = "",
    upload: UploadedFile | None = None,
    absence: Absence | None = None,
    lateness: Lateness | None = None,
) -> Justification:
    """A family justifies an absence or a lateness (``access.get_justifiable_*`` gave it): to review.

    The absence (or lateness) waits for school life's review (status ``PENDING``). Refused when a
    justification is already waiting, when it was justified meanwhile, or when the reason is not
    one of the establishment's reasons offered to families; a document that is not a photo or a
    PDF, or that the server cannot store, saves nothing.
    """
    target: Absence | Lateness
    if absence is not None:
        target = Absence.objects.select_for_update().get(pk=absence.pk)
    elif lateness is not None:
        target = Lateness.objects.select_for_update().get(pk=lateness.pk)
    else:
        raise ApplicationError(_("Choose the absence or lateness to justify."))
    if target.status == JustificationStatus.PENDING:
        raise ApplicationError(_("A justification is already waiting for school life's review."))
    if target.status == JustificationStatus.JUSTIFIED:
        raise ApplicationError(_("This is already justified."))
    if reason.establishment_id != target.establishment_id or not reason.offered_to_families or not reason.is_active:
        raise ApplicationError(_("Choose a reason from the list."), extra={"field": "reason"})
    justification = Justification(
        establishment_id=target.establishment_id,
        absence=target if isinstance(target, Absence) else None,
        lateness=target if isinstance(target, Lateness) else None,
        reason=reason,
        comment=comment.strip()[:500],
        submitted_by_id=scope.user_id,
        size_bytes=0,
    )
    if upload is not None:
        justification.content_type = _check_document(upload)
        store_upload(justification, upload)
        justification.name = (upload.name or "document")[-150:]
        justification.size_bytes = upload.size or 0
    justification.save()
    target.status = JustificationStatus.PENDING
    target.save(update_fields=["status"])
    audit_record(
        scope=scope,
        action="attendance.justification_submit",
        target=justification,
        student=target.student_id,
        document=justification.name,
    )
    record_changed([target.student_id])
    justifications_changed(target.establishment_id)
    return justification


def reviewed_params(params: dict[str, Any]) -> dict[str, Any]:
    """Word a reviewed justification's stored params in the reader's language."""
    what = _("lateness") if params.get("what") == "lateness" else _("absence")
    decision = _("accepted") if params.get("accepted") else _("refused")
    return {**params, "date": local_date(params["date"]), "what": what, "decision": decision}


@transaction.atomic
def justification_review(
    *,
    scope: Scope,
    justification: Justification,
    accept: bool,
    comment: str = "",
    reason: AbsenceReason | None = None,
) -> Justification:
    """School life accepts or refuses a justification (``access.get_reviewable_justification`` gave it).

    Accepting gives the absence (or lateness) the reason (the family's, or ``reason`` chosen by
    the reviewer): justified when the reason counts as justified. Refusing needs a comment for
    the family and marks it refused. Audited; the student and their guardians are told.
    """
    locked = Justification.objects.select_for_update().get(pk=justification.pk)
    if locked.status != Justification.Status.PENDING:
        raise ApplicationError(_("Someone already reviewed this justification."))
    comment = comment.strip()[:500]
    if not accept and not comment:
        raise ApplicationError(
            _("Say why the justification is refused: the family reads it."), extra={"field": "comment"}
        )
    reason = reason or locked.reason
    if reason.establishment_id != locked.establishment_id or not reason.is_active:
        raise ApplicationError(_("Choose a reason from the list."), extra={"field": "reason"})
    target: Absence | Lateness
    if locked.absence_id is not None:
        target = Absence.objects.select_for_update().get(pk=locked.absence_id)
    else:
        target = Lateness.objects.select_for_update().get(pk=locked.lateness_id)
    now = timezone.now()
    locked.status = Justification.Status.ACCEPTED if accept else Justification.Status.REFUSED
    locked.reviewed_by_id = scope.user_id
    locked.reviewed_at = now
    locked.review_comment = comment
    if accept:
        locked.reason = reason
        target.reason = reason
        target.status = JustificationStatus.JUSTIFIED if reason.justifies else JustificationStatus.UNJUSTIFIED
    else:
        target.status = JustificationStatus.REFUSED
    locked.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_comment", "reason"])
    target.save(update_fields=["status", "reason"])
    audit_record(
        scope=scope,
        action="attendance.justification_accept" if accept else "attendance.justification_refuse",
        target=locked,
        student=target.student_id,
        reason=reason.label,
        comment=comment,
    )
    moment = timezone.localtime(target.starts_at if isinstance(target, Absence) else target.arrived_at)
    student = User.objects.filter(pk=target.student_id).values_list("first_name", "last_name").first()
    params = {
        "student": " ".join(student) if student else "",
        "date": moment.date().isoformat(),
        "what": "absence" if isinstance(target, Absence) else "lateness",
        "accepted": accept,
        "comment": comment,
    }
    guardians = guardian_ids_by_student(target.establishment_id, [target.student_id])
    recipients = [target.student_id, *guardians.get(target.student_id, [])]
    if locked.submitted_by_id is not None:
        recipients.append(locked.submitted_by_id)
    notify_many(
        "attendance.justification_reviewed",
        [Batch(recipients, params, reverse("attendance:record"))],
        establishment_id=target.establishment_id,
        actor_id=scope.user_id,
    )
    record_changed([target.student_id])
    justifications_changed(target.establishment_id)
    justification.status = locked.status
    return locked


# -- Incidents and sanctions ---------------------------------------------------------------------
