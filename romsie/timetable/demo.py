"""Demo timetables: the school calendar of 2026-2027 and a plausible week for every class.

Lessons are placed greedily in a weekly grid without double-booking a class, a teacher, a
teaching group's classes or a room; half-hours of the official programmes become lessons in
week A or week B. Sessions are then generated for the whole year, and a few are changed
(a cancellation, a substitute, a room change) so the demo shows what families see.
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction

from romsie.establishments.models import Establishment
from romsie.schooling.models import Room, SchoolYear, Teaching, TeachingGroup

from .models import DayOff, Lesson, Session
from .services import timetable_sync, weeks_generate

T = datetime.time
HOLIDAYS_2026_2027 = (
    ("Vacances de la Toussaint", datetime.date(2026, 10, 17), datetime.date(2026, 11, 1)),
    ("Armistice", datetime.date(2026, 11, 11), datetime.date(2026, 11, 11)),
    ("Vacances de Noël", datetime.date(2026, 12, 19), datetime.date(2027, 1, 3)),
    ("Vacances d'hiver", datetime.date(2027, 2, 20), datetime.date(2027, 3, 7)),
    ("Vacances de printemps", datetime.date(2027, 4, 17), datetime.date(2027, 5, 2)),
    ("Pont de l'Ascension", datetime.date(2027, 5, 13), datetime.date(2027, 5, 14)),
    ("Lundi de Pentecôte", datetime.date(2027, 5, 17), datetime.date(2027, 5, 17)),
)
COLLEGE_SLOTS = [T(8, 30), T(9, 25), T(10, 30), T(11, 25), T(13, 30), T(14, 25), T(15, 30), T(16, 25)]
COLLEGE_DAYS = (0, 1, 2, 3, 4)
PRIMARY_BLOCKS = [(T(8, 30), T(10, 0)), (T(10, 15), T(11, 30)), (T(13, 30), T(15, 0)), (T(15, 15), T(16, 30))]
PRIMARY_DAYS = (0, 1, 3, 4)
#: Weekly hours per subject in a collège: (every week, extra hour in week A or B).
COLLEGE_HOURS = {
    "FRANC": (4, "A"), "MATHS": (3, "B"), "HIGEO": (3, ""), "EMC": (0, "B"), "ANGL": (3, ""),
    "ESPA": (2, "A"), "ALLEM": (2, "A"), "LATIN": (1, ""), "SVT": (1, "A"), "PHYCH": (1, "B"),
    "TECHN": (1, "A"), "EPS": (3, ""), "ARTPL": (1, ""), "EDMUS": (1, ""),
}  # fmt: skip
#: Blocks per week per subject in a primary school (four blocks a day, four days).
PRIMARY_BLOCKS_PER_SUBJECT = {
    "FRANC": 5, "MATHS": 4, "LVE": 1, "QLM": 1, "SCTEC": 1, "HIGEO": 1, "EMC": 1, "ARTPL": 1, "EDMUS": 0, "EPS": 1,
}  # fmt: skip
SPECIAL_ROOMS = {
    "SVT": "Laboratoire de SVT", "PHYCH": "Laboratoire de physique-chimie", "TECHN": "Salle de technologie",
    "ARTPL": "Salle d'arts plastiques", "EDMUS": "Salle de musique", "EPS": "Gymnase",
}  # fmt: skip


def _plus(start: datetime.time, minutes: int) -> datetime.time:
    return (datetime.datetime.combine(datetime.date(2000, 1, 1), start) + datetime.timedelta(minutes=minutes)).time()


@dataclass(frozen=True)
class _Unit:
    teaching: Teaching
    weeks: str
    classes: tuple[int, ...]


class _Grid:
    """Who is busy when: keys are (kind, id, weekday, start, week) with week in "A", "B"."""

    def __init__(self) -> None:
        self.busy: set[tuple[str, int, int, datetime.time, str]] = set()

    @staticmethod
    def _weeks(weeks: str) -> tuple[str, ...]:
        return (weeks,) if weeks else ("A", "B")

    def free(self, keys: Iterable[tuple[str, int]], day: int, start: datetime.time, weeks: str) -> bool:
        return all((kind, pk, day, start, w) not in self.busy for kind, pk in keys for w in self._weeks(weeks))

    def take(self, keys: Iterable[tuple[str, int]], day: int, start: datetime.time, weeks: str) -> None:
        for kind, pk in keys:
            for w in self._weeks(weeks):
                self.busy.add((kind, pk, day, start, w))


def _units(teachings: list[Teaching], group_classes: dict[int, tuple[int, ...]], college: bool) -> list[_Unit]:
    units = []
    for teaching in teachings:
        code = teaching.subject.code
        classes = (teaching.school_class_id,) if teaching.school_class_id else group_classes.get(
            teaching.teaching_group_id or 0, ())  # fmt: skip
        if college:
            hours, extra = COLLEGE_HOURS.get(code, (1, ""))
            units += [_Unit(teaching, "", classes)] * hours
            if extra:
                units.append(_Unit(teaching, extra, classes))
        else:
            units += [_Unit(teaching, "", classes)] * PRIMARY_BLOCKS_PER_SUBJECT.get(code, 1)
    return units


def _place(establishment: Establishment, year: SchoolYear, rng: random.Random) -> list[Lesson]:
    college = establishment.kind in (Establishment.Kind.LOWER_SECONDARY, Establishment.Kind.UPPER_SECONDARY)
    teachings = list(
        Teaching.objects.filter(establishment=establishment)
        .filter(school_class__school_year=year)
        .select_related("subject")
        | Teaching.objects.filter(establishment=establishment, teaching_group__school_year=year).select_related(
            "subject"
        )
    )
    group_classes: dict[int, list[int]] = defaultdict(list)
    for teaching in teachings:
        if teaching.teaching_group_id:
            group_classes.setdefault(teaching.teaching_group_id, [])
    through = TeachingGroup.school_classes.through
    for group_id, class_id in through.objects.filter(teachinggroup_id__in=list(group_classes)).values_list(
        "teachinggroup_id", "schoolclass_id"
    ):
        group_classes[group_id].append(class_id)
    frozen = {k: tuple(v) for k, v in group_classes.items()}
    rooms = list(Room.objects.filter(establishment=establishment).order_by("name"))
    by_name = {room.name: room for room in rooms}
    plain = [r for r in rooms if r.name.startswith("Salle ") and r.name not in SPECIAL_ROOMS.values()]
    class_ids = sorted({t.school_class_id for t in teachings if t.school_class_id})
    home_room = {cid: plain[i % len(plain)] for i, cid in enumerate(class_ids)} if plain else {}
    units = _units(teachings, frozen, college)
    rng.shuffle(units)
    # Group lessons first: they tie several classes at once.
    units.sort(key=lambda u: -len(u.classes))
    if college:
        slots = [(d, s, _plus(s, 55)) for d in COLLEGE_DAYS for s in (COLLEGE_SLOTS[:4] if d == 2 else COLLEGE_SLOTS)]
    else:
        slots = [(d, s, e) for d in PRIMARY_DAYS for s, e in PRIMARY_BLOCKS]
    grid = _Grid()
    lessons: list[Lesson] = []
    for unit in units:
        code = unit.teaching.subject.code
        wanted_room = by_name.get(SPECIAL_ROOMS.get(code, "")) if college else None
        room = wanted_room or (home_room.get(unit.classes[0]) if unit.classes else None)
        order = slots[:]
        rng.shuffle(order)
        for day, start, end in order:
            keys = [("class", c) for c in unit.classes] + [("teacher", unit.teaching.teacher_id)]
            room_key = [("room", room.pk)] if room is not None and code != "EPS" else []
            if grid.free(keys + room_key, day, start, unit.weeks):
                grid.take(keys + room_key, day, start, unit.weeks)
                lessons.append(
                    Lesson(establishment=establishment, school_year=year, teaching=unit.teaching, room=room,
                           weekday=day, starts_at=start, ends_at=end, weeks=unit.weeks)
                )  # fmt: skip
                break
    return lessons


@transaction.atomic
def populate(establishment_ids: Iterable[int], *, seed: int = 2026) -> int:
    """Give each establishment its calendar, lessons and a year of sessions; return the sessions."""
    rng = random.Random(seed)
    for establishment in Establishment.objects.filter(pk__in=list(establishment_ids)).order_by("pk"):
        year = SchoolYear.objects.filter(establishment=establishment, is_current=True).first()
        if year is None:
            continue
        DayOff.objects.bulk_create(
            DayOff(establishment=establishment, school_year=year, name=name, starts_on=start, ends_on=end)
            for name, start, end in HOLIDAYS_2026_2027
            if year.starts_on <= start <= year.ends_on
        )
        lessons = _place(establishment, year, rng)
        unique = {(les.teaching_id, les.weekday, les.starts_at, les.weeks): les for les in lessons}
        Lesson.objects.bulk_create(unique.values(), batch_size=500)
        weeks_generate(school_year=year, today=year.starts_on)
        timetable_sync(school_year=year, today=year.starts_on)
        _changes(establishment, rng)
    return Session.objects.filter(establishment_id__in=list(establishment_ids)).count()


def _changes(establishment: Establishment, rng: random.Random) -> None:
    """A cancelled lesson, a substitute and a room change in the coming days, as staff record them."""
    from django.utils import timezone

    today = timezone.localdate()
    upcoming = list(
        Session.objects.filter(establishment=establishment, date__gte=today, date__lte=today + datetime.timedelta(7))
        .select_related("teaching")
        .order_by("date", "starts_at")[:200]
    )
    if len(upcoming) < 3:
        return
    picked = rng.sample(upcoming, 3)
    cancelled, substituted, moved_room = picked
    Session.objects.filter(pk=cancelled.pk).update(
        status=Session.Status.CANCELLED, change_note="Enseignant absent", version=1, changed_at=timezone.now()
    )
    other_teacher = (
        Teaching.objects.filter(establishment=establishment).exclude(teacher_id=substituted.teacher_id).first()
    )
    if other_teacher is not None:
        Session.objects.filter(pk=substituted.pk).update(
            teacher_id=other_teacher.teacher_id, version=1, changed_at=timezone.now()
        )
    rooms = list(Room.objects.filter(establishment=establishment).exclude(pk=moved_room.room_id).order_by("pk"))
    if rooms:
        room = rng.choice(rooms)
        Session.objects.filter(pk=moved_room.pk).update(
            room=room, change_note="Salle changée", version=1, changed_at=timezone.now()
        )
