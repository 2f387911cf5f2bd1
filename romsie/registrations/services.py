"""Writes of activity registration: activities, registrations with their consents, documents, draws.

Places are held by the database: every write that takes or frees a place first locks the
activity's row (``select_for_update``), so concurrent registrations are served one after the
other and never exceed the capacity; a child registered twice is refused by a unique constraint.
"""

from __future__ import annotations

import datetime
import random
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from romsie.core import versions
from romsie.core.access.scope import ANONYMOUS, Scope
from romsie.core.concurrency import claim_version
from romsie.core.errors import ApplicationError
from romsie.core.richtext import clean_rich_text
from romsie.core.services import audit_record
from romsie.core.uploads import atomic_with_files, check_upload, store_upload
from romsie.identity.models import User
from romsie.notifications.services import Batch, notify_many
from romsie.schooling.models import SchoolClass

from . import access
from .habilitations import RegistrationsHabilitation as H
from .models import (
    Activity,
    Consent,
    ConsentSignature,
    ConsentVersion,
    DocumentItem,
    DocumentUpload,
    Question,
    Registration,
)

Status = Registration.Status
ACTIVE = [Status.REGISTERED, Status.WAITING]


# -- Notification texts ---------------------------------------------------------------------


def status_params(params: dict[str, Any]) -> dict[str, Any]:
    """Word the stored status code in the reader's language."""
    labels = {**dict(Registration.Status.choices), **dict(DocumentUpload.Status.choices)}
    return {**params, "status": labels.get(params.get("status", ""), params.get("status", ""))}


# -- Activities -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ActivityData:
    """What an organiser types for an activity or a form."""

    kind: str
    title: str
    description: str
    place: str
    starts_on: datetime.date | None
    ends_on: datetime.date | None
    opens_at: datetime.datetime
    closes_at: datetime.datetime
    capacity: int | None
    price_info: str
    allocation: str
    is_published: bool
    level_ids: list[int]
    class_ids: list[int]
    organiser_ids: list[int]


def _check_activity(data: ActivityData) -> None:
    if data.closes_at <= data.opens_at:
        raise ApplicationError(
            _("The registration deadline must come after the opening."), extra={"code": "closes_before_opening"}
        )
    if data.starts_on and data.ends_on and data.ends_on < data.starts_on:
        raise ApplicationError(_("The activity cannot end before it starts."), extra={"code": "ends_before_start"})


@transaction.atomic
def activity_save(
    *, scope: Scope, data: ActivityData, activity: Activity | None = None, version: int | None = None
) -> Activity:
    """Create an activity, or change one the person organises (its edit version claimed first)."""
    if scope.establishment_id is None or not scope.has(H.VIEW):
        raise ApplicationError(_("You may not organise activities here."))
    _check_activity(data)
    if activity is None:
        if not scope.has(H.ORGANISE):
            raise ApplicationError(_("You may not organise activities here."))
        activity = Activity(establishment_id=scope.establishment_id, created_by_id=scope.user_id)
    else:
        if not access.can_manage_activity(scope, activity):
            raise ApplicationError(_("You may not change this activity."))
        claim_version(activity, version)
    is_form = data.kind == Activity.Kind.FORM
    activity.kind = data.kind
    activity.title = data.title
    activity.description = clean_rich_text(data.description)
    activity.place = data.place
    activity.starts_on, activity.ends_on = data.starts_on, data.ends_on
    activity.opens_at, activity.closes_at = data.opens_at, data.closes_at
    activity.capacity = None if is_form else data.capacity
    activity.price_info = data.price_info
    activity.allocation = Activity.Allocation.FIRST_COME if is_form else data.allocation
    activity.is_published = data.is_published
    activity.save()
    levels = set(data.level_ids)
    classes = set(
        SchoolClass.objects.filter(establishment_id=scope.establishment_id, pk__in=data.class_ids).values_list(
            "pk", flat=True
        )
    )
    activity.levels.set(levels)
    activity.school_classes.set(classes)
    if scope.has(H.ORGANISE):
        organisers = set(
            access.choosable_organisers(scope).filter(pk__in=data.organiser_ids).values_list("pk", flat=True)
        )
        activity.organisers.set(organisers)
    audit_record(scope=scope, action="registrations.activity_saved", target=activity, activity=activity.pk)
    _changed(activity.establishment_id)
    return activity


def _changed(establishment_id: int) -> None:
    """Refresh the cached widgets of the establishment once the transaction is committed."""
    transaction.on_commit(lambda: versions.bump(versions.Kind.REGISTRATIONS, establishment_id))


