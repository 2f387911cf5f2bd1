"""Reads of activity registration, always starting from the gates of ``access``."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from romsie.core import versions
from romsie.core.access.scope import Scope
from romsie.core.services import audit_record
from romsie.schooling.models import Enrollment

from . import access, services
from .habilitations import RegistrationsHabilitation as H
from .models import Activity, ConsentSignature, DocumentItem, DocumentUpload, Question, Registration

Status = Registration.Status


@dataclass
class ActivityRow:
    activity: Activity
    registered: int
    waiting: int
    is_open: bool
    children: list[Registration] = field(default_factory=list)


def activity_list_stamp(scope: Scope, now: datetime.datetime | None = None) -> tuple[Any, ...]:
    """What the list of activities depends on: the establishment's activities and registrations
    (one version, bumped by every write), the person's rights and children, and the minute (an
    activity opens and closes by the clock)."""
    minute = (now or timezone.now()).replace(second=0, microsecond=0)
    children = tuple(sorted(c.id for c in scope.children))
    registrations = versions.key(versions.Kind.REGISTRATIONS, scope.establishment_id)
    return (scope.has(H.ORGANISE), scope.has(H.BROWSE), children, minute.isoformat(), *versions.stamp(registrations))


def activity_list_for_person(scope: Scope, now: datetime.datetime | None = None) -> list[ActivityRow]:
    """The activities the person may open, with counts and, for a guardian, their children's registrations."""
    moment = now or timezone.now()
    activities = list(
        access.visible_activities(scope)
        .annotate(
            registered_count=Count("registrations", filter=Q(registrations__status=Status.REGISTERED)),
            waiting_count=Count("registrations", filter=Q(registrations__status=Status.WAITING)),
        )
        .order_by("-closes_at", "pk")[:200]
    )
    rows = {
        a.pk: ActivityRow(a, a.registered_count, a.waiting_count, services.is_open(a, moment))  # type: ignore[attr-defined]
        for a in activities
    }
    children = access.children_ids(scope)
    if children:
        for registration in (
            Registration.objects.filter(activity__in=list(rows), student_id__in=children)
            .exclude(status=Status.WITHDRAWN)
            .select_related("student")
        ):
            rows[registration.activity_id].children.append(registration)
    return list(rows.values())


@dataclass
class ActivityPage:
    activity: Activity
    questions: list[Question]
    items: list[DocumentItem]
    consents: list[Any]
    registrations: list[Registration]
    registrable: list[tuple[int, str]]
    is_open: bool
    is_manager: bool
    registered: int


def activity_page(scope: Scope, activity: Activity) -> ActivityPage:
    """What a person sees of an activity: its details, and for a guardian their children's registrations."""
    children = access.children_ids(scope)
    mine = list(
        Registration.objects.filter(activity=activity, student_id__in=children)
        .exclude(status=Status.WITHDRAWN)
        .select_related("student")
    )
    taken = {r.student_id for r in mine}
    registrable = [
        (child.id, child.name)
        for child in scope.children
        if child.id in children and child.id not in taken and access.is_eligible(activity, child.id)
    ]
    return ActivityPage(
        activity=activity,
        questions=list(activity.questions.all()),
        items=list(activity.document_items.all()),
        consents=services.current_consent_versions(activity),
        registrations=mine,
        registrable=registrable,
        is_open=services.is_open(activity),
        is_manager=access.can_manage_activity(scope, activity),
        registered=activity.registrations.filter(status=Status.REGISTERED).count(),
    )


def _class_name() -> Subquery:
    return Subquery(
        Enrollment.objects.filter(
            student_id=OuterRef("student_id"),
            establishment_id=OuterRef("establishment_id"),
            school_class__school_year__is_current=True,
        )
        .order_by("school_class__name")
        .values("school_class__name")[:1]
    )


def registration_list(activity: Activity, *, status: str = "") -> QuerySet[Registration]:
    """The registrations of an activity, by class then name, with consents and documents: a fixed number of queries."""
    registrations = Registration.objects.filter(activity=activity).exclude(status=Status.WITHDRAWN)
    if status in Status.values:
        registrations = registrations.filter(status=status)
    return (
        registrations.annotate(class_name=_class_name())
        .select_related("student")
        .prefetch_related(
            Prefetch(
                "signatures",
                queryset=ConsentSignature.objects.select_related("consent_version").order_by(
                    "consent_version__consent_id"
                ),
            ),
            Prefetch("uploads", queryset=DocumentUpload.objects.order_by("item_id", "-uploaded_at", "-pk")),
        )
        .order_by("class_name", "student__last_name", "student__first_name", "pk")
    )


