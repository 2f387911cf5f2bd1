"""Demo content of polls and surveys, for the showcase establishments.

In each: the survey "Sortie de fin d'année" for the parents, by the head (or the first staff
member), with a realistic share of the families having answered (anonymous); and a quick poll
of a teacher for the students of one of their classes, half of them having answered (results
shown after answering). Rows written in bulk, bounded per establishment; deterministic for a seed.
"""

from __future__ import annotations

import datetime
import random
import uuid
from collections.abc import Iterable, Sequence

from django.utils import timezone

from romsie.establishments.models import Establishment
from romsie.identity.models import Guardianship, Role, RoleAssignment
from romsie.schooling.models import Enrollment, Teaching

from .models import Answer, Option, Participation, Poll, Question, Response

FAMILIES = 120  # guardians asked at most per establishment
ANSWERING = 0.6  # share of them who answered
SURVEY = [
    (
        Question.Kind.SINGLE,
        "Quelle destination préférez-vous ?",
        ["Le zoo", "La mer", "Un parc de loisirs", "Un musée"],
    ),
    (Question.Kind.MULTIPLE, "Pourriez-vous aider ?", ["Accompagner la sortie", "Préparer le pique-nique", "Non"]),
    (Question.Kind.SCALE, "Votre enfant serait-il content de partir une journée entière ?", []),
    (Question.Kind.LONG_TEXT, "Une remarque, une contrainte (allergie, budget) ?", []),
]
REMARKS = [
    "Mon enfant est allergique aux arachides.",
    "Un budget de 15 € maximum serait bien.",
    "Je peux conduire un minibus si besoin.",
    "Prévoir un retour avant 18 h s'il vous plaît.",
]
QUICK_OPTIONS = ["Les volcans", "Le système solaire", "Les océans"]


def populate(establishment_ids: Iterable[int], *, seed: int = 2026) -> int:
    """Write the demo polls of the establishments; return the number of rows created."""
    rng = random.Random(seed)
    now = timezone.now()
    rows = 0
    for establishment in Establishment.objects.filter(pk__in=list(establishment_ids)).order_by("pk"):
        rows += _survey(establishment, now, rng)
        rows += _quick_poll(establishment, now, rng)
    return rows


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _author(establishment: Establishment) -> int | None:
    staff = RoleAssignment.objects.filter(establishment=establishment, role=Role.STAFF, is_active=True)
    head = staff.filter(function="head").values_list("user_id", flat=True).first()
    return head or staff.order_by("user_id").values_list("user_id", flat=True).first()


def _questions(poll: Poll, spec: Sequence[tuple[str, str, list[str]]]) -> list[tuple[Question, list[Option]]]:
    questions = Question.objects.bulk_create(
        Question(
            establishment_id=poll.establishment_id,
            poll=poll,
            label=label,
            kind=kind,
            position=i,
            is_required=not kind.endswith("text"),
        )
        for i, (kind, label, _options) in enumerate(spec, start=1)
    )
    options = Option.objects.bulk_create(
        Option(establishment_id=poll.establishment_id, question=q, label=label, position=j)
        for q, (_kind, _label, labels) in zip(questions, spec, strict=True)
        for j, label in enumerate(labels, start=1)
    )
    by_question: dict[int, list[Option]] = {}
    for option in options:
        by_question.setdefault(option.question_id, []).append(option)
    return [(q, by_question.get(q.pk, [])) for q in questions]


def _answers(poll: Poll, people: list[int], questions: list[tuple[Question, list[Option]]], rng: random.Random) -> int:
    participations = [Participation(establishment_id=poll.establishment_id, poll=poll, person_id=pk) for pk in people]
    responses = [Response(id=_uuid(rng), establishment_id=poll.establishment_id, poll=poll) for _ in people]
    answers: list[Answer] = []
    for response in responses:
        for question, options in questions:
            base = {"establishment_id": poll.establishment_id, "response": response, "question": question}
            if question.kind == Question.Kind.SINGLE:
                answers.append(
                    Answer(**base, id=_uuid(rng), option=rng.choices(options, [5, 3, 2, 1][: len(options)])[0])
                )
            elif question.kind == Question.Kind.MULTIPLE:
                for option in rng.sample(options, rng.randint(1, 2)):
                    answers.append(Answer(**base, id=_uuid(rng), option=option))
            elif question.kind == Question.Kind.SCALE:
                answers.append(Answer(**base, id=_uuid(rng), scale=rng.choices([1, 2, 3, 4, 5], [1, 1, 2, 4, 5])[0]))
            elif rng.random() < 0.15:
                answers.append(Answer(**base, id=_uuid(rng), text=rng.choice(REMARKS)))
    Participation.objects.bulk_create(participations)
    Response.objects.bulk_create(responses)
    Answer.objects.bulk_create(answers)
    return len(participations) + len(responses) + len(answers)


def _survey(establishment: Establishment, now: datetime.datetime, rng: random.Random) -> int:
    author = _author(establishment)
    if author is None:
        return 0
    poll = Poll.objects.create(
        establishment=establishment,
        kind=Poll.Kind.SURVEY,
        title="Sortie de fin d'année",
        description="<p>Aidez-nous à choisir la sortie de fin d'année et à l'organiser.</p>",
        is_anonymous=True,
        opens_at=now - datetime.timedelta(days=5),
        closes_at=now + datetime.timedelta(days=10),
        results_visibility=Poll.Results.AFTER_ANSWER,
        is_published=True,
        created_by_id=author,
        for_parents=True,
    )
    questions = _questions(poll, SURVEY)
    guardians = sorted(
        set(Guardianship.objects.filter(establishment=establishment).values_list("guardian_id", flat=True))
    )[:FAMILIES]
    answering = rng.sample(guardians, int(len(guardians) * ANSWERING))
    return 1 + len(questions) + _answers(poll, answering, questions, rng)


def _quick_poll(establishment: Establishment, now: datetime.datetime, rng: random.Random) -> int:
    teaching = (
        Teaching.objects.filter(
            establishment=establishment, school_class__isnull=False, school_class__school_year__is_current=True
        )
        .order_by("school_class_id", "teacher_id")
        .first()
    )
    if teaching is None or teaching.school_class_id is None:
        return 0
    poll = Poll.objects.create(
        establishment=establishment,
        kind=Poll.Kind.QUICK,
        title="Quel thème pour l'exposé de fin de trimestre ?",
        is_anonymous=True,
        opens_at=now - datetime.timedelta(days=1),
        closes_at=now + datetime.timedelta(days=4),
        results_visibility=Poll.Results.AFTER_ANSWER,
        is_published=True,
        created_by_id=teaching.teacher_id,
        for_students=True,
        is_narrowed=True,
    )
    poll.school_classes.set([teaching.school_class_id])
    questions = _questions(poll, [(Question.Kind.SINGLE, poll.title, QUICK_OPTIONS)])
    students = sorted(
        Enrollment.objects.filter(school_class_id=teaching.school_class_id).values_list("student_id", flat=True)
    )
    answering = rng.sample(students, len(students) // 2)
    return 2 + len(QUICK_OPTIONS) + _answers(poll, answering, questions, rng)