def _next_position(queryset: Any) -> int:
    last = queryset.order_by("-position").values_list("position", flat=True).first()
    return (last or 0) + 1


@transaction.atomic
def question_create(
    *, scope: Scope, activity: Activity, label: str, kind: str, choices: str, is_required: bool
) -> Question:
    """Add a question families answer when they register a child."""
    if not access.can_manage_activity(scope, activity):
        raise ApplicationError(_("You may not change this activity."))
    if kind == Question.Kind.CHOICE and len([c for c in choices.splitlines() if c.strip()]) < 2:
        raise ApplicationError(_("Give at least two choices, one per line."), extra={"code": "choices"})
    return Question.objects.create(
        establishment_id=activity.establishment_id,
        activity=activity,
        label=label,
        kind=kind,
        choices=choices if kind == Question.Kind.CHOICE else "",
        is_required=is_required,
        position=_next_position(activity.questions),
    )


@transaction.atomic
def document_item_create(*, scope: Scope, activity: Activity, name: str) -> DocumentItem:
    """Add a document families provide for each child (an insurance certificate...)."""
    if not access.can_manage_activity(scope, activity):
        raise ApplicationError(_("You may not change this activity."))
    return DocumentItem.objects.create(
        establishment_id=activity.establishment_id,
        activity=activity,
        name=name,
        position=_next_position(activity.document_items),
    )


@transaction.atomic
def consent_create(*, scope: Scope, activity: Activity, name: str, text: str) -> Consent:
    """Add a consent families give or refuse, with its first text."""
    if not access.can_manage_activity(scope, activity):
        raise ApplicationError(_("You may not change this activity."))
    consent = Consent.objects.create(
        establishment_id=activity.establishment_id,
        activity=activity,
        name=name,
        position=_next_position(activity.consents),
    )
    ConsentVersion.objects.create(establishment_id=activity.establishment_id, consent=consent, number=1, text=text)
    return consent


@transaction.atomic
def consent_revise(*, scope: Scope, consent: Consent, text: str) -> ConsentVersion:
    """Give a consent a new text: a new version; signatures already given keep naming the text signed."""
    if not access.can_manage_activity(scope, consent.activity):
        raise ApplicationError(_("You may not change this activity."))
    last = consent.versions.order_by("-number").values_list("number", flat=True).first() or 0
    version = ConsentVersion.objects.create(
        establishment_id=consent.establishment_id, consent=consent, number=last + 1, text=text
    )
    audit_record(scope=scope, action="registrations.consent_revised", target=consent, version=version.number)
    return version


def current_consent_versions(activity: Activity) -> list[ConsentVersion]:
    """The current text of each consent of the activity, in order (one query)."""
    latest: dict[int, ConsentVersion] = {}
    for version in (
        ConsentVersion.objects.filter(consent__activity=activity)
        .select_related("consent")
        .order_by("consent__position", "consent_id", "-number")
    ):
        latest.setdefault(version.consent_id, version)
    return list(latest.values())


# -- Registering ----------------------------------------------------------------------------


def _check_answers(activity: Activity, answers: dict[str, str]) -> dict[str, str]:
    kept: dict[str, str] = {}
    for question in activity.questions.all():
        value = (answers.get(str(question.pk)) or "").strip()
        if not value and question.is_required:
            raise ApplicationError(
                _("Answer the question “%(question)s”.") % {"question": question.label}, extra={"code": "answer"}
            )
        if value and question.kind == Question.Kind.CHOICE and value not in question.choice_list:
            raise ApplicationError(
                _("Choose one of the answers offered to “%(question)s”.") % {"question": question.label},
                extra={"code": "answer"},
            )
        if value and question.kind == Question.Kind.YES_NO and value not in ("yes", "no"):
            raise ApplicationError(
                _("Answer “%(question)s” with yes or no.") % {"question": question.label}, extra={"code": "answer"}
            )
        kept[str(question.pk)] = value[:2000]
    return kept


def is_open(activity: Activity, now: datetime.datetime | None = None) -> bool:
    """Whether families may register now: published, after the opening and before the deadline."""
    moment = now or timezone.now()
    return activity.is_published and activity.opens_at <= moment < activity.closes_at


