"""Import weekly lessons from a CSV file (see ``docs/timetable.md`` for the format).

One line per weekly lesson::

    day;start;end;subject;teacher;class;group;room;weeks
    lundi;08:30;09:25;MATHS;fatima.petit;6A;;B12;
    mardi;10:30;11:25;ANG;paul.roux;;6A-ANG1;C03;A

Headers may be in French or English (``jour``, ``debut``, ``fin``, ``matiere``, ``enseignant``,
``classe``, ``groupe``, ``salle``, ``semaine``). The subject is its code or name, the teacher
their username or e-mail, the class and group their codes. A missing teaching (teacher ×
subject × class or group) is created; an unknown room is created with a warning. Nothing is
written before the preview is confirmed, and the whole file is applied in one transaction:
re-importing the same file changes nothing.
"""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from romsie.core.access.scope import Scope
from romsie.core.services import audit_record
from romsie.core.text import fold
from romsie.identity.models import Role, User
from romsie.schooling.models import Room, SchoolClass, Subject, Teaching, TeachingGroup

from .models import Lesson
from .services import current_year, lessons_end, lock_establishment_bookings, timetable_sync

HEADERS = {
    "day": ("day", "jour"),
    "start": ("start", "debut", "heure_debut", "starts_at"),
    "end": ("end", "fin", "heure_fin", "ends_at"),
    "subject": ("subject", "matiere"),
    "teacher": ("teacher", "enseignant", "professeur"),
    "class": ("class", "classe"),
    "group": ("group", "groupe"),
    "room": ("room", "salle"),
    "weeks": ("weeks", "week", "semaine", "semaines"),
}
DAYS = {
    "lundi": 0, "monday": 0, "mardi": 1, "tuesday": 1, "mercredi": 2, "wednesday": 2,
    "jeudi": 3, "thursday": 3, "vendredi": 4, "friday": 4, "samedi": 5, "saturday": 5,
}  # fmt: skip
REQUIRED = ("day", "start", "end", "subject", "teacher")


@dataclass
class Row:
    line: int
    weekday: int
    starts_at: datetime.time
    ends_at: datetime.time
    subject: Subject
    teacher: User
    school_class: SchoolClass | None
    group: TeachingGroup | None
    room_name: str
    weeks: str


@dataclass
class ImportPlan:
    rows: list[Row] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)
    warnings: list[tuple[int, str]] = field(default_factory=list)
    create: int = 0
    unchanged: int = 0
    delete: int = 0
    new_teachings: int = 0
    new_rooms: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else ISO-8859-1 as timetable software often writes."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("iso-8859-1")


