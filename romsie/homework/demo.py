"""Demo content of the homework log, written over the timetable's demo sessions.

For each establishment: an entry for every session of the last two weeks (a few left as
drafts), homework due at the next session for about half of them, and one piece of work to
hand in with a few students' files already handed in. Call it after the
timetable's demo data exists; it is deterministic for a given seed.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterable

from django.core.files.base import ContentFile
from django.utils import timezone

from romsie.schooling.models import Enrollment
from romsie.timetable.models import Session

from .models import Homework, HomeworkTick, LogEntry, Submission

DONE = [
    "<p>Correction des exercices. Cours : <strong>{topic}</strong>.</p>",
    "<p>Activité d'introduction puis trace écrite sur <em>{topic}</em>.</p>"
    "<ul><li>Définitions</li><li>Exemples</li></ul>",
    "<p>Travail en groupes sur {topic}, mise en commun.</p>",
    "<p>Évaluation courte (15 min) puis reprise de {topic}.</p>",
]
TOPICS = [
    "les fractions",
    "le théorème de Pythagore",
    "la Révolution française",
    "les volcans",
    "le passé composé",
    "la photosynthèse",
    "les verbes irréguliers",
    "la proportionnalité",
]
TO_DO = {
    Homework.Kind.EXERCISE: "Exercices {n} et {m} page {p}.",
    Homework.Kind.LEARN: "Apprendre la leçon sur {topic}.",
    Homework.Kind.TEST: "Réviser {topic} pour l'évaluation.",
}
PDF = b"%PDF-1.4\n% demo\n"


def populate(establishment_ids: Iterable[int], *, seed: int = 2026, today: datetime.date | None = None) -> int:
    """Write the demo log of the establishments; return the number of rows created."""
    rng = random.Random(seed)
    today = today or timezone.localdate()
    ids = list(establishment_ids)
    sessions = list(
        Session.objects.filter(
            establishment_id__in=ids,
            date__gte=today - datetime.timedelta(days=14),
            date__lt=today,
            status=Session.Status.PLANNED,
        )
        .select_related("teaching")
        .order_by("establishment_id", "date", "starts_at")
    )
    upcoming: dict[int, list[datetime.date]] = {}
    for teaching_id, date in (
        Session.objects.filter(establishment_id__in=ids, date__gte=today, date__lte=today + datetime.timedelta(21))
        .exclude(status=Session.Status.CANCELLED)
        .order_by("date")
        .values_list("teaching_id", "date")
    ):
        upcoming.setdefault(teaching_id, []).append(date)

    now = timezone.now()
    entries = [
        LogEntry(
            establishment_id=s.establishment_id,
            teaching_id=s.teaching_id,
            session=s,
            date=s.date,
            starts_at=s.starts_at,
            author_id=s.teacher_id,
            content_html=rng.choice(DONE).format(topic=rng.choice(TOPICS)),
            status=LogEntry.Status.DRAFT if rng.random() < 0.05 else LogEntry.Status.PUBLISHED,
            notified_at=now,
        )
        for s in sessions
    ]
    LogEntry.objects.bulk_create(entries, batch_size=500)

    homework: list[Homework] = []
    latest: dict[int, LogEntry] = {}
    for entry in entries:
        latest[entry.teaching_id] = entry  # sessions are in date order: the last one wins
    for entry in latest.values():
        dates = [d for d in upcoming.get(entry.teaching_id, []) if d > entry.date]
        if not dates or rng.random() < 0.4:
            continue
        kind = rng.choice(list(TO_DO))
        homework.append(
            Homework(
                establishment_id=entry.establishment_id,
                entry=entry,
                teaching_id=entry.teaching_id,
                kind=kind,
                instructions=TO_DO[kind].format(
                    n=rng.randint(1, 20), m=rng.randint(21, 40), p=rng.randint(10, 250), topic=rng.choice(TOPICS)
                ),
                due_on=dates[0],
                duration_minutes=rng.choice([15, 20, 30, 45]),
            )
        )
    Homework.objects.bulk_create(homework, batch_size=500)
    classes = {s.teaching_id: s.teaching.school_class_id for s in sessions}
    rows = len(entries) + len(homework) + _assignments(ids, latest, classes, upcoming, rng, today)
    return rows


def _assignments(
    ids: list[int],
    latest: dict[int, LogEntry],
    classes: dict[int, int | None],
    upcoming: dict[int, list[datetime.date]],
    rng: random.Random,
    today: datetime.date,
) -> int:
    """One piece of work to hand in per establishment, a few files handed in and ticks."""
    created = 0
    for establishment_id in ids:
        candidates = [
            e
            for e in latest.values()
            if e.establishment_id == establishment_id and e.is_published and classes.get(e.teaching_id)
        ]
        if not candidates:
            continue
        entry = rng.choice(candidates)
        due = next((d for d in upcoming.get(entry.teaching_id, []) if d > today), today + datetime.timedelta(days=7))
        essay = Homework.objects.create(
            establishment_id=establishment_id,
            entry=entry,
            teaching_id=entry.teaching_id,
            kind=Homework.Kind.HAND_IN,
            instructions="Rédiger un court texte (une page) et le rendre en PDF.",
            due_on=due,
            duration_minutes=60,
        )
        students = list(
            Enrollment.objects.filter(school_class_id=classes[entry.teaching_id])
            .order_by("student__last_name", "student_id")
            .values_list("student_id", flat=True)
        )
        for index, student_id in enumerate(students[:4]):
            Submission.objects.create(
                establishment_id=establishment_id,
                homework=essay,
                student_id=student_id,
                file=ContentFile(PDF, name="devoir.pdf"),
                name=f"devoir-{index + 1}.pdf",
                content_type="application/pdf",
                size_bytes=len(PDF),
                submitted_at=timezone.now() - datetime.timedelta(hours=index + 1),
                is_late=False,
            )
            created += 1
        HomeworkTick.objects.bulk_create(
            HomeworkTick(establishment_id=establishment_id, homework=h, student_id=student_id)
            for h in Homework.objects.filter(entry__in=candidates).exclude(kind=Homework.Kind.HAND_IN)[:10]
            for student_id in students[:4]
        )
        created += 1
    return created
