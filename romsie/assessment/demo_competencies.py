"""Demo content of competencies: the establishments' items, and a term of levels in primary schools.

Every establishment gets a few items of its own under the national components, for the cycles
its classes are in; in the primary schools (which evaluate without marks) each teaching's
teacher evaluates every student on the cycle's items a few times over the last weeks, so the
records, the class views and the families' pages have a history. Deterministic for a seed.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterable

from django.utils import timezone

from romsie.establishments.models import Establishment
from romsie.schooling.models import Enrollment, SchoolClass, Teaching

from .models import Competency, CompetencyEvaluation
from .selectors import cycle_of_level

WEEKS = 10
# (component, name) per cycle: the establishment's items.
ITEMS: dict[int, list[tuple[str, str]]] = {
    2: [
        ("CPD_FRA", "Lire à voix haute un texte court"),
        ("CPD_FRA", "Écrire une phrase sans erreur de copie"),
        ("CPD_SCI", "Dénombrer une collection jusqu'à 100"),
        ("CPD_SCI", "Calculer mentalement des sommes simples"),
        ("MET_APP", "Ranger son matériel et suivre une consigne"),
        ("FRM_CIT", "Respecter les règles de la vie de classe"),
    ],
    3: [
        ("CPD_FRA", "Comprendre un texte littéraire et l'interpréter"),
        ("CPD_FRA", "Rédiger un écrit cohérent d'une dizaine de lignes"),
        ("CPD_ETR", "Comprendre des consignes simples en anglais"),
        ("CPD_SCI", "Résoudre des problèmes à plusieurs étapes"),
        ("CPD_ART", "Réaliser une production plastique"),
        ("MET_APP", "Utiliser un dictionnaire et des outils numériques"),
        ("SYS_NAT", "Mener une démarche d'investigation"),
        ("REP_MND", "Se repérer dans le temps et l'espace"),
    ],
    4: [
        ("CPD_FRA", "Argumenter à l'écrit de façon structurée"),
        ("CPD_SCI", "Modéliser une situation par une équation"),
        ("SYS_NAT", "Concevoir un protocole expérimental"),
        ("FRM_CIT", "Exercer son esprit critique face à l'information"),
    ],
}
# How likely each level is, from insufficient to very good mastery.
LEVEL_WEIGHTS = [1, 3, 5, 3]


def populate(establishment_ids: Iterable[int], *, seed: int = 2026, today: datetime.date | None = None) -> int:
    """Write the demo competencies of the establishments; return the number of rows created."""
    rng = random.Random(seed)
    today = today or timezone.localdate()
    components = {c.code: c for c in Competency.objects.filter(establishment__isnull=True)}
    rows = 0
    for establishment in Establishment.objects.filter(pk__in=list(establishment_ids)).order_by("pk"):
        rows += _establishment(establishment, components, rng, today)
    return rows


def _establishment(
    establishment: Establishment, components: dict[str, Competency], rng: random.Random, today: datetime.date
) -> int:
    classes = list(
        SchoolClass.objects.filter(establishment=establishment, school_year__is_current=True).select_related("level")
    )
    cycles = sorted({cycle for c in classes if (cycle := cycle_of_level(c.level.code)) in ITEMS})
    items: dict[int, list[Competency]] = {}
    for cycle in cycles:
        items[cycle] = Competency.objects.bulk_create(
            [
                Competency(
                    establishment=establishment,
                    component=components[code],
                    cycle=cycle,
                    code=f"{code}-C{cycle}-{number}",
                    name=name,
                    order=components[code].order,
                )
                for number, (code, name) in enumerate(ITEMS[cycle], start=1)
            ]
        )
    rows = sum(len(created) for created in items.values())
    if establishment.is_primary:
        rows += _evaluations(establishment, classes, items, rng, today)
    return rows


def _evaluations(
    establishment: Establishment,
    classes: list[SchoolClass],
    items: dict[int, list[Competency]],
    rng: random.Random,
    today: datetime.date,
) -> int:
    """Each teaching's teacher evaluates their students on the cycle's items, about every two weeks."""
    cycle_of_class = {c.pk: cycle_of_level(c.level.code) for c in classes}
    students_of_class: dict[int, list[int]] = {}
    for class_id, student_id in Enrollment.objects.filter(school_class_id__in=cycle_of_class).values_list(
        "school_class_id", "student_id"
    ):
        students_of_class.setdefault(class_id, []).append(student_id)
    teachings = Teaching.objects.filter(establishment=establishment, school_class_id__in=cycle_of_class).order_by("pk")
    evaluations: list[CompetencyEvaluation] = []
    seen: set[tuple[int, int, int, datetime.date]] = set()
    for teaching in teachings:
        assert teaching.school_class_id is not None
        cycle = cycle_of_class[teaching.school_class_id]
        if cycle is None or cycle not in items:
            continue
        for competency in rng.sample(items[cycle], k=min(3, len(items[cycle]))):
            for week in rng.sample(range(1, WEEKS), k=2):
                day = today - datetime.timedelta(days=7 * week + rng.randint(0, 4))
                for student_id in students_of_class.get(teaching.school_class_id, []):
                    key = (competency.pk, student_id, teaching.teacher_id, day)
                    if key in seen or rng.random() < 0.1:  # a few absent that day
                        continue
                    seen.add(key)
                    evaluations.append(
                        CompetencyEvaluation(
                            establishment=establishment,
                            competency=competency,
                            student_id=student_id,
                            level=rng.choices([1, 2, 3, 4], weights=LEVEL_WEIGHTS)[0],
                            date=day,
                            teaching=teaching,
                            evaluated_by_id=teaching.teacher_id,
                        )
                    )
    CompetencyEvaluation.objects.bulk_create(evaluations, batch_size=1000)
    return len(evaluations)