def _header_map(header: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, name in enumerate(header):
        key = fold(name).strip().replace(" ", "_").replace("-", "_")
        for target, names in HEADERS.items():
            if key in names and target not in found:
                found[target] = index
    return found


def _time(value: str) -> datetime.time | None:
    value = value.strip().lower().replace("h", ":")
    if value.endswith(":"):
        value += "00"
    try:
        return datetime.time.fromisoformat(value if len(value) > 4 else f"0{value}")
    except ValueError:
        return None


def plan_import(scope: Scope, text: str, *, replace: bool) -> ImportPlan:
    """Read the file and compare it with the lessons in place; nothing is written."""
    plan = ImportPlan()
    year = current_year(scope)
    sample = text[:2000]
    delimiter = ";" if sample.count(";") >= sample.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        plan.errors.append((1, _("The file is empty.")))
        return plan
    columns = _header_map(header)
    missing = [name for name in REQUIRED if name not in columns]
    if missing or ("class" not in columns and "group" not in columns):
        plan.errors.append((1, _("Missing columns: %(columns)s.") % {"columns": ", ".join(missing or ["class/group"])}))
        return plan
    eid = scope.establishment_id
    subjects: dict[str, Subject] = {}
    for known_subject in Subject.objects.filter(establishment_id=eid):
        subjects[fold(known_subject.code)] = known_subject
        subjects.setdefault(fold(known_subject.name), known_subject)
    teachers: dict[str, User] = {}
    for known in User.objects.filter(
        role_assignments__establishment_id=eid, role_assignments__role=Role.TEACHER, role_assignments__is_active=True
    ).distinct():
        teachers[known.username.lower()] = known
        if known.email:
            teachers.setdefault(known.email.lower(), known)
    classes = {fold(c.code): c for c in SchoolClass.objects.filter(establishment_id=eid, school_year=year)}
    groups = {fold(g.code): g for g in TeachingGroup.objects.filter(establishment_id=eid, school_year=year)}
    rooms = {fold(r.name) for r in Room.objects.filter(establishment_id=eid)}

    def cell(values: list[str], name: str) -> str:
        index = columns.get(name)
        return values[index].strip() if index is not None and index < len(values) else ""

    for line, values in enumerate(reader, start=2):
        if not any(v.strip() for v in values):
            continue
        problems = []
        weekday = DAYS.get(fold(cell(values, "day")))
        if weekday is None:
            problems.append(_("unknown day “%(value)s”") % {"value": cell(values, "day")})
        starts_at, ends_at = _time(cell(values, "start")), _time(cell(values, "end"))
        if starts_at is None or ends_at is None:
            problems.append(_("times must look like 08:30"))
        elif ends_at <= starts_at:
            problems.append(_("the lesson must end after it starts"))
        subject: Subject | None = subjects.get(fold(cell(values, "subject")))
        if subject is None:
            problems.append(_("unknown subject “%(value)s”") % {"value": cell(values, "subject")})
        teacher: User | None = teachers.get(cell(values, "teacher").lower())
        if teacher is None:
            problems.append(_("unknown teacher “%(value)s”") % {"value": cell(values, "teacher")})
        class_code, group_code = cell(values, "class"), cell(values, "group")
        school_class = classes.get(fold(class_code)) if class_code else None
        group = groups.get(fold(group_code)) if group_code else None
        if group_code and group is None:
            problems.append(_("unknown group “%(value)s”") % {"value": group_code})
        elif class_code and school_class is None and group is None:
            problems.append(_("unknown class “%(value)s”") % {"value": class_code})
        elif school_class is None and group is None:
            problems.append(_("a class or a group is required"))
        weeks = cell(values, "weeks").upper()
        if weeks not in ("", "A", "B"):
            problems.append(_("weeks must be empty, A or B"))
        if problems:
            plan.errors.append((line, "; ".join(problems)))
            continue
        room_name = cell(values, "room")
        if room_name and fold(room_name) not in rooms:
            rooms.add(fold(room_name))
            plan.new_rooms.append(room_name)
            plan.warnings.append((line, _("room “%(value)s” will be created") % {"value": room_name}))
        plan.rows.append(
            Row(line, weekday, starts_at, ends_at, subject, teacher, None if group else school_class,  # type: ignore[arg-type]
                group, room_name, weeks)
        )  # fmt: skip
    _compare(scope, plan, replace=replace)
    return plan


Key = tuple[Any, ...]


def _row_key(teaching_key: Key, row: Row) -> Key:
    return (*teaching_key, row.weekday, row.starts_at, row.weeks)


def _compare(scope: Scope, plan: ImportPlan, *, replace: bool) -> None:
    existing: dict[Key, Lesson] = {
        (les.teaching.teacher_id, les.teaching.subject_id, les.teaching.school_class_id,
         les.teaching.teaching_group_id, les.weekday, les.starts_at, les.weeks): les
        for les in Lesson.objects.filter(
            establishment_id=scope.establishment_id, school_year__is_current=True, until__isnull=True
        ).select_related("teaching")
    }  # fmt: skip
    teachings: set[Key] = set(
        Teaching.objects.filter(establishment_id=scope.establishment_id).values_list(
            "teacher_id", "subject_id", "school_class_id", "teaching_group_id"
        )
    )
    seen = set()
    for row in plan.rows:
        tkey = (row.teacher.pk, row.subject.pk, row.school_class.pk if row.school_class else None,
                row.group.pk if row.group else None)  # fmt: skip
        if tkey not in teachings:
            teachings.add(tkey)
            plan.new_teachings += 1
        key = _row_key(tkey, row)
        seen.add(key)
        lesson = existing.get(key)
        if lesson is None:
            plan.create += 1
        else:
            plan.unchanged += 1
    if replace:
        plan.delete = len(set(existing) - seen)


@transaction.atomic
def apply_import(scope: Scope, text: str, *, replace: bool) -> ImportPlan:
    """Re-plan the file and write it in one transaction; refuse it whole if it has errors.

    The establishment's rooms and teachers are locked first: a concurrent lesson or session
    change (which checks clashes under the same locks) waits, then sees the imported lessons.
    """
    lock_establishment_bookings(scope.establishment_id)  # type: ignore[arg-type]
    plan = plan_import(scope, text, replace=replace)
    if not plan.ok:
        return plan
    year = current_year(scope)
    eid = scope.establishment_id
    for name in plan.new_rooms:
        Room.objects.get_or_create(establishment_id=eid, name=name)
    rooms = {fold(r.name): r for r in Room.objects.filter(establishment_id=eid)}
    existing: dict[Key, Lesson] = {
        (les.teaching.teacher_id, les.teaching.subject_id, les.teaching.school_class_id,
         les.teaching.teaching_group_id, les.weekday, les.starts_at, les.weeks): les
        for les in Lesson.objects.filter(establishment_id=eid, school_year=year, until__isnull=True).select_related(
            "teaching"
        )
    }  # fmt: skip
    keep: set[int] = set()
    for row in plan.rows:
        teaching, _created = Teaching.objects.get_or_create(
            establishment_id=eid,
            teacher=row.teacher,
            subject=row.subject,
            school_class=row.school_class,
            teaching_group=row.group,
        )
        key = _row_key((teaching.teacher_id, teaching.subject_id, teaching.school_class_id,
                        teaching.teaching_group_id), row)  # fmt: skip
        room = rooms.get(fold(row.room_name)) if row.room_name else None
        lesson = existing.get(key)
        if lesson is None:
            lesson = Lesson.objects.create(
                establishment_id=eid, school_year=year, teaching=teaching, room=room, weekday=row.weekday,
                starts_at=row.starts_at, ends_at=row.ends_at, weeks=row.weeks,
            )  # fmt: skip
            existing[key] = lesson
        elif (lesson.ends_at, lesson.room_id) != (row.ends_at, room.pk if room else None):
            lesson.ends_at, lesson.room = row.ends_at, room
            lesson.save(update_fields=["ends_at", "room"])
        keep.add(lesson.pk)
    if replace:
        current = Lesson.objects.filter(establishment_id=eid, school_year=year, until__isnull=True)
        lessons_end(lessons=current.exclude(pk__in=keep))
    timetable_sync(school_year=year)
    audit_record(scope=scope, action="timetable.imported", target=year, lessons=len(plan.rows))
    return plan
