"""Demo content of marks and report cards, for the showcase establishments.

For each collège: the main subjects' weights, and a term of assessments for every teaching in
the current period (3 to 6 each, various scales and weights, most published, the last one or
two of some teachings still hidden until a date to come), with realistic marks (a few absent,
exempt or not handed in) and a few comments. Two classes get their report cards' material:
the class of a featured student (else the first class) gets the previous period marked too and
its council **published** (validated by the head; the report-card files themselves are rendered
by the report cards' generation), and its council of the current period **prepared** by its
homeroom teacher (teachers' comments, general comments, mentions, decisions). Without a
previous period, the published council is the current period's and another class's is prepared.

Competencies come from ``demo_competencies``: every establishment's own items under the national
components, and in the primary schools ten weeks of levels given by each teaching's teacher.

Everything is written with bulk inserts (no signal: the caches start empty anyway) and is
deterministic for a given seed.
"""

from __future__ import annotations

import datetime
import importlib
import random
from collections import defaultdict
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from romsie.establishments.models import Establishment
from romsie.identity.models import RoleAssignment, StaffFunction, User
from romsie.schooling.models import Enrollment, GroupMembership, Period, SchoolClass, Subject, Teaching

from . import averages, demo_competencies, report_cards
from .models import (
    Assessment,
    Competency,
    Council,
    CouncilDecision,
    Mark,
    MarkStatus,
    Mention,
    ReportComment,
    SubjectWeight,
)

# The main subjects' weights in the overall average (every level).
SUBJECT_WEIGHTS = {"FRANC": "3", "MATHS": "3", "HIGEO": "2", "ANGL": "2", "PHYCH": "1.5", "SVT": "1.5"}
TITLES = [
    "Contrôle",
    "Interrogation écrite",
    "Devoir maison",
    "Exposé oral",
    "Évaluation de fin de chapitre",
    "Travail en groupe",
    "Questions de cours",
    "Devoir surveillé",
]
SCALES = [("20", "1"), ("20", "2"), ("10", "1"), ("20", "1"), ("40", "2"), ("5", "0.5"), ("20", "3")]
MARK_COMMENTS = [
    "Très bon travail.",
    "Bien, mais soignez la présentation.",
    "Des progrès, continuez.",
    "Leçon à revoir.",
    "Attention aux erreurs d'inattention.",
    "Excellent !",
]
TERM_COMMENTS = [
    (Decimal(16), "Excellent trimestre, un travail sérieux et approfondi. Continuez ainsi."),
    (Decimal(13), "Bon trimestre, des résultats solides. Participez davantage à l'oral."),
    (Decimal(10), "Trimestre correct dans l'ensemble, mais le travail personnel doit être plus régulier."),
    (Decimal(0), "Des difficultés persistantes : il faut reprendre les leçons et demander de l'aide."),
]
GENERAL_COMMENTS = [
    (
        Decimal(15),
        "Très bon trimestre dans toutes les matières. Félicitations pour cet investissement.",
        Mention.CONGRATULATIONS,
    ),
    (
        Decimal(13),
        "Un bon trimestre, sérieux et constant. Le conseil vous encourage à poursuivre.",
        Mention.COMPLIMENTS,
    ),
    (
        Decimal(11),
        "Des résultats encourageants ; des efforts à poursuivre en vue du trimestre prochain.",
        Mention.ENCOURAGEMENT,
    ),
    (Decimal(8), "Un trimestre fragile : le travail doit devenir plus régulier.", Mention.NONE),
    (Decimal(0), "Des résultats insuffisants. Un accompagnement personnalisé est proposé.", Mention.WARNING_WORK),
]
HALF = Decimal("0.5")


def populate(
    establishment_ids: Iterable[int],
    *,
    seed: int = 2026,
    today: datetime.date | None = None,
    featured_student_ids: Iterable[int] = (),
) -> int:
    """Write the demo marks, competencies and councils of the establishments; return the rows created.

    ``featured_student_ids``: the showcase's students; the collège class of one of them gets the
    published council (its families see a report card).
    """
    rng = random.Random(seed)
    today = today or timezone.localdate()
    featured = list(featured_student_ids)
    _ensure_national_components()
    rows = 0
    ids = list(establishment_ids)
    for establishment in Establishment.objects.filter(pk__in=ids).order_by("pk"):
        periods = _periods(establishment, today)
        if not periods:
            continue
        if establishment.kind == Establishment.Kind.LOWER_SECONDARY:
            rows += _College(establishment, periods, rng, today, featured).populate()
    rows += demo_competencies.populate(ids, seed=rng.randint(0, 10**6), today=today)
    return rows


