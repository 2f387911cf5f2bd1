"""Compare a feed with the database (the plan), then write the differences in batches.

Reads are a fixed number of queries per import; writes are a fixed number of bulk queries per
batch of people, each batch in its own transaction, so an interrupted import leaves whole
people behind and a re-run finishes the job without duplicates.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from romsie.core.access.scope import Scope
from romsie.core.models import AuditEvent
from romsie.core.text import fold
from romsie.establishments.models import Establishment, uai_validator
from romsie.establishments.services import establishment_create
from romsie.identity.models import ActivationCode, Guardianship, RoleAssignment, User
from romsie.identity.services import username_allocate
from romsie.schooling.models import (
    Enrollment,
    GroupMembership,
    Level,
    SchoolClass,
    SchoolYear,
    Subject,
    Teaching,
    TeachingGroup,
)

from .plan import PersonChange, Plan, StructureChange
from .records import CAT_GUARDIAN, CAT_PERSONNEL, CAT_STUDENT, Feed, PersonRecord, Problem, level_code

DEFAULT_BATCH_SIZE = 500
RETENTION_DAYS = 92  # about three months between deactivation and deletion
# Roles each category of file manages: roles outside these (digital lead, partner, after-school
# staff granted by hand) are never touched by an import.
MANAGED_ROLES: dict[str, set[tuple[str, str]]] = {
    CAT_STUDENT: {("student", "")},
    CAT_GUARDIAN: {("parent", "")},
    CAT_PERSONNEL: {("teacher", ""), ("staff", "head"), ("staff", "school_life"), ("staff", "librarian"),
                    ("staff", "office")},
}  # fmt: skip
_PERSON_FIELDS = ("first_name", "last_name", "email", "ine", "comes_of_age_on", "external_id")


def batch_size() -> int:
    """Return how many people one transaction writes (setting ``PROVISIONING_BATCH_SIZE``)."""
    return int(getattr(settings, "PROVISIONING_BATCH_SIZE", DEFAULT_BATCH_SIZE))


def school_year_name(today: datetime.date) -> tuple[str, datetime.date, datetime.date]:
    """Return the name and bounds of the school year containing ``today`` (it starts in September)."""
    start = today.year if today.month >= 8 else today.year - 1
    return f"{start}-{start + 1}", datetime.date(start, 9, 1), datetime.date(start + 1, 7, 4)


@dataclass
class _PersonOp:
    """Everything to write for one person; filled by the planner, executed by a batch."""

    key: str
    kind: str
    name: str
    user: User | None = None
    create: dict[str, Any] | None = None
    update: dict[str, Any] = field(default_factory=dict)
    set_active: bool | None = None
    roles_create: list[tuple[str, str, str]] = field(default_factory=list)  # (uai, role, function)
    roles_activate: list[int] = field(default_factory=list)
    roles_deactivate: list[int] = field(default_factory=list)
    enroll_create: list[tuple[str, str]] = field(default_factory=list)  # (uai, class code)
    enroll_delete: list[int] = field(default_factory=list)
    member_create: list[tuple[str, str]] = field(default_factory=list)  # (uai, group code)
    member_delete: list[int] = field(default_factory=list)
    changes: list[PersonChange] = field(default_factory=list)


@dataclass
class _Links:
    """Links between people and the structure, written once every person exists."""

    guardianship_create: list[tuple[str, str, str, dict[str, Any]]] = field(default_factory=list)
    guardianship_update: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    guardianship_delete: list[int] = field(default_factory=list)
    teaching_create: list[tuple[str, str, str, str, str]] = field(default_factory=list)  # uai, key, subj, cls, grp
    teaching_delete: list[int] = field(default_factory=list)
    homeroom_set: list[tuple[str, str, str]] = field(default_factory=list)  # uai, class code, teacher key

    def __len__(self) -> int:
        return sum(
            len(x)
            for x in (
                self.guardianship_create,
                self.guardianship_update,
                self.guardianship_delete,
                self.teaching_create,
                self.teaching_delete,
                self.homeroom_set,
            )
        )


@dataclass
class _Work:
    """The plan's executable side."""

    establishments: dict[str, Establishment]
    # UAIs of ``establishments`` still unsaved: created first (``provision_feed --territory``).
    establishments_create: list[str] = field(default_factory=list)
    years_create: list[str] = field(default_factory=list)
    classes_create: list[tuple[str, str, str, str]] = field(default_factory=list)  # uai, code, name, level
    classes_rename: list[tuple[int, str]] = field(default_factory=list)
    groups_create: list[tuple[str, str, str]] = field(default_factory=list)
    subjects_create: list[tuple[str, str, str]] = field(default_factory=list)
    people: list[_PersonOp] = field(default_factory=list)
    links: _Links = field(default_factory=_Links)


