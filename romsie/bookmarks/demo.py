"""Demo content of the bookmarks, for the showcase establishments.

* Each establishment pushes two links: the CDI's catalogue (everyone) and a digital textbook site
  (students and teachers).
* Each territory of these establishments offers its family-service links (canteen payment, school
  transport, scholarships for collège families), written once.
* The head, the first teacher, the first parent and the first student of each establishment get
  two personal bookmarks.

Bulk writes, a fixed number of queries per establishment; running it twice adds nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

from romsie.establishments.models import Establishment
from romsie.identity.models import Role, RoleAssignment, StaffFunction

from .models import Bookmark, FamilyLink, PushedBookmark

SERVICE = "bookmarks"

FAMILY_LINKS = [
    (
        "Paiement de la cantine",
        "https://www.example.org/portail-famille/cantine",
        "Payer les repas, inscrire aux jours de cantine",
        FamilyLink.Category.CANTEEN,
        FamilyLink.Reach.ALL,
    ),
    (
        "Transport scolaire",
        "https://www.example.org/transport-scolaire",
        "Demander la carte de transport, horaires des cars",
        FamilyLink.Category.TRANSPORT,
        FamilyLink.Reach.ALL,
    ),
    (
        "Bourses de collège",
        "https://www.example.org/bourses-college",
        "Dossier de demande de bourse, calendrier",
        FamilyLink.Category.SCHOLARSHIPS,
        FamilyLink.Reach.LOWER_SECONDARY,
    ),
]
PERSONAL: dict[str, list[tuple[str, str]]] = {
    Role.STAFF: [("Éduscol", "https://eduscol.education.fr/"), ("BOEN", "https://www.education.gouv.fr/bo")],
    Role.TEACHER: [("Lumni", "https://www.lumni.fr/"), ("Éduscol", "https://eduscol.education.fr/")],
    Role.PARENT: [("Service-public.fr", "https://www.service-public.fr/"), ("Météo", "https://meteofrance.com/")],
    Role.STUDENT: [("Dictionnaire", "https://www.le-dictionnaire.com/"), ("Vikidia", "https://fr.vikidia.org/")],
}


def _first_holders(establishment_id: int) -> dict[str, int]:
    """The first head, teacher, parent and student of an establishment (one query)."""
    first: dict[str, int] = {}
    rows = (
        RoleAssignment.objects.filter(establishment_id=establishment_id, is_active=True)
        .filter(role__in=list(PERSONAL))
        .order_by("role", "user_id")
        .values_list("role", "function", "user_id")
    )
    for role, function, user_id in rows:
        if role == Role.STAFF and function != StaffFunction.HEAD:
            continue
        first.setdefault(role, user_id)
    return first


def populate(establishment_ids: Iterable[int]) -> int:
    """Write the demo bookmarks of these establishments; return the number of rows written."""
    establishments = list(
        Establishment.objects.filter(pk__in=list(establishment_ids))
        .order_by("pk")
        .only("pk", "territory_id", "enabled_services")
    )
    establishments = [e for e in establishments if SERVICE in (e.enabled_services or [])]
    rows = 0
    territories = {e.territory_id for e in establishments}
    done = set(FamilyLink.objects.filter(territory_id__in=territories).values_list("territory_id", flat=True))
    links = [
        FamilyLink(territory_id=territory_id, title=t, url=u, description=d, category=c, reach=r, position=n)
        for territory_id in sorted(territories - done)
        for n, (t, u, d, c, r) in enumerate(FAMILY_LINKS)
    ]
    rows += len(FamilyLink.objects.bulk_create(links))
    pushed_already = set(
        PushedBookmark.objects.filter(establishment__in=establishments).values_list("establishment_id", flat=True)
    )
    pushed: list[PushedBookmark] = []
    personal: list[Bookmark] = []
    for establishment in establishments:
        if establishment.pk in pushed_already:
            continue
        everyone = {"for_students": True, "for_parents": True, "for_teachers": True, "for_staff": True}
        pushed.append(
            PushedBookmark(
                establishment=establishment,
                title="Catalogue du CDI",
                url="https://cdi.example.org/catalogue",
                description="Rechercher un livre, réserver",
                **everyone,
            )
        )
        pushed.append(
            PushedBookmark(
                establishment=establishment,
                title="Manuels numériques",
                url="https://manuels.example.org/",
                description="Vos manuels en ligne",
                position=1,
                for_students=True,
                for_teachers=True,
            )
        )
        for role, user_id in _first_holders(establishment.pk).items():
            personal += [
                Bookmark(owner_id=user_id, title=title, url=url, position=n)
                for n, (title, url) in enumerate(PERSONAL[role], 1)
            ]
    rows += len(PushedBookmark.objects.bulk_create(pushed))
    rows += len(Bookmark.objects.bulk_create(personal))
    return rows