@dataclass
class ListPage:
    activity: Activity
    registrations: list[Registration]
    counts: dict[str, int]
    consents: list[Any]
    items: list[DocumentItem]
    questions: list[Question]
    rows: list[dict[str, Any]]


def document_status(registration: Registration, items: list[DocumentItem]) -> list[tuple[DocumentItem, Any]]:
    """Each document to provide with its latest upload (None when not provided yet); uploads prefetched."""
    latest: dict[int, DocumentUpload] = {}
    for upload in registration.uploads.all():
        latest.setdefault(upload.item_id, upload)
    return [(item, latest.get(item.pk)) for item in items]


def consent_status(registration: Registration, consents: list[Any]) -> list[tuple[Any, ConsentSignature | None]]:
    """Each consent of the activity with this registration's signature (of any version); signatures prefetched."""
    signed: dict[int, ConsentSignature] = {}
    for signature in registration.signatures.all():
        signed[signature.consent_version.consent_id] = signature
    return [(version, signed.get(version.consent_id)) for version in consents]


def list_page(scope: Scope, activity: Activity, *, status: str = "") -> ListPage:
    """The organiser's registration list of an activity (registered, waiting, refused; by class)."""
    registrations = list(registration_list(activity, status=status))
    counts = dict(
        activity.registrations.values_list("status").annotate(n=Count("pk")).order_by().values_list("status", "n")
    )
    consents = services.current_consent_versions(activity)
    items = list(activity.document_items.all())
    questions = list(activity.questions.all())
    rows = [
        {
            "registration": r,
            "consents": consent_status(r, consents),
            "documents": document_status(r, items),
            "answers": [r.answers.get(str(q.pk), "") for q in questions],
        }
        for r in registrations
    ]
    audit_record(scope=scope, action="registrations.list_read", target=activity, activity=activity.pk)
    return ListPage(activity, registrations, counts, consents, items, questions, rows)


def export_rows(scope: Scope, activity: Activity) -> tuple[list[str], list[list[Any]]]:
    """The header and rows of the export of an activity's registrations."""
    from django.utils.translation import gettext as _

    page = list_page(scope, activity)
    header = [_("Class"), _("Last name"), _("First name"), _("Status"), _("Registered at")]
    header += [q.label for q in page.questions]
    header += [v.consent.name for v in page.consents]
    header += [i.name for i in page.items]
    body: list[list[Any]] = []
    for row in page.rows:
        r = row["registration"]
        line: list[Any] = [
            r.class_name or "",
            r.student.last_name,
            r.student.first_name,
            r.get_status_display(),
            timezone.localtime(r.created_at).strftime("%Y-%m-%d %H:%M"),
        ]
        line += row["answers"]
        line += ["" if sig is None else (_("given") if sig.is_given else _("refused")) for _v, sig in row["consents"]]
        line += ["" if up is None else up.get_status_display() for _i, up in row["documents"]]
        body.append(line)
    return header, body


@dataclass
class RegistrationPage:
    registration: Registration
    questions: list[tuple[Question, str]]
    consents: list[tuple[Any, ConsentSignature | None]]
    documents: list[tuple[DocumentItem, Any]]
    is_guardian: bool
    is_manager: bool
    may_review: bool


def registration_page(scope: Scope, registration: Registration) -> RegistrationPage:
    """A child's registration: answers, consents signed, documents with their status (a sensitive read, audited)."""
    activity = registration.activity
    full = registration_list(activity).filter(pk=registration.pk).first() or registration
    questions = [(q, registration.answers.get(str(q.pk), "")) for q in activity.questions.all()]
    consents = services.current_consent_versions(activity)
    is_guardian = access.is_guardian_of(scope, registration)
    if not is_guardian:
        audit_record(scope=scope, action="registrations.registration_read", target=registration)
    return RegistrationPage(
        registration=full,
        questions=questions,
        consents=consent_status(full, consents),
        documents=document_status(full, list(activity.document_items.all())),
        is_guardian=is_guardian,
        is_manager=access.can_manage_activity(scope, activity),
        may_review=access.can_review_documents(scope),
    )


def pending_uploads(scope: Scope) -> QuerySet[DocumentUpload]:
    """Documents waiting for the office's decision, oldest first."""
    if not access.can_review_documents(scope):
        return DocumentUpload.objects.none()
    return (
        access.visible_uploads(scope)
        .filter(status=DocumentUpload.Status.PENDING)
        .select_related("registration__student", "registration__activity", "item")
        .order_by("uploaded_at", "pk")
    )
