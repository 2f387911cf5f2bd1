"""Demo content of the messaging: a few realistic threads, a list and a folder per establishment.

Call :func:`populate` after the demo people and classes exist. Messages go through the
services, so they follow the same rules as real ones (who may write to whom, groups resolved
at send time) and notify their recipients.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from romsie.core.access.catalogue import effective_habilitations
from romsie.core.access.profiles import Profile
from romsie.core.access.scope import ChildRef, EstablishmentRef, Scope
from romsie.establishments.models import Establishment, Territory
from romsie.identity.models import Guardianship, Role, RoleAssignment, User
from romsie.schooling.models import Enrollment, Teaching

from . import services, tasks
from .models import Folder, ListMembership, MailingList, Message


def scope_for(user: User, establishment: Establishment) -> Scope:
    """Compute the scope a person would have in an establishment (no request needed)."""
    profiles = frozenset(
        a.profile for a in RoleAssignment.objects.filter(user=user, establishment=establishment, is_active=True)
    )
    children: tuple[ChildRef, ...] = ()
    if Profile.PARENT in profiles:
        links = Guardianship.objects.filter(guardian=user, establishment=establishment).select_related("student")
        children = tuple(ChildRef(link.student_id, link.student.get_full_name()) for link in links)
    ref = EstablishmentRef(
        establishment.pk, establishment.name, establishment.uai, establishment.kind, establishment.territory_id
    )
    return Scope(
        user_id=user.pk,
        establishment=ref,
        profiles=profiles,
        habilitations=effective_habilitations(
            profiles,
            establishment.habilitation_overrides or {},
            establishment.territory.habilitation_ceiling or None,
        ),
        services=frozenset(establishment.enabled_services or ()),
        establishments=(ref,),
        children=children,
        child=children[0] if children else None,
    )


def _send(sender: User, establishment: Establishment, tokens: list[str], subject: str, body: str, **kw: int) -> Message:
    message = services.message_save(
        scope=scope_for(sender, establishment),
        subject=subject,
        body=body,
        tokens=tokens,
        send=True,
        notify_later=False,
        **kw,  # type: ignore[arg-type]
    )
    tasks.message_notify.func(message.pk)
    return message


def _staff(establishment: Establishment, function: str) -> User | None:
    found = RoleAssignment.objects.filter(
        establishment=establishment, role=Role.STAFF, function=function, is_active=True
    ).select_related("user")
    return found[0].user if found else None


@transaction.atomic
def populate_establishment(establishment: Establishment) -> int:
    """Write the demo messages of one establishment; return how many messages were sent."""
    if "messaging" not in (establishment.enabled_services or []):
        return 0
    teaching = (
        Teaching.objects.filter(establishment=establishment, school_class__isnull=False)
        .select_related("teacher", "school_class")
        .order_by("pk")
        .first()
    )
    head = _staff(establishment, "head")
    if teaching is None or teaching.school_class is None or head is None:
        return 0
    teacher, school_class = teaching.teacher, teaching.school_class
    enrollment = Enrollment.objects.filter(school_class=school_class).select_related("student").order_by("pk").first()
    link = (
        Guardianship.objects.filter(establishment=establishment, student=enrollment.student)
        .select_related("guardian")
        .first()
        if enrollment
        else None
    )
    sent = 0
    outing = _send(
        teacher,
        establishment,
        [f"class-guardians:{school_class.pk}"],
        f"Sortie au musée — {school_class.name}",
        "Bonjour,\n\nLa classe visitera le musée des Beaux-Arts jeudi prochain. Départ à 8 h 30 devant "
        "l'établissement, retour vers 16 h. Merci de prévoir un pique-nique.\n\nBien cordialement.",
    )
    sent += 1
    if link is not None:
        _send(
            link.guardian,
            establishment,
            [f"user:{teacher.pk}"],
            f"Re: {outing.subject}",
            "Bonjour,\n\nMerci pour l'information, notre enfant sera présent. Faut-il une autorisation signée ?",
            parent_id=outing.pk,
        )
        sent += 1
    staff_tokens = ["staff:all"]
    _send(
        head,
        establishment,
        staff_tokens,
        "Conseil pédagogique de mardi",
        "<p>Bonjour à toutes et à tous,</p><p>Le conseil pédagogique se tiendra <strong>mardi à 17 h</strong> "
        "en salle polyvalente. Ordre du jour :</p><ul><li>projets de l'année</li><li>sorties</li></ul>",
    )
    sent += 1
    if enrollment is not None:
        _send(
            enrollment.student,
            establishment,
            [f"user:{teacher.pk}"],
            "Question sur le devoir",
            "Bonjour, je n'ai pas compris l'exercice 3 pour demain. Pouvez-vous m'expliquer ?",
        )
        sent += 1
    club, _created = MailingList.objects.get_or_create(
        establishment=establishment,
        name="Club théâtre",
        defaults={"description": "Répétitions et informations du club", "is_open": True, "created_by": head},
    )
    for member in (head, teacher):
        ListMembership.objects.get_or_create(establishment=establishment, mailing_list=club, user=member)
    _send(head, establishment, [f"list:{club.pk}"], "Répétition mercredi", "Répétition mercredi à 13 h 30 au CDI.")
    sent += 1
    Folder.objects.get_or_create(establishment=establishment, owner=teacher, name="Sorties")
    return sent


def populate(establishment_ids: Iterable[int] | None = None, territory: Territory | None = None) -> int:
    """Write demo messages in the given establishments (or all of a territory); return the count."""
    establishments = Establishment.objects.select_related("territory").order_by("pk")
    if establishment_ids is not None:
        establishments = establishments.filter(pk__in=list(establishment_ids))
    if territory is not None:
        establishments = establishments.filter(territory=territory)
    return sum(populate_establishment(establishment) for establishment in establishments)