def _status_for(activity: Activity) -> str:
    """The status of a new registration, the activity's row being locked."""
    if not activity.has_places:
        return Status.REGISTERED
    if activity.allocation == Activity.Allocation.DRAW:
        return Status.WAITING  # every candidate waits for the draw at the deadline
    if activity.capacity is None:
        return Status.REGISTERED
    taken = Registration.objects.filter(activity=activity, status=Status.REGISTERED).count()
    return Status.REGISTERED if taken < activity.capacity else Status.WAITING


@transaction.atomic
def registration_create(
    *,
    scope: Scope,
    activity: Activity,
    student_id: int,
    answers: dict[str, str],
    consents: dict[int, bool],
    now: datetime.datetime | None = None,
) -> Registration:
    """Register a guardian's child: answers, each consent given or refused, a place or the waiting list.

    Refused, with nothing saved: a child who is not the person's, not eligible, already
    registered; registration closed; an unanswered question or consent.
    """
    moment = now or timezone.now()
    if student_id not in access.children_ids(scope):
        raise ApplicationError(
            _("You may register only your own children, and sign consents only for them."),
            extra={"code": "not_your_child"},
        )
    if activity.establishment_id != scope.establishment_id or not is_open(activity, moment):
        raise ApplicationError(_("Registration for this activity is not open."), extra={"code": "closed"})
    if not access.is_eligible(activity, student_id):
        raise ApplicationError(_("This activity is not open to this child's class."), extra={"code": "not_eligible"})
    kept = _check_answers(activity, answers)
    versions = current_consent_versions(activity)
    missing = [v.consent.name for v in versions if v.consent_id not in consents]
    if missing:
        raise ApplicationError(
            _("Give or refuse each consent: %(names)s.") % {"names": ", ".join(missing)}, extra={"code": "consents"}
        )
    locked = Activity.objects.select_for_update().get(pk=activity.pk)
    if Registration.objects.filter(activity=locked, student_id=student_id).exclude(status=Status.WITHDRAWN).exists():
        raise ApplicationError(_("This child is already registered to this activity."), extra={"code": "twice"})
    registration = Registration(
        establishment_id=locked.establishment_id,
        activity=locked,
        student_id=student_id,
        registered_by_id=scope.user_id,
        status=_status_for(locked),
        answers=kept,
        created_at=moment,
        decided_at=moment,
    )
    try:
        with transaction.atomic():
            registration.save()
    except IntegrityError as error:
        raise ApplicationError(
            _("This child is already registered to this activity."), extra={"code": "twice"}
        ) from error
    signer = User.objects.get(pk=scope.user_id)
    ConsentSignature.objects.bulk_create(
        ConsentSignature(
            establishment_id=locked.establishment_id,
            registration=registration,
            consent_version=version,
            is_given=bool(consents[version.consent_id]),
            signed_by=signer,
            signed_by_name=signer.get_full_name() or signer.username,
            signed_at=moment,
        )
        for version in versions
    )
    audit_record(
        scope=scope,
        action="registrations.registered",
        target=registration,
        activity=locked.pk,
        student=student_id,
        status=registration.status,
        consents=",".join(f"{v.pk}:{int(consents[v.consent_id])}" for v in versions),
    )
    _changed(locked.establishment_id)
    return registration


def _promote(activity: Activity, now: datetime.datetime) -> list[Registration]:
    """Give the freed places to the first on the waiting list (the activity's row is locked)."""
    if activity.capacity is None or not activity.has_places:
        return []
    if activity.allocation == Activity.Allocation.DRAW and activity.drawn_at is None:
        return []  # before the draw, nobody is promoted: everyone waits for it
    taken = Registration.objects.filter(activity=activity, status=Status.REGISTERED).count()
    free = activity.capacity - taken
    if free <= 0:
        return []
    promoted = list(
        Registration.objects.filter(activity=activity, status=Status.WAITING)
        .select_related("student")
        .order_by("draw_rank", "created_at", "pk")[:free]
    )
    for registration in promoted:
        registration.status = Status.REGISTERED
        registration.decided_at = now
    Registration.objects.bulk_update(promoted, ["status", "decided_at"])
    _tell_guardians(activity, promoted, "registrations.promoted")
    return promoted


def _tell_guardians(activity: Activity, registrations: list[Registration], kind: str) -> None:
    if not registrations:
        return
    from romsie.identity.models import Guardianship

    links: dict[int, list[int]] = {}
    for student_id, guardian_id in Guardianship.objects.filter(
        establishment_id=activity.establishment_id, student_id__in=[r.student_id for r in registrations]
    ).values_list("student_id", "guardian_id"):
        links.setdefault(student_id, []).append(guardian_id)
    notify_many(
        kind,
        [
            Batch(
                links.get(r.student_id, []),
                {"activity": activity.title, "child": r.student.get_full_name(), "status": r.status},
                reverse("registrations:registration-detail", args=[r.pk]),
            )
            for r in registrations
        ],
        establishment_id=activity.establishment_id,
    )