def _ensure_national_components() -> None:
    """Load the national components again when they are missing.

    Their data migration loads them once; a demo reset empties every table pointing to an
    establishment, the competencies' included, so they are put back from the same data.
    """
    if Competency.objects.filter(establishment__isnull=True).exists():
        return
    from django.apps import apps

    migration = importlib.import_module("romsie.assessment.migrations.0002_national_competencies")
    migration.load(apps, None)


def _periods(establishment: Establishment, today: datetime.date) -> tuple[Period, Period | None] | None:
    """The current period (the one around today, else the last started, else the first) and the one before."""
    periods = list(
        Period.objects.filter(establishment=establishment, school_year__is_current=True).order_by("starts_on")
    )
    if not periods:
        return None
    started = [p for p in periods if p.starts_on <= today]
    current = next((p for p in periods if p.starts_on <= today <= p.ends_on), started[-1] if started else periods[0])
    index = periods.index(current)
    return current, periods[index - 1] if index > 0 else None


def _days(rng: random.Random, start: datetime.date, end: datetime.date, count: int) -> list[datetime.date]:
    """``count`` days between ``start`` and ``end`` (included), in order."""
    end = max(start, end)
    span = (end - start).days
    return sorted(start + datetime.timedelta(days=rng.randint(0, span)) for _ in range(count))


