"""Demo content of the news service: a few news items, a must-read notice and a sticky note.

``populate(establishment)`` writes realistic French content for a collège or a primary school
from the people and classes already there (the demo generator calls it after building the
establishment). Nothing is notified: the items are marked as notified already. Running it
twice adds nothing.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from romsie.core.richtext import clean_rich_text
from romsie.establishments.models import Establishment
from romsie.identity.models import Role, RoleAssignment, StaffFunction
from romsie.schooling.models import Teaching

from .models import NewsClass, NewsItem, StickyNote

PRIMARY_KINDS = {"nursery", "elementary", "primary"}

COLLEGE_NEWS = [
    (
        "Réunion parents-professeurs des 6e",
        "La réunion de rentrée des classes de 6e aura lieu <strong>jeudi à 18 h</strong> en salle polyvalente.\n\n"
        "Les professeurs principaux présenteront l'année et répondront à vos questions.",
        {"for_parents": True, "for_teachers": True},
        3,
    ),
    (
        "Portes ouvertes du collège",
        "Le collège ouvre ses portes <em>samedi de 9 h à 12 h</em> : visite des laboratoires, du CDI et de la "
        "salle informatique, présentation des options.",
        {"for_students": True, "for_parents": True, "for_teachers": True, "for_staff": True},
        1,
    ),
    (
        "Semaine du goût au restaurant scolaire",
        "Du lundi au vendredi, le restaurant scolaire propose un menu des régions. Au programme :\n\n"
        "<ul><li>lundi : Bretagne</li><li>mardi : Alsace</li><li>jeudi : Provence</li></ul>",
        {"for_students": True, "for_parents": True},
        2,
    ),
]
PRIMARY_NEWS = [
    (
        "Fête de l'école",
        "La fête de l'école aura lieu <strong>samedi 27 juin</strong> dans la cour : spectacle des classes à 10 h, "
        "kermesse et pique-nique partagé.",
        {"for_parents": True, "for_teachers": True, "for_staff": True},
        2,
    ),
    (
        "Photo de classe",
        "Le photographe passera mardi matin. Les bons de commande seront remis dans les cartables.",
        {"for_parents": True, "for_teachers": True},
        1,
    ),
]
NOTICE = {
    False: (
        "Sortie au musée : autorisation à confirmer",
        "La classe se rendra au musée des Beaux-Arts vendredi. Départ en car à 8 h 30, retour vers 16 h.\n\n"
        "Merci de prévoir un pique-nique et de <strong>confirmer avoir lu ce message</strong>.",
    ),
    True: (
        "Exercice de mise en sûreté : à lire",
        "Un exercice de mise en sûreté (PPMS) aura lieu cette semaine. Les enfants seront prévenus par leur "
        "enseignant ; merci d'en parler avec eux et de <strong>confirmer avoir lu ce message</strong>.",
    ),
}
NOTE = {
    False: "N'oubliez pas vos affaires de sport pour jeudi.",
    True: "Merci d'apporter une boîte de mouchoirs pour la classe.",
}


@transaction.atomic
def populate(establishment: Establishment, *, now: datetime.datetime | None = None) -> int:
    """Write the demo news, notice and note of one establishment; return how many rows were added."""
    if NewsItem.objects.filter(establishment=establishment).exists():
        return 0
    now = now or timezone.now()
    head = (
        RoleAssignment.objects.filter(
            establishment=establishment, role=Role.STAFF, function=StaffFunction.HEAD, is_active=True
        )
        .select_related("user")
        .first()
    )
    teaching = (
        Teaching.objects.filter(
            establishment=establishment, school_class__isnull=False, school_class__school_year__is_current=True
        )
        .select_related("teacher", "school_class")
        .order_by("school_class__level__order", "school_class__name", "pk")
        .first()
    )
    author = head.user if head else (teaching.teacher if teaching else None)
    if author is None:
        return 0
    is_primary = establishment.kind in PRIMARY_KINDS
    added = 0
    for title, body, audience, days_ago in PRIMARY_NEWS if is_primary else COLLEGE_NEWS:
        NewsItem.objects.create(
            establishment=establishment,
            author=author,
            title=title,
            body=clean_rich_text(body),
            published_at=now - datetime.timedelta(days=days_ago),
            notified_at=now,
            **audience,
        )
        added += 1
    if teaching is not None:
        title, body = NOTICE[is_primary]
        notice = NewsItem.objects.create(
            establishment=establishment,
            author=author,
            title=title,
            body=clean_rich_text(body),
            requires_confirmation=True,
            published_at=now - datetime.timedelta(hours=5),
            expires_at=now + datetime.timedelta(days=14),
            is_class_news=True,
            for_parents=True,
            notified_at=now,
        )
        NewsClass.objects.create(establishment=establishment, item=notice, school_class=teaching.school_class)
        StickyNote.objects.create(
            establishment=establishment,
            author=teaching.teacher,
            text=NOTE[is_primary],
            school_class=teaching.school_class,
            expires_at=now + datetime.timedelta(days=7),
        )
        added += 3
    return added
