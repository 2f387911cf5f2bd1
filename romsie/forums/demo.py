"""Demo content of the forums, for the secondary schools (forums are off for primary pupils).

In each collège or lycée: the establishment's forum (students, teachers and staff) with three
categories, two topics each with a few replies by students and teachers, one topic pinned and
one locked; and the forum of one class (its first class taught by a teacher) with a topic the
teacher opened and the students answered. A handful of rows per establishment, written in
bulk; deterministic for a seed.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterable

from django.utils import timezone

from romsie.establishments.models import Establishment
from romsie.identity.models import Role, RoleAssignment
from romsie.schooling.models import Enrollment, Teaching

from .models import Category, Forum, Reply, Subscription, Topic

CATEGORIES = [
    ("Vie du collège", "Foyer, cantine, délégués : ce qui se passe dans l'établissement."),
    ("Entraide aux devoirs", "Poser une question, aider un camarade."),
    ("Clubs et sorties", "Les clubs, les sorties et les voyages."),
]
TOPICS = [
    # category index, title, opening message, replies, pinned, locked
    (0, "Charte du forum", "<p>Restons polis et bienveillants. Les modérateurs veillent.</p>", 1, True, True),
    (0, "Idées pour le foyer", "<p>Un baby-foot ou une table de ping-pong ?</p>", 4, False, False),
    (1, "Fractions : je bloque sur l'exercice 12", "<p>Quelqu'un peut m'expliquer ?</p>", 3, False, False),
    (1, "Méthode pour apprendre ses leçons", "<p>Vos astuces ?</p>", 2, False, False),
    (2, "Club théâtre : premières répétitions", "<p>Rendez-vous jeudi en salle polyvalente.</p>", 3, False, False),
    (2, "Voyage en Espagne", "<p>Les autorisations sont à rendre avant vendredi.</p>", 2, False, False),
]
REPLIES = [
    "<p>Bonne idée !</p>",
    "<p>Je suis d'accord, on en parle au conseil de vie collégienne.</p>",
    "<p>Il faut d'abord réduire au même dénominateur.</p>",
    "<p>Merci beaucoup, c'est plus clair.</p>",
    "<p>Je fais des fiches et je me les récite.</p>",
    "<p>À jeudi !</p>",
]


def populate(establishment_ids: Iterable[int], *, seed: int = 2026) -> int:
    """Write the demo forums of the secondary establishments among these; return the rows created."""
    rng = random.Random(seed)
    now = timezone.now()
    rows = 0
    establishments = Establishment.objects.filter(pk__in=list(establishment_ids)).exclude(
        kind__in=list(Establishment.PRIMARY_KINDS)
    )
    for establishment in establishments.order_by("pk"):
        rows += _establishment_forum(establishment.pk, now, rng)
        rows += _class_forum(establishment.pk, now, rng)
    return rows


def _holders(establishment_id: int, role: str, count: int) -> list[int]:
    holders = RoleAssignment.objects.filter(establishment_id=establishment_id, role=role, is_active=True)
    return list(holders.order_by("pk").values_list("user_id", flat=True)[:count])


def _establishment_forum(establishment_id: int, now: datetime.datetime, rng: random.Random) -> int:
    students, teachers = _holders(establishment_id, Role.STUDENT, 6), _holders(establishment_id, Role.TEACHER, 3)
    if not students or not teachers:
        return 0
    forum = Forum.objects.create(
        establishment_id=establishment_id,
        kind=Forum.Kind.ESTABLISHMENT,
        title="Forum du collège",
        description="L'espace d'échange des élèves, des professeurs et de l'équipe.",
        for_students=True,
        for_teachers=True,
        for_staff=True,
    )
    categories = Category.objects.bulk_create(
        Category(establishment_id=establishment_id, forum=forum, name=name, description=text, position=i + 1)
        for i, (name, text) in enumerate(CATEGORIES)
    )
    people = [*students, *teachers]
    plans = []
    for n, (index, title, opening, count, pinned, locked) in enumerate(TOPICS):
        author = teachers[0] if pinned else rng.choice(people)
        speakers = [author] + [rng.choice(people) for _ in range(count - 1)]
        plans.append((categories[index], title, opening, speakers, pinned, locked, now - datetime.timedelta(days=n)))
    return 1 + len(categories) + _topics(establishment_id, forum, plans, rng)


def _topics(
    establishment_id: int,
    forum: Forum,
    plans: list[tuple[Category, str, str, list[int], bool, bool, datetime.datetime]],
    rng: random.Random,
) -> int:
    topics = Topic.objects.bulk_create(
        Topic(
            establishment_id=establishment_id,
            forum=forum,
            category=category,
            title=title,
            author_id=speakers[0],
            created_at=started,
            last_reply_at=started + datetime.timedelta(hours=len(speakers) - 1),
            reply_count=len(speakers),
            is_pinned=pinned,
            is_locked=locked,
        )
        for category, title, _opening, speakers, pinned, locked, started in plans
    )
    replies = [
        Reply(
            establishment_id=establishment_id,
            topic=topic,
            position=position,
            author_id=speaker,
            body=opening if position == 1 else rng.choice(REPLIES),
            created_at=started + datetime.timedelta(hours=position - 1),
        )
        for topic, (_category, _title, opening, speakers, _pinned, _locked, started) in zip(topics, plans, strict=True)
        for position, speaker in enumerate(speakers, start=1)
    ]
    Reply.objects.bulk_create(replies)
    follows = {(topic.pk, speaker) for topic, plan in zip(topics, plans, strict=True) for speaker in plan[3]}
    Subscription.objects.bulk_create(
        Subscription(establishment_id=establishment_id, topic_id=topic_id, user_id=user_id)
        for topic_id, user_id in sorted(follows)
    )
    return len(topics) + len(replies) + len(follows)


def _class_forum(establishment_id: int, now: datetime.datetime, rng: random.Random) -> int:
    teaching = (
        Teaching.objects.filter(
            establishment_id=establishment_id, school_class__isnull=False, school_class__school_year__is_current=True
        )
        .select_related("school_class")
        .order_by("school_class__name", "pk")
        .first()
    )
    if teaching is None or teaching.school_class is None:
        return 0
    school_class = teaching.school_class
    students = list(
        Enrollment.objects.filter(school_class=school_class).order_by("pk").values_list("student_id", flat=True)[:4]
    )
    forum = Forum.objects.create(
        establishment_id=establishment_id,
        kind=Forum.Kind.CLASS,
        school_class=school_class,
        title=f"Forum de la {school_class.name}",
    )
    category = Category.objects.create(establishment_id=establishment_id, forum=forum, name="Général", position=1)
    opening = "<p>Partagez ici vos questions sur l'exposé de fin de trimestre.</p>"
    speakers = [teaching.teacher_id, *students]
    plans = [(category, "Exposés de fin de trimestre", opening, speakers, False, False, now)]
    return 2 + _topics(establishment_id, forum, plans, rng)
