"""Who sees and who acts on activities, registrations, consents and documents.

* Everything is within the current establishment: another establishment's activity,
  registration or document answers 404.
* Those holding ``registrations.browse`` (everyone but partners) see the published activities;
  a partner (``registrations.view`` only) sees just the activities they are named organiser of.
* The organisers of an activity are those holding ``registrations.organise`` (the head, the office
  and the after-school staff: the establishment organises) and the people named on it (a teacher,
  a partner running a club). They see its registrations, answers, consents and documents.
* A guardian (``registrations.register``) registers only their own children of the establishment,
  and only when a child is eligible (levels and classes of the current school year); they see
  their children's registrations, consents and documents, and nobody else's.
* The office (``registrations.review_documents``) sees every registration's documents to accept or
  refuse them. Nobody else sees a child's consents or documents: not the child's teachers, not the
  other families.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from romsie.core.access.lookup import first_or_404
from romsie.core.access.scope import Scope
from romsie.identity.models import Guardianship, Role, RoleAssignment, User
from romsie.schooling.access import current_class_ids
from romsie.schooling.models import SchoolClass

from .habilitations import RegistrationsHabilitation as H
from .models import Activity, Consent, DocumentUpload, Registration


def children_ids(scope: Scope) -> list[int]:
    """The guardian's children in the current establishment (none without ``registrations.register``)."""
    if not scope.has(H.REGISTER):
        return []
    return [child.id for child in scope.children]


def visible_activities(scope: Scope) -> QuerySet[Activity]:
    """Activities the person may open (see the rules at the top)."""
    if scope.establishment_id is None or not scope.has(H.VIEW):
        return Activity.objects.none()
    activities = Activity.objects.filter(establishment_id=scope.establishment_id)
    if scope.has(H.ORGANISE):
        return activities
    allowed = Q(organisers=scope.user_id)
    if scope.has(H.BROWSE):
        allowed |= Q(is_published=True)
    return activities.filter(pk__in=activities.filter(allowed).values("pk"))


def get_activity(scope: Scope, pk: int) -> Activity:
    """Return an activity the person may open, or raise 404."""
    return first_or_404(visible_activities(scope).filter(pk=pk))


def managed_activities(scope: Scope) -> QuerySet[Activity]:
    """Activities the person organises: all of them with ``registrations.organise``, else those naming them."""
    if scope.establishment_id is None or not scope.has(H.VIEW):
        return Activity.objects.none()
    activities = Activity.objects.filter(establishment_id=scope.establishment_id)
    if scope.has(H.ORGANISE):
        return activities
    return activities.filter(pk__in=activities.filter(organisers=scope.user_id).values("pk"))


def get_managed_activity(scope: Scope, pk: int) -> Activity:
    """Return an activity the person organises, or raise 404."""
    return first_or_404(managed_activities(scope).filter(pk=pk))


def can_manage_activity(scope: Scope, activity: Activity) -> bool:
    """Whether the person organises the activity."""
    return managed_activities(scope).filter(pk=activity.pk).exists()


def visible_registrations(scope: Scope) -> QuerySet[Registration]:
    """Registrations the person may read: their children's, of the activities they organise, all for the office."""
    if scope.establishment_id is None or not scope.has(H.VIEW):
        return Registration.objects.none()
    registrations = Registration.objects.filter(establishment_id=scope.establishment_id)
    if scope.has(H.REVIEW_DOCUMENTS) or scope.has(H.ORGANISE):
        return registrations
    allowed = Q(activity__in=managed_activities(scope).values("pk"))
    children = children_ids(scope)
    if children:
        allowed |= Q(student_id__in=children)
    return registrations.filter(allowed)


def get_registration(scope: Scope, pk: int) -> Registration:
    """Return a registration the person may read, or raise 404."""
    return first_or_404(
        visible_registrations(scope).select_related("activity", "student", "registered_by").filter(pk=pk)
    )


def is_guardian_of(scope: Scope, registration: Registration) -> bool:
    """Whether the person registers for this registration's child (a guardian here)."""
    return registration.student_id in children_ids(scope)


def can_review_documents(scope: Scope) -> bool:
    """Whether the person accepts or refuses the documents families provide."""
    return scope.has(H.REVIEW_DOCUMENTS)


def visible_uploads(scope: Scope) -> QuerySet[DocumentUpload]:
    """Documents provided the person may download: those of the registrations they may read."""
    return DocumentUpload.objects.filter(registration__in=visible_registrations(scope).values("pk"))


def get_upload(scope: Scope, pk: int) -> DocumentUpload:
    """Return a document provided the person may download, or raise 404."""
    return first_or_404(visible_uploads(scope).select_related("registration", "item").filter(pk=pk))


def get_reviewable_upload(scope: Scope, pk: int) -> DocumentUpload:
    """Return a document the office may accept or refuse, or raise 404."""
    if not can_review_documents(scope):
        return first_or_404(DocumentUpload.objects.none())
    return get_upload(scope, pk)


def eligible_students(activity: Activity) -> QuerySet[User]:
    """Students of the establishment eligible to the activity: of its classes or levels (all without any)."""
    classes = SchoolClass.objects.filter(establishment_id=activity.establishment_id, school_year__is_current=True)
    class_ids = list(activity.school_classes.values_list("pk", flat=True))
    level_ids = list(activity.levels.values_list("pk", flat=True))
    if class_ids or level_ids:
        classes = classes.filter(Q(pk__in=class_ids) | Q(level_id__in=level_ids))
    return User.objects.filter(pk__in=classes.values("enrollments__student_id").exclude(enrollments__student_id=None))


def is_eligible(activity: Activity, student_id: int) -> bool:
    """Whether a student may be registered: in one of the activity's classes or levels this year."""
    classes = SchoolClass.objects.filter(pk__in=current_class_ids(activity.establishment_id, student_id))
    class_ids = list(activity.school_classes.values_list("pk", flat=True))
    level_ids = list(activity.levels.values_list("pk", flat=True))
    if class_ids or level_ids:
        classes = classes.filter(Q(pk__in=class_ids) | Q(level_id__in=level_ids))
    return classes.exists()


def guardian_ids(establishment_id: int, student_ids: list[int] | QuerySet[User, Any]) -> list[int]:
    """The guardians of these students in the establishment (who are told about their registrations)."""
    return list(
        Guardianship.objects.filter(establishment_id=establishment_id, student_id__in=student_ids)
        .values_list("guardian_id", flat=True)
        .distinct()
    )


def choosable_organisers(scope: Scope) -> QuerySet[User]:
    """People one may name organiser of an activity: the establishment's staff, teachers and partners."""
    if scope.establishment_id is None or not scope.has(H.ORGANISE):
        return User.objects.none()
    holders = RoleAssignment.objects.filter(
        establishment_id=scope.establishment_id, role__in=[Role.STAFF, Role.TEACHER, Role.PARTNER]
    ).values("user_id")
    return User.objects.filter(pk__in=holders, is_active=True)


def get_managed_consent(scope: Scope, pk: int) -> Consent:
    """Return a consent of an activity the person organises, or raise 404."""
    return first_or_404(
        Consent.objects.filter(activity__in=managed_activities(scope).values("pk"), pk=pk).select_related("activity")
    )


def get_managed_registration(scope: Scope, pk: int) -> Registration:
    """Return a registration of an activity the person organises, or raise 404."""
    return first_or_404(
        Registration.objects.filter(activity__in=managed_activities(scope).values("pk"), pk=pk).select_related(
            "activity", "student"
        )
    )