def _free(*, scope: Scope, registration: Registration, status: str, action: str) -> Registration:
    moment = timezone.now()
    locked = Activity.objects.select_for_update().get(pk=registration.activity_id)
    current = Registration.objects.select_for_update().get(pk=registration.pk)
    if current.status in (Status.WITHDRAWN, Status.REFUSED):
        raise ApplicationError(_("This registration is no longer active."), extra={"code": "inactive"})
    current.status = status
    current.decided_at = moment
    current.save(update_fields=["status", "decided_at"])
    _promote(locked, moment)
    audit_record(scope=scope, action=action, target=current, activity=locked.pk, student=current.student_id)
    _changed(locked.establishment_id)
    return current


@transaction.atomic
def registration_withdraw(*, scope: Scope, registration: Registration) -> Registration:
    """A guardian (or an organiser) withdraws a child: the place goes to the first on the waiting list."""
    if not (access.is_guardian_of(scope, registration) or access.can_manage_activity(scope, registration.activity)):
        raise ApplicationError(_("You may not withdraw this registration."))
    return _free(scope=scope, registration=registration, status=Status.WITHDRAWN, action="registrations.withdrawn")


@transaction.atomic
def registration_refuse(*, scope: Scope, registration: Registration) -> Registration:
    """An organiser refuses a registration: the guardians are told, a freed place goes to the waiting list."""
    if not access.can_manage_activity(scope, registration.activity):
        raise ApplicationError(_("You may not refuse this registration."))
    refused = _free(scope=scope, registration=registration, status=Status.REFUSED, action="registrations.refused")
    refused.student = registration.student
    _tell_guardians(registration.activity, [refused], "registrations.decided")
    return refused


# -- The draw at the deadline ---------------------------------------------------------------


def draws_due(now: datetime.datetime | None = None) -> list[int]:
    """The activities whose deadline passed and whose draw has not run yet."""
    return list(
        Activity.objects.filter(
            allocation=Activity.Allocation.DRAW, drawn_at__isnull=True, closes_at__lte=now or timezone.now()
        )
        .exclude(kind=Activity.Kind.FORM)
        .values_list("pk", flat=True)
    )


@transaction.atomic
def activity_draw(*, activity_id: int, now: datetime.datetime | None = None, seed: int | None = None) -> int:
    """Draw the places of an activity past its deadline, once; return how many candidates were ranked.

    The seed is recorded with the rank of each candidate, so anyone may replay the draw: the
    candidates ordered by id, shuffled by ``random.Random(seed)``. Running it again does nothing.
    """
    moment = now or timezone.now()
    activity = Activity.objects.select_for_update().get(pk=activity_id)
    if activity.drawn_at is not None or activity.allocation != Activity.Allocation.DRAW or activity.closes_at > moment:
        return 0
    chosen_seed = seed if seed is not None else secrets.randbits(62)
    candidates = list(
        Registration.objects.filter(activity=activity, status=Status.WAITING).select_related("student").order_by("pk")
    )
    random.Random(chosen_seed).shuffle(candidates)
    places = activity.capacity if activity.capacity is not None else len(candidates)
    for rank, registration in enumerate(candidates, start=1):
        registration.draw_rank = rank
        registration.decided_at = moment
        if rank <= places:
            registration.status = Status.REGISTERED
    Registration.objects.bulk_update(candidates, ["draw_rank", "status", "decided_at"])
    activity.drawn_at, activity.draw_seed = moment, chosen_seed
    activity.save(update_fields=["drawn_at", "draw_seed"])
    audit_record(
        scope=ANONYMOUS,
        action="registrations.drawn",
        target=activity,
        activity=activity.pk,
        seed=chosen_seed,
        order=",".join(str(r.pk) for r in candidates),
    )
    _tell_guardians(activity, candidates, "registrations.decided")
    _changed(activity.establishment_id)
    return len(candidates)


# -- Reminders ------------------------------------------------------------------------------


