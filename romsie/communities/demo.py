"""Demo content of the communities: an "Atelier théâtre" in every collège of the showcase.

In each collège where the service is on (bounded, in bulk): the community "Atelier théâtre",
owned by the homeroom teacher of its first class (or a teacher of it), with six students of that
class as members and the establishment's first partner (the theatre company) invited — they
join from their communities page; wall posts with comments and likes; three wiki pages, one
with two revisions and links between pages; two files in its shared folder (documents' group
space) where documents is on. The agenda's demo adds the community's rehearsal.
Deterministic: the same rows for the same establishments.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.utils import timezone

from romsie.core.richtext import clean_rich_text
from romsie.documents import demo as documents_demo
from romsie.documents.spaces import group_space_for
from romsie.establishments.models import Establishment
from romsie.identity.models import Role, RoleAssignment
from romsie.schooling.models import Enrollment, SchoolClass, Teaching

from .models import Comment, Community, Membership, Reaction, WallPost, WikiPage, WikiRevision
from .selectors import wiki_slug
from .services import FOLDER_KIND

SERVICE = "communities"
NAME = "Atelier théâtre"
STUDENTS = 6

POSTS = [
    "<p>Bienvenue dans l'atelier théâtre ! Première séance jeudi à 13 h en salle polyvalente.</p>",
    "<p>Pensez à apprendre <strong>la scène 2</strong> pour la prochaine répétition.</p>",
    "<p>La compagnie nous prête des costumes : la liste est dans le wiki, page [[Costumes]].</p>",
]
COMMENTS = ["Super, j'ai hâte !", "Je serai là.", "Merci pour les costumes !"]
PAGES = [
    ("Accueil", ["<p>L'atelier prépare une pièce pour juin. Voir [[Distribution]] et [[Costumes]].</p>"]),
    (
        "Distribution",
        ["<p>Roméo : à choisir. Juliette : à choisir.</p>", "<p>Roméo : Léo. Juliette : Inès. Le chœur : tous.</p>"],
    ),
    ("Costumes", ["<ul><li>Capes (6)</li><li>Masques (10)</li></ul>"]),
]


def populate(establishment_ids: Iterable[int]) -> int:
    """Write the demo communities of the collèges among these establishments; return the rows created."""
    rows = 0
    colleges = Establishment.objects.filter(
        pk__in=list(establishment_ids), kind=Establishment.Kind.LOWER_SECONDARY
    ).order_by("pk")
    now = timezone.now()
    for establishment in colleges:
        if SERVICE not in (establishment.enabled_services or []):
            continue
        school_class = (
            SchoolClass.objects.filter(establishment=establishment, school_year__is_current=True)
            .order_by("level__order", "name")
            .first()
        )
        if school_class is None:
            continue
        owner_id = school_class.homeroom_teacher_id or (
            Teaching.objects.filter(school_class=school_class)
            .order_by("pk")
            .values_list("teacher_id", flat=True)
            .first()
        )
        if owner_id is None:
            continue
        students = list(
            Enrollment.objects.filter(school_class=school_class)
            .order_by("student__last_name", "student__first_name", "pk")
            .values_list("student_id", flat=True)[:STUDENTS]
        )
        partner_id = (
            RoleAssignment.objects.filter(establishment=establishment, role=Role.PARTNER, is_active=True)
            .order_by("pk")
            .values_list("user_id", flat=True)
            .first()
        )
        community = Community.objects.create(
            establishment=establishment,
            name=NAME,
            description="La classe de " + school_class.name + " prépare une pièce avec une compagnie de théâtre.",
            created_by_id=owner_id,
        )
        members = [
            Membership(
                establishment=establishment,
                community=community,
                user_id=owner_id,
                role=Membership.Role.OWNER,
                joined_at=now,
            ),
            *(
                Membership(establishment=establishment, community=community, user_id=pk, joined_at=now)
                for pk in students
                if pk != owner_id
            ),
        ]
        if partner_id is not None:
            members.append(
                Membership(
                    establishment=establishment,
                    community=community,
                    user_id=partner_id,
                    status=Membership.Status.INVITED,
                    invited_by_id=owner_id,
                )
            )
        Membership.objects.bulk_create(members)
        authors = [owner_id, *students[:1], owner_id]
        posts = WallPost.objects.bulk_create(
            WallPost(establishment=establishment, community=community, author_id=author, body=clean_rich_text(body))
            for author, body in zip(authors, POSTS, strict=True)
        )
        # Spread the posts over the last days, oldest first.
        for index, post in enumerate(posts):
            WallPost.objects.filter(pk=post.pk).update(created_at=now - datetime.timedelta(days=len(posts) - index))
        comments = [
            Comment(establishment=establishment, post=post, author_id=students[i % len(students)], body=text)
            for i, (post, text) in enumerate(zip(posts, COMMENTS, strict=True))
            if students
        ]
        Comment.objects.bulk_create(comments)
        reactions = [
            Reaction(establishment=establishment, post=post, user_id=pk) for post in posts for pk in students[:3]
        ]
        Reaction.objects.bulk_create(reactions)
        pages = WikiPage.objects.bulk_create(
            WikiPage(
                establishment=establishment,
                community=community,
                title=title,
                slug=wiki_slug(title),
                body=clean_rich_text(texts[-1]),
                updated_by_id=owner_id,
                version=len(texts),
            )
            for title, texts in PAGES
        )
        revisions = [
            WikiRevision(
                establishment=establishment,
                page=page,
                number=number,
                title=title,
                body=clean_rich_text(text),
                author_id=owner_id if number == 1 or not students else students[0],
            )
            for page, (title, texts) in zip(pages, PAGES, strict=True)
            for number, text in enumerate(texts, start=1)
        ]
        WikiRevision.objects.bulk_create(revisions)
        if "documents" in (establishment.enabled_services or []):
            space = group_space_for(
                establishment_id=establishment.pk,
                territory_id=establishment.territory_id,
                group_kind=FOLDER_KIND,
                group_id=community.pk,
                name=community.name,
            )
            rows += 2 + documents_demo.populate_group_space(space, owner_id)
        rows += 1 + len(members) + len(posts) + len(comments) + len(reactions) + len(pages) + len(revisions)
    return rows