class _Planner:
    """Load what the database knows about the feed's people and structure, and diff it."""

    def __init__(self, feed: Feed, today: datetime.date) -> None:
        self.feed = feed
        self.today = today
        self.problems: list[Problem] = list(feed.problems)
        self.structures: list[StructureChange] = []

    def problem(self, severity: str, message: str, record: PersonRecord | None = None, key: str = "") -> None:
        file, line = (record.file, record.line) if record else ("", None)
        self.problems.append(Problem(severity, message, file, line, key or (record.key if record else "")))
        if severity == "error" and (key or record):
            self.feed.rejected_keys.add(key or record.key if record else key)

    # -- structure -------------------------------------------------------------------------------

    def load_structure(self) -> None:
        feed = self.feed
        uais = set(feed.establishments)
        for record in feed.people.values():
            uais |= record.uais
        found = {e.uai: e for e in Establishment.objects.filter(uai__in=uais)}
        new = self._plan_new_establishments(found) if feed.territory_id is not None else {}
        for uai in sorted(uais - set(found) - set(new)):
            self.problem("error", _("establishment %(uai)s is not in the ENT: its records are ignored") % {"uai": uai})
        ids = [e.pk for e in found.values()]
        found.update(new)
        self.establishments = found
        self.work = _Work(establishments=found, establishments_create=sorted(new))
        self.years = {
            y.establishment_id: y for y in SchoolYear.objects.filter(establishment_id__in=ids, is_current=True)
        }
        name, _start, _end = school_year_name(self.today)
        for uai, establishment in sorted(found.items()):
            if establishment.pk not in self.years:
                self.work.years_create.append(uai)
                self.structures.append(StructureChange("school_year", "create", uai, name))
        year_ids = [y.pk for y in self.years.values()]
        self.classes: dict[tuple[str, str], SchoolClass] = {}
        self.groups: dict[tuple[str, str], TeachingGroup] = {}
        self.subjects: dict[tuple[str, str], Subject] = {}
        uai_of = {e.pk: e.uai for e in found.values()}
        for cls in SchoolClass.objects.filter(school_year_id__in=year_ids):
            self.classes[(uai_of[cls.establishment_id], cls.code)] = cls
        for group in TeachingGroup.objects.filter(school_year_id__in=year_ids):
            self.groups[(uai_of[group.establishment_id], group.code)] = group
        for subject in Subject.objects.filter(establishment_id__in=ids):
            self.subjects[(uai_of[subject.establishment_id], subject.code)] = subject
        levels = set(Level.objects.values_list("code", flat=True))
        # Known codes, existing or planned: what students and teachings may refer to.
        self.class_codes = set(self.classes)
        self.group_codes = set(self.groups)
        for uai, structure in feed.establishments.items():
            if uai not in found:
                continue
            for code, label in structure.classes.items():
                level = structure.class_levels.get(code) or level_code(code) or level_code(label)
                existing = self.classes.get((uai, code))
                if existing is not None:
                    if label and label != code and existing.name != label:
                        self.work.classes_rename.append((existing.pk, label))
                        self.structures.append(StructureChange("class", "update", uai, f"{code}: {label}"))
                    continue
                if level not in levels:
                    self.problem("error", _("cannot tell the level of class %(code)s; class skipped") % {"code": code})
                    continue
                self.work.classes_create.append((uai, code, label or code, str(level)))
                self.class_codes.add((uai, code))
                self.structures.append(StructureChange("class", "create", uai, label or code))
            for code, label in structure.groups.items():
                if (uai, code) not in self.groups:
                    self.work.groups_create.append((uai, code, label or code))
                    self.group_codes.add((uai, code))
                    self.structures.append(StructureChange("group", "create", uai, label or code))
        # Subjects are national: every establishment of the import gets the ones listed.
        self.subject_codes = set(self.subjects)
        for uai in sorted(found):
            for code, label in sorted(feed.subjects.items()):
                if (uai, code) not in self.subjects:
                    self.work.subjects_create.append((uai, code, label))
                    self.subject_codes.add((uai, code))
                    self.structures.append(StructureChange("subject", "create", uai, f"{code} {label}"))

    def _plan_new_establishments(self, found: dict[str, Establishment]) -> dict[str, Establishment]:
        """Plan the establishments of the structure file the ENT does not know, in the feed's territory.

        Returns them unsaved, by UAI; the writer creates them first (``establishment_create``).
        One the feed cannot describe (bad UAI, no name, unknown type) is an error: not created,
        its people are refused like those of any unknown establishment.
        """
        new: dict[str, Establishment] = {}
        for uai, record in sorted(self.feed.establishments.items()):
            existing = found.get(uai)
            if existing is not None:
                if existing.territory_id != self.feed.territory_id:
                    self.problem(
                        "warning",
                        _("establishment %(uai)s already belongs to another territory: left there") % {"uai": uai},
                    )
                continue
            try:
                uai_validator(uai)
            except ValidationError:
                self.problem("error", _("%(uai)s is not a valid UAI: establishment not created") % {"uai": uai})
                continue
            if not record.name or not record.kind:
                self.problem(
                    "error",
                    _("establishment %(uai)s has no name or an unknown type (%(type)s): not created")
                    % {"uai": uai, "type": record.type_code or "-"},
                )
                continue
            new[uai] = Establishment(
                territory_id=self.feed.territory_id,
                uai=uai,
                name=record.name[:150],
                kind=record.kind,
                address=record.address[:200],
                postal_code=record.postal_code[:10],
                city=record.city[:100],
            )
            label = Establishment.Kind(record.kind).label
            self.structures.append(StructureChange("establishment", "create", uai, f"{record.name} ({label})"))
        return new

    # -- people ----------------------------------------------------------------------------------

    def load_people(self) -> None:
        feed = self.feed
        keys = set(feed.people) | {r.key for r in feed.deletions}
        for record in feed.people.values():
            keys |= set(record.children or [])
            keys |= {g.guardian_key for g in record.guardians or []}
        ines = {r.ine for r in feed.people.values() if r.category == CAT_STUDENT and r.ine}
        users = list(User.objects.filter(Q(external_id__in=keys) | Q(ine__in=ines)))
        self.by_key = {u.external_id: u for u in users if u.external_id}
        self.by_ine = {u.ine: u for u in users if u.ine}
        user_ids = [u.pk for u in users]
        self.roles: dict[int, list[RoleAssignment]] = defaultdict(list)
        for ra in RoleAssignment.objects.filter(user_id__in=user_ids).select_related("establishment"):
            self.roles[ra.user_id].append(ra)
        scope_ids = [e.pk for e in self.establishments.values() if e.pk is not None]
        year_ids = [y.pk for y in self.years.values()]
        self.enrollments: dict[int, list[Enrollment]] = defaultdict(list)
        for enrollment in Enrollment.objects.filter(
            student_id__in=user_ids, school_class__school_year_id__in=year_ids
        ).select_related("school_class"):
            self.enrollments[enrollment.student_id].append(enrollment)
        self.memberships: dict[int, list[GroupMembership]] = defaultdict(list)
        for membership in GroupMembership.objects.filter(
            student_id__in=user_ids, teaching_group__school_year_id__in=year_ids
        ).select_related("teaching_group"):
            self.memberships[membership.student_id].append(membership)
        self.guardianships: dict[int, list[Guardianship]] = defaultdict(list)
        for link in Guardianship.objects.filter(student_id__in=user_ids, establishment_id__in=scope_ids):
            self.guardianships[link.student_id].append(link)
        self.teachings: dict[int, list[Teaching]] = defaultdict(list)
        for teaching in Teaching.objects.filter(teacher_id__in=user_ids, establishment_id__in=scope_ids).select_related(
            "subject", "school_class", "teaching_group"
        ):
            self.teachings[teaching.teacher_id].append(teaching)

    def match(self, record: PersonRecord) -> User | None:
        """Find the account of a record: by its key, else (students) by INE; never by names."""
        user = self.by_key.get(record.key)
        if user is None and record.category == CAT_STUDENT and record.ine:
            user = self.by_ine.get(record.ine)
        return user

    def uai_of(self, establishment_id: int) -> str:
        return next((u for u, e in self.establishments.items() if e.pk == establishment_id), "")

    def plan_people(self) -> None:
        feed = self.feed
        # Guardians belong to their children's establishments.
        children_of: dict[str, set[str]] = defaultdict(set)
        for record in feed.people.values():
            for link in record.guardians or []:
                children_of[link.guardian_key].add(record.key)
        for record in feed.people.values():
            if record.category == CAT_GUARDIAN:
                for child_key in record.children or []:
                    children_of[record.key].add(child_key)
        student_uais: dict[str, set[str]] = {}
        for key in {k for keys in children_of.values() for k in keys}:
            child = feed.people.get(key)
            if child is not None:
                student_uais[key] = set((child.roles or {}).keys())
            elif key in self.by_key:
                student_uais[key] = {
                    ra.establishment.uai
                    for ra in self.roles[self.by_key[key].pk]
                    if ra.role == "student" and ra.is_active
                }
        taken: set[str] | None = None
        seen_users: set[int] = set()
        for record in sorted(feed.people.values(), key=lambda r: (r.category != CAT_STUDENT, r.key)):
            if record.key in feed.rejected_keys:
                continue
            if record.category == CAT_GUARDIAN:
                uais: set[str] = set()
                for child_key in sorted(children_of.get(record.key, ())):
                    if child_key not in student_uais:
                        self.problem(
                            "warning", _("guardian's child %(key)s cannot be matched") % {"key": child_key}, record
                        )
                        continue
                    uais |= student_uais[child_key]
                record.roles = {uai: {("parent", "")} for uai in uais}
            user = self.match(record)
            if user is not None and user.pk in seen_users:
                self.problem("error", _("two records match the same account; record skipped"), record)
                continue
            roles = {u: r for u, r in (record.roles or {}).items() if u in self.establishments}
            if record.roles is not None and not roles and user is None:
                self.problem("error", _("no establishment of this person is in the ENT; record skipped"), record)
                continue
            if user is None and record.operation == "modify":
                self.problem("error", _("modification of an unknown person; record skipped"), record)
                continue
            if user is None:
                if taken is None:
                    taken = set(User.objects.values_list("username", flat=True))
                op = self._plan_create(record, taken)
            else:
                seen_users.add(user.pk)
                op = self._plan_update(record, user)
            self._plan_roles(op, record, roles)
            if record.category == CAT_STUDENT:
                self._plan_schooling(op, record)
            self._finish(op, record)
        self._plan_links()
        self._plan_leavers()

    def _plan_create(self, record: PersonRecord, taken: set[str]) -> _PersonOp:
        first, last = (record.first_name or "").strip(), (record.last_name or "").strip()
        op = _PersonOp(key=record.key, kind=record.kind, name=record.display_name)
        op.create = {
            "username": username_allocate(first, last, taken),
            "first_name": first[:150],
            "last_name": last[:150],
            "email": record.email or "",
            "ine": (record.ine or "")[:11],
            # Students only: guardians and staff never get one, whatever the feed says.
            "comes_of_age_on": record.comes_of_age_on if record.category == CAT_STUDENT else None,
            "external_id": record.key,
            "search_name": fold(f"{last} {first}"),
        }
        uai = next(iter(sorted((record.roles or {}).keys())), "")
        detail = next(iter((record.classes or {}).values()), "")
        op.changes.append(
            PersonChange(record.key, op.kind, op.name, "create", uai, (), detail, record.file, record.line)
        )
        return op

    def _plan_update(self, record: PersonRecord, user: User) -> _PersonOp:
        op = _PersonOp(key=record.key, kind=record.kind, name=record.display_name, user=user)
        wanted: dict[str, str | datetime.date | None] = {
            "first_name": record.first_name.strip() if record.first_name else None,
            "last_name": record.last_name.strip() if record.last_name else None,
            # The feed sets an e-mail, never clears one: people may have given their own.
            "email": record.email or None,
            "ine": record.ine,
            # Set or changed from a student's readable birth date, never cleared (None: unchanged).
            "comes_of_age_on": record.comes_of_age_on if record.category == CAT_STUDENT else None,
            "external_id": record.key,
        }
        for name, value in wanted.items():
            if value is not None and getattr(user, name) != value:
                op.update[name] = value
        if "first_name" in op.update or "last_name" in op.update:
            first = op.update.get("first_name", user.first_name)
            last = op.update.get("last_name", user.last_name)
            op.update["search_name"] = fold(f"{last} {first}")
        if not user.is_active:
            op.set_active = True
            op.update.update(is_active=True, deactivated_at=None, deletion_due_on=None)
        return op

    def _plan_roles(self, op: _PersonOp, record: PersonRecord, roles: dict[str, set[tuple[str, str]]]) -> None:
        if record.roles is None:
            return
        existing = self.roles.get(op.user.pk, []) if op.user else []
        managed = MANAGED_ROLES[record.category]
        for uai, wanted in roles.items():
            establishment = self.establishments[uai]
            for role, function in sorted(wanted):
                current = next(
                    (
                        ra
                        for ra in existing
                        if ra.establishment_id == establishment.pk and ra.role == role and ra.function == function
                    ),
                    None,
                )
                if current is None:
                    op.roles_create.append((uai, role, function))
                elif not current.is_active:
                    op.roles_activate.append(current.pk)
        for ra in existing:
            uai = self.uai_of(ra.establishment_id)
            key = (ra.role, ra.function)
            if uai and ra.is_active and key in managed and key not in roles.get(uai, set()):
                op.roles_deactivate.append(ra.pk)
        if record.category == CAT_STUDENT and op.user is not None:
            elsewhere = {
                ra.establishment.uai
                for ra in existing
                if ra.role == "student" and ra.is_active and ra.establishment.uai not in roles
            }
            if elsewhere and roles:
                self.problem(
                    "warning",
                    _("already a student in another establishment (%(uais)s)") % {"uais": ", ".join(sorted(elsewhere))},
                    record,
                )

    def _plan_schooling(self, op: _PersonOp, record: PersonRecord) -> None:
        user_id = op.user.pk if op.user else None
        if record.classes is not None:
            for uai, code in record.classes.items():
                if uai not in self.establishments:
                    continue
                if (uai, code) not in self.class_codes:
                    self.problem("error", _("unknown class %(code)s; student skipped") % {"code": code}, record)
                    op.changes.clear()
                    op.create = None
                    op.update = {}
                    op.roles_create.clear()
                    op.kind = "skip"
                    return
                current = [
                    e
                    for e in self.enrollments.get(user_id or 0, [])
                    if e.establishment_id == self.establishments[uai].pk
                ]
                if any(e.school_class.code == code for e in current):
                    continue
                op.enroll_create.append((uai, code))
                op.enroll_delete.extend(e.pk for e in current)
                if current:
                    old = current[0].school_class.code
                    op.changes.append(
                        PersonChange(
                            record.key, op.kind, op.name, "move", uai, (), f"{old} -> {code}", record.file, record.line
                        )
                    )
        if record.groups is not None:
            for uai, establishment in self.establishments.items():
                if uai not in (record.roles or {}):
                    continue
                wanted = record.groups.get(uai, set())
                members = {
                    m.teaching_group.code: m
                    for m in self.memberships.get(user_id or 0, [])
                    if m.establishment_id == establishment.pk
                }
                for code in sorted(wanted - set(members)):
                    if (uai, code) in self.group_codes:
                        op.member_create.append((uai, code))
                    else:
                        self.problem("warning", _("unknown group %(code)s ignored") % {"code": code}, record)
                op.member_delete.extend(m.pk for code, m in members.items() if code not in wanted)

    def _finish(self, op: _PersonOp, record: PersonRecord) -> None:
        if op.kind == "skip":
            return
        uai = next(iter(sorted((record.roles or {}).keys())), "")
        if op.user is not None:
            fields = tuple(f for f in _PERSON_FIELDS if f in op.update)
            role_changes = op.roles_create or op.roles_deactivate or op.roles_activate
            group_changes = op.member_create or op.member_delete
            if op.set_active or op.roles_activate:
                op.changes.append(
                    PersonChange(op.key, op.kind, op.name, "reactivate", uai, fields, "", record.file, record.line)
                )
            elif fields or role_changes or group_changes:
                extra: tuple[str, ...] = ("roles",) if role_changes else ()
                extra += ("groups",) if group_changes else ()
                op.changes.append(
                    PersonChange(op.key, op.kind, op.name, "update", uai, fields + extra, "", record.file, record.line)
                )
        if op.changes or op.enroll_create or op.member_create or op.member_delete or op.roles_deactivate:
            self.work.people.append(op)

    # -- links -----------------------------------------------------------------------------------

    def _plan_links(self) -> None:
        feed, links = self.feed, self.work.links
        known = set(feed.people) - feed.rejected_keys | set(self.by_key)
        for record in feed.people.values():
            if record.key in feed.rejected_keys or record.category != CAT_STUDENT or record.guardians is None:
                continue
            user = self.match(record)
            current = (
                {(g.guardian_id, g.establishment_id): g for g in self.guardianships.get(user.pk, [])} if user else {}
            )
            keep: set[int] = set()
            for uai in (record.roles or {}).keys() & self.establishments.keys():
                establishment = self.establishments[uai]
                for link in record.guardians:
                    if link.guardian_key not in known:
                        self.problem("warning", _("guardian %(key)s not found") % {"key": link.guardian_key}, record)
                        continue
                    values = {
                        "kind": Guardianship.Kind.LEGAL if link.is_legal else Guardianship.Kind.OTHER,
                        "relationship": link.relationship,
                        "receives_mail": link.receives_mail,
                        "can_justify_absences": link.is_legal,
                    }
                    guardian = self.by_key.get(link.guardian_key)
                    existing = current.get((guardian.pk, establishment.pk)) if guardian else None
                    if existing is None:
                        links.guardianship_create.append((uai, link.guardian_key, record.key, values))
                        self.structures.append(
                            StructureChange("guardianship", "create", uai, f"{link.guardian_key} -> {record.key}")
                        )
                        continue
                    keep.add(existing.pk)
                    changed = {k: v for k, v in values.items() if getattr(existing, k) != v}
                    if changed:
                        links.guardianship_update.append((existing.pk, changed))
                        self.structures.append(
                            StructureChange("guardianship", "update", uai, f"{link.guardian_key} -> {record.key}")
                        )
            for link_obj in current.values():
                if link_obj.pk not in keep:
                    links.guardianship_delete.append(link_obj.pk)
                    self.structures.append(
                        StructureChange("guardianship", "delete", self.uai_of(link_obj.establishment_id), record.key)
                    )
        homerooms: dict[tuple[str, str], str] = {}
        for record in feed.people.values():
            if record.key in feed.rejected_keys or record.category != CAT_PERSONNEL:
                continue
            user = self.match(record)
            if record.teachings is not None:
                taught = {
                    (
                        t.subject.code,
                        t.school_class.code if t.school_class else "",
                        t.teaching_group.code if t.teaching_group else "",
                        t.establishment_id,
                    ): t
                    for t in (self.teachings.get(user.pk, []) if user else [])
                }
                keep_ids: set[int] = set()
                for uai, code, subject in sorted(record.teachings):
                    if uai not in self.establishments:
                        continue
                    if (uai, subject) not in self.subject_codes:
                        self.work.subjects_create.append((uai, subject, subject))
                        self.subject_codes.add((uai, subject))
                        self.problem(
                            "warning",
                            _("subject %(code)s not listed: created with its code as name") % {"code": subject},
                            record,
                        )
                    if (uai, code) in self.class_codes:
                        cls, grp = code, ""
                    elif (uai, code) in self.group_codes:
                        cls, grp = "", code
                    else:
                        self.problem(
                            "warning", _("teaching in unknown class %(code)s ignored") % {"code": code}, record
                        )
                        continue
                    found = taught.get((subject, cls, grp, self.establishments[uai].pk))
                    if found is not None:
                        keep_ids.add(found.pk)
                        continue
                    links.teaching_create.append((uai, record.key, subject, cls, grp))
                    self.structures.append(StructureChange("teaching", "create", uai, f"{subject} {code} {record.key}"))
                for teaching in taught.values():
                    if teaching.pk not in keep_ids:
                        links.teaching_delete.append(teaching.pk)
                        self.structures.append(
                            StructureChange(
                                "teaching", "delete", self.uai_of(teaching.establishment_id), str(teaching.pk)
                            )
                        )
            for uai, code in sorted(record.homerooms or ()):
                if (uai, code) not in self.class_codes or uai not in self.establishments:
                    self.problem("warning", _("homeroom of unknown class %(code)s ignored") % {"code": code}, record)
                    continue
                if (uai, code) in homerooms:
                    self.problem(
                        "warning",
                        _("class %(code)s already has a homeroom teacher in this feed") % {"code": code},
                        record,
                    )
                    continue
                homerooms[(uai, code)] = record.key
                cls_obj = self.classes.get((uai, code))
                if cls_obj is None or user is None or cls_obj.homeroom_teacher_id != user.pk:
                    links.homeroom_set.append((uai, code, record.key))
                    self.structures.append(StructureChange("homeroom", "update", uai, f"{code}: {record.key}"))

    # -- leavers ---------------------------------------------------------------------------------

    def _plan_leavers(self) -> None:
        """Deactivate, in a full feed, whoever the feed's source provisioned and no longer lists."""
        feed = self.feed
        present = set(feed.people) | feed.rejected_keys
        leaving: dict[int, list[RoleAssignment]] = defaultdict(list)
        managed: set[tuple[str, str]] = set()
        for category in feed.full_categories:
            managed |= MANAGED_ROLES[category]
        if managed:
            condition = Q()
            for role, function in managed:
                condition |= Q(role=role, function=function)
            candidates = (
                RoleAssignment.objects.filter(
                    condition,
                    is_active=True,
                    establishment_id__in=[e.pk for e in self.establishments.values() if e.pk is not None],
                )
                .filter(user__external_id__startswith=f"{feed.source}:")
                .exclude(user__external_id__in=present)
                .select_related("user", "establishment")
            )
            for ra in candidates:
                leaving[ra.user_id].append(ra)
        for record in feed.deletions:
            user = self.by_key.get(record.key)
            if user is None:
                continue
            for ra in self.roles[user.pk]:
                if feed.restricted_to and ra.establishment.uai != feed.restricted_to:
                    continue  # an establishment's own import never ends a role elsewhere
                if ra.is_active and (ra.role, ra.function) in MANAGED_ROLES[record.category]:
                    leaving[user.pk].append(ra)
        if not leaving:
            return
        all_active: dict[int, set[int]] = defaultdict(set)
        for user_id, ra_id in RoleAssignment.objects.filter(user_id__in=leaving, is_active=True).values_list(
            "user_id", "pk"
        ):
            all_active[user_id].add(ra_id)
        for user_id, assignments in sorted(leaving.items()):
            user = (
                assignments[0].user if hasattr(assignments[0], "_state") and assignments[0].user_id == user_id else None
            )
            user = user or User.objects.get(pk=user_id)
            kind = {"student": "student", "parent": "guardian", "teacher": "teacher"}.get(assignments[0].role, "staff")
            op = _PersonOp(key=user.external_id, kind=kind, name=user.get_full_name(), user=user)
            op.roles_deactivate = sorted({ra.pk for ra in assignments})
            remaining = all_active[user_id] - set(op.roles_deactivate)
            uai = assignments[0].establishment.uai
            if not remaining and user.is_active and not user.is_superuser:
                op.set_active = False
                op.update = {
                    "is_active": False,
                    "session_epoch": user.session_epoch + 1,
                    "deactivated_at": None,  # set at write time
                    "deletion_due_on": self.today + datetime.timedelta(days=RETENTION_DAYS),
                }
            op.changes.append(PersonChange(op.key, kind, op.name, "deactivate", uai, ("roles",), "", "", None))
            self.work.people.append(op)


