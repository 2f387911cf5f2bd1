"""Demo content of activity registration, for the showcase establishments.

In a collège (or lycée): a chess club whose places are all taken, with a waiting list, run by a
named partner when the establishment has one; and a museum trip with places drawn at the deadline.
In a primary school: the evening after-school care with its consents (image rights, leaving alone,
medical treatment) and an insurance certificate to provide, some families registered, one
certificate waiting for the office. A handful of rows per establishment, written in bulk:
bounded whatever the size of the territory. Deterministic for a given seed.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterable

from django.core.files.base import ContentFile
from django.utils import timezone

from romsie.establishments.models import Establishment
from romsie.identity.models import Guardianship, Role, RoleAssignment

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

PRIMARY = {Establishment.Kind.NURSERY, Establishment.Kind.ELEMENTARY, Establishment.Kind.PRIMARY}
CONSENTS = [
    ("Droit à l'image", "J'autorise la prise et la diffusion de photos de mon enfant dans le cadre de l'activité."),
    ("Sortie seul", "J'autorise mon enfant à quitter seul l'accueil périscolaire à la fin de l'activité."),
    (
        "Soins médicaux",
        "J'autorise les animateurs à faire donner les soins d'urgence nécessaires à mon enfant.",
    ),
]
PDF = b"%PDF-1.4\n% demo\n"
FAMILIES = 8  # families registered per establishment at most


def populate(establishment_ids: Iterable[int], *, seed: int = 2026) -> int:
    """Write the demo activities of the establishments; return the number of rows created."""
    rng = random.Random(seed)
    now = timezone.now()
    rows = 0
    for establishment in Establishment.objects.filter(pk__in=list(establishment_ids)).order_by("pk"):
        links = list(
            Guardianship.objects.filter(establishment=establishment)
            .order_by("student__last_name", "student_id", "guardian_id")
            .values_list("student_id", "guardian_id")[: FAMILIES * 2]
        )
        families: dict[int, int] = {}
        for student_id, guardian_id in links:
            families.setdefault(student_id, guardian_id)
        pairs = list(families.items())[:FAMILIES]
        if establishment.kind in PRIMARY:
            rows += _after_school(establishment, pairs, now, rng)
        else:
            rows += _club_and_trip(establishment, pairs, now)
    return rows


def _activity(establishment: Establishment, now: datetime.datetime, **fields: object) -> Activity:
    return Activity(
        establishment=establishment,
        opens_at=now - datetime.timedelta(days=3),
        closes_at=now + datetime.timedelta(days=14),
        **fields,  # type: ignore[arg-type]
    )


def _club_and_trip(establishment: Establishment, pairs: list[tuple[int, int]], now: datetime.datetime) -> int:
    club = _activity(
        establishment,
        now,
        kind=Activity.Kind.CLUB,
        title="Club d'échecs",
        description="<p>Le mardi de 12 h 30 à 13 h 30, au CDI. Débutants bienvenus.</p>",
        place="CDI",
        capacity=max(1, len(pairs) - 3),
        price_info="Gratuit",
    )
    trip = _activity(
        establishment,
        now,
        kind=Activity.Kind.TRIP,
        title="Sortie au musée des Beaux-Arts",
        description="<p>Visite guidée des collections, départ en car à 9 h.</p>",
        place="Musée des Beaux-Arts",
        starts_on=(now + datetime.timedelta(days=30)).date(),
        ends_on=(now + datetime.timedelta(days=30)).date(),
        capacity=24,
        price_info="12 € (aide possible du foyer socio-éducatif)",
        allocation=Activity.Allocation.DRAW,
    )
    Activity.objects.bulk_create([club, trip])
    partner = (
        RoleAssignment.objects.filter(establishment=establishment, role=Role.PARTNER)
        .values_list("user_id", flat=True)
        .first()
    )
    if partner is not None:
        club.organisers.add(partner)
    consent = Consent.objects.create(establishment=establishment, activity=trip, name="Droit à l'image")
    ConsentVersion.objects.create(establishment=establishment, consent=consent, number=1, text=CONSENTS[0][1])
    Question.objects.create(
        establishment=establishment, activity=club, label="Votre enfant sait-il déjà jouer ?", kind=Question.Kind.YES_NO
    )
    registrations = [
        Registration(
            establishment=establishment,
            activity=club,
            student_id=student_id,
            registered_by_id=guardian_id,
            status=Registration.Status.REGISTERED if index < (club.capacity or 0) else Registration.Status.WAITING,
            answers={},
            created_at=now - datetime.timedelta(hours=len(pairs) - index),
        )
        for index, (student_id, guardian_id) in enumerate(pairs)
    ]
    Registration.objects.bulk_create(registrations)
    return 4 + len(registrations)


def _after_school(
    establishment: Establishment, pairs: list[tuple[int, int]], now: datetime.datetime, rng: random.Random
) -> int:
    care = _activity(
        establishment,
        now,
        kind=Activity.Kind.AFTER_SCHOOL,
        title="Accueil périscolaire du soir",
        description="<p>De 16 h 30 à 18 h 30, goûter fourni. Inscription pour l'année.</p>",
        place="Salle polyvalente",
        capacity=None,
        price_info="Selon le quotient familial, de 1 € à 3,50 € le soir",
    )
    care.save()
    consents = Consent.objects.bulk_create(
        Consent(establishment=establishment, activity=care, name=name, position=i)
        for i, (name, _text) in enumerate(CONSENTS)
    )
    versions = ConsentVersion.objects.bulk_create(
        ConsentVersion(establishment=establishment, consent=c, number=1, text=text)
        for c, (_name, text) in zip(consents, CONSENTS, strict=True)
    )
    item = DocumentItem.objects.create(establishment=establishment, activity=care, name="Attestation d'assurance")
    registered = pairs[: max(0, len(pairs) - 2)]  # a few families have not answered yet: to remind
    registrations = Registration.objects.bulk_create(
        Registration(
            establishment=establishment,
            activity=care,
            student_id=student_id,
            registered_by_id=guardian_id,
            status=Registration.Status.REGISTERED,
            answers={},
            created_at=now - datetime.timedelta(days=1, minutes=index),
        )
        for index, (student_id, guardian_id) in enumerate(registered)
    )
    names = dict(
        Guardianship.objects.filter(
            establishment=establishment, guardian_id__in=[g for _s, g in registered]
        ).values_list("guardian_id", "guardian__last_name")
    )
    signatures = ConsentSignature.objects.bulk_create(
        ConsentSignature(
            establishment=establishment,
            registration=r,
            consent_version=v,
            is_given=rng.random() < 0.85,
            signed_by_id=r.registered_by_id,
            signed_by_name=names.get(r.registered_by_id or 0, ""),
            signed_at=r.created_at,
        )
        for r in registrations
        for v in versions
    )
    uploads = 0
    if registrations:
        first = registrations[0]
        DocumentUpload.objects.create(
            establishment=establishment,
            registration=first,
            item=item,
            file=ContentFile(PDF, name="assurance.pdf"),
            name="attestation-assurance.pdf",
            content_type="application/pdf",
            size_bytes=len(PDF),
            uploaded_by_id=first.registered_by_id,
            uploaded_at=now - datetime.timedelta(hours=20),
        )
        uploads = 1
    return 1 + len(consents) * 2 + 1 + len(registrations) + len(signatures) + uploads