def _aware(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _term_comment(average: Decimal | None) -> str:
    """A teacher's comment that fits the student's average in the subject."""
    if average is None:
        return "Pas assez d'évaluations ce trimestre pour une appréciation chiffrée."
    return next(text for floor, text in TERM_COMMENTS if average >= floor)


class _College:
    """The demo marks and councils of one collège."""

    def __init__(
        self,
        establishment: Establishment,
        periods: tuple[Period, Period | None],
        rng: random.Random,
        today: datetime.date,
        featured: list[int],
    ) -> None:
        self.establishment = establishment
        self.current, self.previous = periods
        self.rng = rng
        self.today = today
        self.featured = featured
        self.rows = 0
        # Each student's level (a mean on 20), so their marks look alike across subjects.
        self.ability: dict[int, float] = {}
        # (period, teaching, student) -> the cells of the student's marks.
        self.cells: dict[tuple[int, int, int], list[averages.Cell]] = defaultdict(list)

    def populate(self) -> int:
        establishment_id = self.establishment.pk
        teachings = list(
            Teaching.objects.filter(establishment_id=establishment_id, school_class__school_year__is_current=True)
            .select_related("subject")
            .order_by("pk")
        ) + list(
            Teaching.objects.filter(establishment_id=establishment_id, teaching_group__school_year__is_current=True)
            .select_related("subject")
            .order_by("pk")
        )
        if not teachings:
            return 0
        students = self._students(teachings)
        self._weights()
        classes = list(
            SchoolClass.objects.filter(establishment_id=establishment_id, school_year__is_current=True).order_by(
                "level__order", "name", "pk"
            )
        )
        enrolled: dict[int, list[int]] = defaultdict(list)
        for class_id, student_id in Enrollment.objects.filter(school_class__in=classes).values_list(
            "school_class_id", "student_id"
        ):
            enrolled[class_id].append(student_id)
        published_class = next(
            (c for c in classes if any(pk in enrolled[c.pk] for pk in self.featured)),
            classes[0] if classes else None,
        )
        # The same class prepares the current period's council when the previous one is published
        # (its homeroom teacher shows both); else another class does.
        prepared_class = (
            published_class
            if self.previous is not None
            else next((c for c in classes if c is not published_class and enrolled[c.pk]), None)
        )
        self._term(self.current, teachings, students, hidden=True)
        published_period = self.previous or self.current
        if published_class is not None and self.previous is not None:
            of_class = [t for t in teachings if set(students[t.pk]) & set(enrolled[published_class.pk])]
            self._term(self.previous, of_class, students, hidden=False)
        head = (
            RoleAssignment.objects.filter(
                establishment_id=establishment_id, function=StaffFunction.HEAD, is_active=True
            )
            .order_by("pk")
            .values_list("user_id", flat=True)
            .first()
        )
        if prepared_class is not None:
            self._council(prepared_class, self.current, teachings, students, enrolled, head, publish=False)
        if published_class is not None:
            council = self._council(
                published_class, published_period, teachings, students, enrolled, head, publish=True
            )
            # Its families download real report cards: rendered as the head's generation would.
            renderer = User.objects.filter(pk=head or council.prepared_by_id).first()
            if renderer is not None:
                run = report_cards.generate_for_council(council, requested_by=renderer)
                self.rows += run.done
        return self.rows

    def _students(self, teachings: list[Teaching]) -> dict[int, list[int]]:
        """The students of each teaching (two queries)."""
        by_class: dict[int, list[int]] = defaultdict(list)
        for class_id, student_id in Enrollment.objects.filter(
            school_class_id__in={t.school_class_id for t in teachings if t.school_class_id}
        ).values_list("school_class_id", "student_id"):
            by_class[class_id].append(student_id)
        by_group: dict[int, list[int]] = defaultdict(list)
        for group_id, student_id in GroupMembership.objects.filter(
            teaching_group_id__in={t.teaching_group_id for t in teachings if t.teaching_group_id}
        ).values_list("teaching_group_id", "student_id"):
            by_group[group_id].append(student_id)
        found: dict[int, list[int]] = {}
        for t in teachings:
            ids = by_class[t.school_class_id] if t.school_class_id else by_group[t.teaching_group_id or 0]
            found[t.pk] = sorted(ids)
            for student_id in found[t.pk]:
                if student_id not in self.ability:
                    self.ability[student_id] = min(18.5, max(5.0, self.rng.gauss(12.5, 3.0)))
        return found

    def _weights(self) -> None:
        subjects = Subject.objects.filter(establishment=self.establishment, code__in=list(SUBJECT_WEIGHTS))
        weights = [
            SubjectWeight(
                establishment=self.establishment, subject=subject, weight=Decimal(SUBJECT_WEIGHTS[subject.code])
            )
            for subject in subjects
        ]
        SubjectWeight.objects.bulk_create(weights, ignore_conflicts=True)
        self.rows += len(weights)

    def _value(self, student_id: int, out_of: Decimal) -> Decimal:
        on_twenty = min(20.0, max(0.0, self.rng.gauss(self.ability[student_id], 2.5)))
        value = Decimal(str(on_twenty)) * out_of / averages.TWENTY
        # Marks in half points (quarter points on a scale of 5).
        step = HALF if out_of > 5 else Decimal("0.25")
        return ((value / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step).quantize(Decimal("0.01"))

    def _term(self, period: Period, teachings: list[Teaching], students: dict[int, list[int]], *, hidden: bool) -> None:
        """3 to 6 assessments per teaching over the period (up to yesterday), with every student's mark."""
        last = min(period.ends_on, self.today - datetime.timedelta(days=1))
        assessments: list[Assessment] = []
        for teaching in teachings:
            count = self.rng.randint(3, 6)
            days = _days(self.rng, period.starts_on, last, count)
            # The first teaching always keeps one hidden, so each collège shows what "hidden" means.
            still_hidden = max(self.rng.choice((0, 1, 1, 2)), int(teaching is teachings[0])) if hidden else 0
            for index, day in enumerate(days):
                out_of, weight = self.rng.choice(SCALES)
                publish_on = day + datetime.timedelta(days=self.rng.choice((0, 0, 1, 2)))
                if index >= count - still_hidden:
                    publish_on = self.today + datetime.timedelta(days=self.rng.randint(2, 7))
                elif publish_on > self.today:
                    publish_on = self.today
                assessments.append(
                    Assessment(
                        establishment=self.establishment,
                        teaching=teaching,
                        period=period,
                        title=self.rng.choice(TITLES),
                        date=day,
                        out_of=Decimal(out_of),
                        weight=Decimal(weight),
                        publish_on=publish_on,
                        created_by_id=teaching.teacher_id,
                        notified_at=_aware(publish_on, 18) if publish_on <= self.today else None,
                    )
                )
        Assessment.objects.bulk_create(assessments, batch_size=500)
        marks: list[Mark] = []
        for assessment in assessments:
            for student_id in students[assessment.teaching_id]:
                roll = self.rng.random()
                value: Decimal | None = None
                status = ""
                if roll < 0.035:
                    status = MarkStatus.ABSENT
                elif roll < 0.045:
                    status = MarkStatus.EXEMPT
                elif roll < 0.055:
                    status = MarkStatus.NOT_HANDED_IN
                else:
                    value = self._value(student_id, assessment.out_of)
                comment = self.rng.choice(MARK_COMMENTS) if value is not None and self.rng.random() < 0.08 else ""
                marks.append(
                    Mark(
                        establishment=self.establishment,
                        assessment=assessment,
                        student_id=student_id,
                        value=value,
                        status=status,
                        comment=comment,
                        updated_by_id=assessment.created_by_id,
                    )
                )
                cell = averages.Cell(value, status, assessment.out_of, assessment.weight)
                self.cells[(period.pk, assessment.teaching_id, student_id)].append(cell)
        Mark.objects.bulk_create(marks, batch_size=1000)
        self.rows += len(assessments) + len(marks)

    def _council(
        self,
        school_class: SchoolClass,
        period: Period,
        teachings: list[Teaching],
        students: dict[int, list[int]],
        enrolled: dict[int, list[int]],
        head: int | None,
        *,
        publish: bool,
    ) -> Council:
        """The teachers' comments of the class for the period, and its council prepared (or published)."""
        pupils = set(enrolled[school_class.pk])
        weights = {code: Decimal(weight) for code, weight in SUBJECT_WEIGHTS.items()}
        comments: list[ReportComment] = []
        per_student: dict[int, list[tuple[Decimal | None, Decimal]]] = defaultdict(list)
        for teaching in teachings:
            for student_id in sorted(pupils & set(students[teaching.pk])):
                average = averages.subject_average(self.cells.get((period.pk, teaching.pk, student_id), []))
                per_student[student_id].append((average, weights.get(teaching.subject.code, Decimal(1))))
                comments.append(
                    ReportComment(
                        establishment=self.establishment,
                        period=period,
                        teaching=teaching,
                        student_id=student_id,
                        text=_term_comment(average),
                        author_id=teaching.teacher_id,
                    )
                )
        ReportComment.objects.bulk_create(comments, batch_size=1000)
        preparer = school_class.homeroom_teacher_id or next((t.teacher_id for t in teachings), None)
        held_on = min(period.ends_on, self.today)
        council = Council.objects.create(
            establishment=self.establishment,
            period=period,
            school_class=school_class,
            status=Council.Status.PUBLISHED if publish else Council.Status.PREPARED,
            held_on=held_on,
            class_comment=(
                "Une classe agréable et volontaire ; le travail personnel doit encore gagner en régularité."
                if publish
                else "Classe dynamique, des résultats hétérogènes : le conseil insiste sur le travail à la maison."
            ),
            prepared_by_id=preparer,
            validated_by_id=head if publish else None,
            validated_at=_aware(held_on, 17) if publish else None,
            published_at=_aware(held_on, 18) if publish else None,
        )
        decisions: list[CouncilDecision] = []
        for student_id in sorted(pupils):
            overall = averages.overall_average(per_student.get(student_id, []))
            _floor, text, mention = next(
                (row for row in GENERAL_COMMENTS if overall is not None and overall >= row[0]), GENERAL_COMMENTS[3]
            )
            decisions.append(
                CouncilDecision(
                    establishment=self.establishment,
                    council=council,
                    student_id=student_id,
                    general_comment=text,
                    mention=mention,
                    decision="Accompagnement personnalisé proposé" if mention == Mention.WARNING_WORK else "",
                )
            )
        CouncilDecision.objects.bulk_create(decisions, batch_size=1000)
        self.rows += len(comments) + 1 + len(decisions)
        return council
