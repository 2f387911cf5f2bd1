"""Registration objects for tests: an open activity with a question, a document and a consent."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from romsie.core.testing.world import EstablishmentWorld
from romsie.identity.models import User
from romsie.registrations.models import (
    Activity,
    Consent,
    ConsentSignature,
    ConsentVersion,
    DocumentItem,
    DocumentUpload,
    Question,
    Registration,
)

SERVICES = ["directory", "registrations"]
PDF = b"%PDF-1.4 test file\n"


def enable(*worlds: EstablishmentWorld) -> None:
    """Switch the registrations service on in these establishments."""
    for ew in worlds:
        ew.establishment.enabled_services = SERVICES
        ew.establishment.save(update_fields=["enabled_services"])


def activity_in(
    ew: EstablishmentWorld,
    *,
    title: str = "Chess club",
    capacity: int | None = 10,
    allocation: str = Activity.Allocation.FIRST_COME,
    kind: str = Activity.Kind.CLUB,
    opens_at: datetime.datetime | None = None,
    closes_at: datetime.datetime | None = None,
    organisers: list[User] | None = None,
    is_published: bool = True,
) -> Activity:
    """An activity of the establishment, open now for a week unless told otherwise."""
    now = timezone.now()
    activity = Activity.objects.create(
        establishment=ew.establishment,
        kind=kind,
        title=title,
        description="<p>Every Tuesday.</p>",
        opens_at=opens_at or now - datetime.timedelta(days=1),
        closes_at=closes_at or now + datetime.timedelta(days=7),
        capacity=capacity,
        allocation=allocation,
        is_published=is_published,
    )
    if organisers:
        activity.organisers.set(organisers)
    return activity


def consent_in(activity: Activity, name: str = "Image rights", text: str = "I allow photos.") -> ConsentVersion:
    consent = Consent.objects.create(establishment_id=activity.establishment_id, activity=activity, name=name)
    return ConsentVersion.objects.create(
        establishment_id=activity.establishment_id, consent=consent, number=1, text=text
    )


def registration_of(
    activity: Activity, student: User, guardian: User, *, status: str = Registration.Status.REGISTERED
) -> Registration:
    return Registration.objects.create(
        establishment_id=activity.establishment_id,
        activity=activity,
        student=student,
        registered_by=guardian,
        status=status,
        created_at=timezone.now(),
    )


def objects(ew: EstablishmentWorld) -> dict[str, Any]:
    """One of everything in the establishment (built once per world), for the permission matrix."""
    cached: dict[str, Any] | None = ew.__dict__.get("registrations_objects")
    if cached is not None:
        return cached
    enable(ew)
    activity = activity_in(ew, organisers=[ew.partner])
    Question.objects.create(establishment=ew.establishment, activity=activity, label="Allergies?", is_required=False)
    item = DocumentItem.objects.create(establishment=ew.establishment, activity=activity, name="Insurance")
    version = consent_in(activity)
    registration = registration_of(activity, ew.student, ew.parent)
    ConsentSignature.objects.create(
        establishment=ew.establishment,
        registration=registration,
        consent_version=version,
        is_given=True,
        signed_by=ew.parent,
        signed_by_name="Parent",
        signed_at=timezone.now(),
    )
    upload = DocumentUpload.objects.create(
        establishment=ew.establishment,
        registration=registration,
        item=item,
        file=ContentFile(PDF, name="insurance.pdf"),
        name="insurance.pdf",
        content_type="application/pdf",
        size_bytes=len(PDF),
        uploaded_by=ew.parent,
        uploaded_at=timezone.now(),
    )
    built = {
        "activity": activity,
        "item": item,
        "consent": version.consent,
        "registration": registration,
        "upload": upload,
    }
    ew.__dict__["registrations_objects"] = built
    return built