def build_plan(feed: Feed, *, today: datetime.date | None = None) -> tuple[Plan, _Work]:
    """Compare the feed with the database; write nothing."""
    planner = _Planner(feed, today or timezone.localdate())
    planner.load_structure()
    planner.load_people()
    planner.plan_people()
    plan = Plan(
        source=feed.source,
        files=[f.as_dict() for f in feed.files],
        is_full=bool(feed.full_categories),
        establishments=sorted(planner.establishments),
        people=[c for op in planner.work.people for c in op.changes],
        structures=planner.structures,
        problems=planner.problems,
    )
    return plan, planner.work


# -- writing ---------------------------------------------------------------------------------------


def _chunks(items: list[Any], size: int) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class _Writer:
    """Execute a plan's work in batches, one transaction each, recording audit events."""

    def __init__(self, work: _Work, actor_id: int | None, today: datetime.date) -> None:
        self.work = work
        self.actor_id = actor_id
        self.today = today
        self.now = timezone.now()
        self.unusable = make_password(None)
        self.class_ids: dict[tuple[str, str], int] = {}
        self.group_ids: dict[tuple[str, str], int] = {}
        self.subject_ids: dict[tuple[str, str], int] = {}

    def batches(self) -> list[Callable[[], None]]:
        size = batch_size()
        steps: list[Callable[[], None]] = [self.write_structure]
        steps += [lambda chunk=chunk: self.write_people(chunk) for chunk in _chunks(self.work.people, size)]
        links = self.work.links
        if len(links):
            steps.append(self.load_ids)
            for name in (
                "guardianship_create", "guardianship_update", "guardianship_delete",
                "teaching_create", "teaching_delete", "homeroom_set",
            ):  # fmt: skip
                for chunk in _chunks(getattr(links, name), size):
                    steps.append(lambda name=name, chunk=chunk: getattr(self, f"write_{name}")(chunk))
        return steps

    def write_structure(self) -> None:
        work, est = self.work, self.work.establishments
        for uai in work.establishments_create:
            planned = est[uai]
            # The territory's own service: UAI checked, every service switched on, audited.
            est[uai] = establishment_create(
                scope=Scope(user_id=self.actor_id, territory_ids=frozenset({planned.territory_id})),
                territory=planned.territory,
                uai=uai,
                name=planned.name,
                kind=planned.kind,
                address=planned.address,
                postal_code=planned.postal_code,
                city=planned.city,
            )
        name, starts_on, ends_on = school_year_name(self.today)
        if work.years_create:
            SchoolYear.objects.bulk_create(
                SchoolYear(establishment=est[uai], name=name, starts_on=starts_on, ends_on=ends_on, is_current=True)
                for uai in work.years_create
            )
        needs_ids = work.classes_create or work.groups_create or work.subjects_create or work.people or work.links
        if not needs_ids:
            return
        years = {
            y.establishment_id: y.pk for y in SchoolYear.objects.filter(establishment__in=est.values(), is_current=True)
        }
        if work.classes_create:
            levels = dict(Level.objects.values_list("code", "pk"))
            SchoolClass.objects.bulk_create(
                SchoolClass(
                    establishment=est[uai],
                    school_year_id=years[est[uai].pk],
                    level_id=levels[level],
                    name=label,
                    code=code,
                )
                for uai, code, label, level in work.classes_create
            )
        if work.classes_rename:
            renamed = [SchoolClass(pk=pk, name=label) for pk, label in work.classes_rename]
            SchoolClass.objects.bulk_update(renamed, ["name"])
        if work.groups_create:
            TeachingGroup.objects.bulk_create(
                TeachingGroup(establishment=est[uai], school_year_id=years[est[uai].pk], name=label, code=code)
                for uai, code, label in work.groups_create
            )
        if work.subjects_create:
            Subject.objects.bulk_create(
                Subject(establishment=est[uai], code=code, name=label[:100])
                for uai, code, label in work.subjects_create
            )
        self.load_structure_ids(years)

    def load_structure_ids(self, years: dict[int, int]) -> None:
        uai_of = {e.pk: uai for uai, e in self.work.establishments.items()}
        year_ids = list(years.values())
        for pk, eid, code in SchoolClass.objects.filter(school_year_id__in=year_ids).values_list(
            "pk", "establishment_id", "code"
        ):
            self.class_ids[(uai_of[eid], code)] = pk
        for pk, eid, code in TeachingGroup.objects.filter(school_year_id__in=year_ids).values_list(
            "pk", "establishment_id", "code"
        ):
            self.group_ids[(uai_of[eid], code)] = pk
        for pk, eid, code in Subject.objects.filter(establishment_id__in=uai_of).values_list(
            "pk", "establishment_id", "code"
        ):
            self.subject_ids[(uai_of[eid], code)] = pk

    def audit(self, op: _PersonOp, change: PersonChange) -> AuditEvent:
        est = self.work.establishments.get(change.uai)
        return AuditEvent(
            actor_id=self.actor_id,
            establishment_id=est.pk if est else None,
            action=f"provisioning.{change.action}",
            target=f"{op.name} ({op.key})"[:200],
            details={"key": op.key, "kind": op.kind, "fields": ",".join(change.fields), "detail": change.detail},
        )

    def write_people(self, ops: list[_PersonOp]) -> None:
        est = self.work.establishments
        new_users = [User(password=self.unusable, **op.create, is_active=True) for op in ops if op.create is not None]
        if new_users:
            User.objects.bulk_create(new_users)
        created = iter(new_users)
        for op in ops:
            if op.create is not None:
                op.user = next(created)
        updated: list[User] = []
        fields: set[str] = set()
        for op in ops:
            if op.update and op.user is not None:
                for name, value in op.update.items():
                    setattr(op.user, name, self.now if name == "deactivated_at" and op.set_active is False else value)
                    fields.add(name)
                updated.append(op.user)
        if updated:
            User.objects.bulk_update(updated, sorted(fields))
        deactivated = [op.user.pk for op in ops if op.set_active is False and op.user is not None]
        if deactivated:
            ActivationCode.objects.filter(
                user_id__in=deactivated, used_at__isnull=True, revoked_at__isnull=True
            ).update(revoked_at=self.now)
        roles = [
            RoleAssignment(user=op.user, establishment=est[uai], role=role, function=function)
            for op in ops
            for uai, role, function in op.roles_create
        ]
        if roles:
            RoleAssignment.objects.bulk_create(roles)
        activate = [pk for op in ops for pk in op.roles_activate]
        if activate:
            RoleAssignment.objects.filter(pk__in=activate).update(is_active=True)
        deactivate = [pk for op in ops for pk in op.roles_deactivate]
        if deactivate:
            RoleAssignment.objects.filter(pk__in=deactivate).update(is_active=False)
        enroll_delete = [pk for op in ops for pk in op.enroll_delete]
        if enroll_delete:
            Enrollment.objects.filter(pk__in=enroll_delete).delete()
        enrollments = [
            Enrollment(establishment=est[uai], school_class_id=self.class_ids[(uai, code)], student=op.user)
            for op in ops
            for uai, code in op.enroll_create
        ]
        if enrollments:
            Enrollment.objects.bulk_create(enrollments)
        member_delete = [pk for op in ops for pk in op.member_delete]
        if member_delete:
            GroupMembership.objects.filter(pk__in=member_delete).delete()
        memberships = [
            GroupMembership(establishment=est[uai], teaching_group_id=self.group_ids[(uai, code)], student=op.user)
            for op in ops
            for uai, code in op.member_create
        ]
        if memberships:
            GroupMembership.objects.bulk_create(memberships)
        events = [self.audit(op, change) for op in ops for change in op.changes]
        if events:
            AuditEvent.objects.bulk_create(events)

    def load_ids(self) -> None:
        links = self.work.links
        keys = {k for _u, k, _s, _v in links.guardianship_create} | {s for _u, _k, s, _v in links.guardianship_create}
        keys |= {k for _u, k, *_rest in links.teaching_create} | {k for _u, _c, k in links.homeroom_set}
        self.user_ids = dict(User.objects.filter(external_id__in=keys).values_list("external_id", "pk"))
        if not self.class_ids:
            years = {
                y.establishment_id: y.pk
                for y in SchoolYear.objects.filter(establishment__in=self.work.establishments.values(), is_current=True)
            }
            self.load_structure_ids(years)

    def write_guardianship_create(self, chunk: list[tuple[str, str, str, dict[str, Any]]]) -> None:
        est = self.work.establishments
        Guardianship.objects.bulk_create(
            Guardianship(establishment=est[uai], guardian_id=self.user_ids[g], student_id=self.user_ids[s], **values)
            for uai, g, s, values in chunk
            if g in self.user_ids and s in self.user_ids
        )

    def write_guardianship_update(self, chunk: list[tuple[int, dict[str, Any]]]) -> None:
        objs, fields = [], set()
        for pk, values in chunk:
            obj = Guardianship(pk=pk)
            for name, value in values.items():
                setattr(obj, name, value)
                fields.add(name)
            objs.append(obj)
        Guardianship.objects.bulk_update(objs, sorted(fields))

    def write_guardianship_delete(self, chunk: list[int]) -> None:
        Guardianship.objects.filter(pk__in=chunk).delete()

    def write_teaching_create(self, chunk: list[tuple[str, str, str, str, str]]) -> None:
        est = self.work.establishments
        Teaching.objects.bulk_create(
            Teaching(
                establishment=est[uai],
                teacher_id=self.user_ids[key],
                subject_id=self.subject_ids[(uai, subject)],
                school_class_id=self.class_ids.get((uai, cls)) if cls else None,
                teaching_group_id=self.group_ids.get((uai, grp)) if grp else None,
            )
            for uai, key, subject, cls, grp in chunk
            if key in self.user_ids
        )

    def write_teaching_delete(self, chunk: list[int]) -> None:
        Teaching.objects.filter(pk__in=chunk).delete()

    def write_homeroom_set(self, chunk: list[tuple[str, str, str]]) -> None:
        objs = [
            SchoolClass(pk=self.class_ids[(uai, code)], homeroom_teacher_id=self.user_ids[key])
            for uai, code, key in chunk
            if key in self.user_ids
        ]
        SchoolClass.objects.bulk_update(objs, ["homeroom_teacher"])


def apply_work(
    work: _Work,
    *,
    actor_id: int | None = None,
    today: datetime.date | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> int:
    """Write the plan's work, one transaction per batch; return the number of batches."""
    writer = _Writer(work, actor_id, today or timezone.localdate())
    steps = writer.batches()
    for done, step in enumerate(steps, start=1):
        with transaction.atomic():
            step()
        if on_progress is not None:
            on_progress(done, len(steps))
    return len(steps)