@transaction.atomic
def activity_remind(*, scope: Scope, activity: Activity) -> int:
    """Remind the guardians of eligible children not registered yet; return how many were told."""
    if not access.can_manage_activity(scope, activity):
        raise ApplicationError(_("You may not remind families about this activity."))
    if not is_open(activity):
        raise ApplicationError(_("Registration is not open: there is nobody to remind."), extra={"code": "closed"})
    answered = Registration.objects.filter(activity=activity).values("student_id")
    students = access.eligible_students(activity).exclude(pk__in=answered).values("pk")
    guardians = access.guardian_ids(activity.establishment_id, students)
    told = notify_many(
        "registrations.reminder",
        [
            Batch(
                guardians,
                {"activity": activity.title},
                reverse("registrations:activity-detail", args=[activity.pk]),
            )
        ],
        establishment_id=activity.establishment_id,
        actor_id=scope.user_id,
    )
    audit_record(scope=scope, action="registrations.reminded", target=activity, told=told)
    return told


# -- Documents to provide -------------------------------------------------------------------


@atomic_with_files()
def document_upload(*, scope: Scope, registration: Registration, item_id: int, upload: UploadedFile) -> DocumentUpload:
    """A guardian provides one document of the checklist of their child's registration."""
    if not access.is_guardian_of(scope, registration):
        raise ApplicationError(_("Only the child's guardians provide its documents."), extra={"code": "not_your_child"})
    item = DocumentItem.objects.filter(activity_id=registration.activity_id, pk=item_id).first()
    if item is None:
        raise ApplicationError(_("Choose a document of the list."), extra={"code": "item"})
    try:
        content_type = check_upload(upload)
    except ValidationError as error:
        raise ApplicationError(" ".join(error.messages), extra={"code": "upload"}) from error
    document = DocumentUpload(
        establishment_id=registration.establishment_id,
        registration=registration,
        item=item,
        name=(upload.name or "document")[:150],
        content_type=content_type,
        size_bytes=upload.size or 0,
        uploaded_by_id=scope.user_id,
        uploaded_at=timezone.now(),
    )
    store_upload(document, upload)
    document.save()
    return document


@transaction.atomic
def document_review(*, scope: Scope, upload: DocumentUpload, accepted: bool, reason: str = "") -> DocumentUpload:
    """The office accepts or refuses a document provided (a refusal gives its reason); the family is told."""
    if not access.can_review_documents(scope) or upload.establishment_id != scope.establishment_id:
        raise ApplicationError(_("You may not review documents."))
    if not accepted and not reason.strip():
        raise ApplicationError(_("Say why the document is refused."), extra={"code": "reason"})
    upload.status = DocumentUpload.Status.ACCEPTED if accepted else DocumentUpload.Status.REFUSED
    upload.reason = "" if accepted else reason.strip()[:300]
    upload.reviewed_by_id = scope.user_id
    upload.reviewed_at = timezone.now()
    upload.save(update_fields=["status", "reason", "reviewed_by", "reviewed_at"])
    registration = Registration.objects.select_related("activity", "student").get(pk=upload.registration_id)
    guardians = access.guardian_ids(registration.establishment_id, [registration.student_id])
    notify_many(
        "registrations.document_reviewed",
        [
            Batch(
                guardians,
                {
                    "activity": registration.activity.title,
                    "child": registration.student.get_full_name(),
                    "document": upload.item.name,
                    "status": upload.status,
                    "reason": upload.reason,
                },
                reverse("registrations:registration-detail", args=[registration.pk]),
            )
        ],
        establishment_id=registration.establishment_id,
        actor_id=scope.user_id,
    )
    audit_record(scope=scope, action="registrations.document_reviewed", target=upload, status=upload.status)
    return upload


# -- Retention ------------------------------------------------------------------------------


def registration_retention() -> datetime.timedelta:
    """How long registrations, consents and documents are kept after the activity (``REGISTRATION_RETENTION_DAYS``)."""
    return datetime.timedelta(days=int(getattr(settings, "REGISTRATION_RETENTION_DAYS", 365)))


def registrations_purge(*, now: datetime.datetime | None = None) -> int:
    """Delete the registrations (consents, documents and their files) of activities over for longer than the delay."""
    cutoff = (now or timezone.now()) - registration_retention()
    over = Activity.objects.filter(Q(ends_on__lt=cutoff.date()) | Q(ends_on__isnull=True, closes_at__lt=cutoff)).values(
        "pk"
    )
    old = Registration.objects.filter(activity__in=over)
    for upload in DocumentUpload.objects.filter(registration__in=old.values("pk")).only("pk", "file"):
        upload.file.delete(save=False)
    deleted, _by_model = old.delete()
    return deleted
