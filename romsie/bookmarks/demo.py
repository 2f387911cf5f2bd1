"""Demo content of the bookmarks, for the showcase establishments.

* Each establishment pushes two links: the CDI's catalogue (everyone) and a digital textbook site
  (students and teachers).
* Each territory of these establishments offers its family-service links (canteen payment, school
  transport, scholarships for collège families), written once.
* The head, the first teacher, the first parent and the first student of each establishment, and
  the featured demo accounts, get two personal bookmarks.

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


def _holders(establishment_id: int, featured: set[int]) -> dict[int, str]:
    """The first head, teacher, parent and student of an establishment, and the featured accounts
    there, with their role (one query)."""
    chosen: dict[int, str] = {}
    roles_done: set[str] = set()
    rows = (
        RoleAssignment.objects.filter(establishment_id=establishment_id, is_active=True)
        .filter(role__in=list(PERSONAL))
        .order_by("role", "user_id")
        .values_list("role", "function", "user_id")
    )
    for role, function, user_id in rows:
        if user_id in featured:
            chosen.setdefault(user_id, role)
        if role in roles_done or (role == Role.STAFF and function != StaffFunction.HEAD):
            continue
        roles_done.add(role)
        chosen.setdefault(user_id, role)
    return chosen


def populate(establishment_ids: Iterable[int], *, featured_user_ids: Iterable[int] = ()) -> int:
    """Write the demo bookmarks of these establishments; return the number of rows written.

    ``featured_user_ids`` (the accounts the demo's documentation names) get personal bookmarks too.
    """
    featured = set(featured_user_ids)
    owned = set(Bookmark.objects.filter(owner_id__in=featured).values_list("owner_id", flat=True))
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
        for user_id, role in _holders(establishment.pk, featured - owned).items():
            owned.add(user_id)
            personal += [
                Bookmark(owner_id=user_id, title=title, url=url, position=n)
                for n, (title, url) in enumerate(PERSONAL[role], 1)
            ]
    rows += len(PushedBookmark.objects.bulk_create(pushed))
    rows += len(Bookmark.objects.bulk_create(personal))
    return rows
