"""Generate a demo territory in bulk: establishments, school years, classes, people and their links.

Two sizes share one builder:

* :func:`generate_default` — one town with two primary schools and a collège (about 2,000
  accounts), every account listed in the accounts file; what ``make run`` shows;
* :func:`generate_territory` — hundreds of establishments (about 300,000 accounts) in a
  département and its towns, to see the platform at the scale of a real deployment.

Everything derives from one ``random.Random(seed)``: the same seed gives the same people and
usernames. Rows are built in memory as unsaved model instances and written with
``bulk_create``, one *sector* at a time (a collège and its feeder primary schools): families
and shared teachers never cross a sector, so memory stays bounded whatever the size.
"""

from __future__ import annotations

import csv
import math
import random
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.utils import timezone

from romsie.core import registry
from romsie.core.exports import csv_safe_cell
from romsie.core.text import fold, slug_part
from romsie.establishments.models import Establishment, Territory
from romsie.identity.models import Guardianship, Role, RoleAssignment, StaffFunction, TerritoryAdmin, User
from romsie.identity.services import activation_codes_issue, format_code, username_allocate
from romsie.notifications.models import Notification
from romsie.schooling.models import (
    Enrollment,
    GroupMembership,
    Level,
    Period,
    Room,
    SchoolClass,
    SchoolYear,
    Subject,
    Teaching,
    TeachingGroup,
)

from . import names

DEFAULT_SEED = 2026
DEFAULT_PASSWORD = "romsie-demo-2026"  # noqa: S105 - the published password of every demo account
OPERATOR_USERNAME = "operateur"
BATCH_SIZE = 2000
ACCOUNTS_HEADER = ("role", "function", "establishment", "uai", "username", "password", "activation_code")
# The UAI check letter is the 7-digit number modulo 23 in this alphabet (no I, O, Q).
UAI_KEY_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
DEPARTMENT_CODE = 77

SCHOOL_YEAR = ("2026-2027", date(2026, 9, 1), date(2027, 7, 4))
TRIMESTERS = (
    ("Trimestre 1", date(2026, 9, 1), date(2026, 11, 30)),
    ("Trimestre 2", date(2026, 12, 1), date(2027, 2, 28)),
    ("Trimestre 3", date(2027, 3, 1), date(2027, 7, 4)),
)
PRIMARY_LEVELS = ("CP", "CE1", "CE2", "CM1", "CM2")
COLLEGE_LEVELS = ("6E", "5E", "4E", "3E")
LETTERS = "ABCDEFGHIJ"

#: (BCN-like code, name, levels where it is taught — empty means every level)
PRIMARY_SUBJECTS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("FRANC", "Français", ()),
    ("MATHS", "Mathématiques", ()),
    ("LVE", "Langues vivantes (anglais)", ()),
    ("QLM", "Questionner le monde", ("CP", "CE1", "CE2")),
    ("SCTEC", "Sciences et technologie", ("CM1", "CM2")),
    ("HIGEO", "Histoire-géographie", ("CM1", "CM2")),
    ("EMC", "Enseignement moral et civique", ()),
    ("ARTPL", "Arts plastiques", ()),
    ("EDMUS", "Éducation musicale", ()),
    ("EPS", "Éducation physique et sportive", ()),
)
#: What a teacher shared with another school takes over in the head's class (the head's release time).
SHARED_TEACHER_SUBJECTS = ("ARTPL", "EDMUS", "EPS")

COLLEGE_SUBJECTS = {
    "FRANC": "Français",
    "MATHS": "Mathématiques",
    "HIGEO": "Histoire-géographie",
    "EMC": "Enseignement moral et civique",
    "ANGL": "Anglais",
    "ESPA": "Espagnol",
    "ALLEM": "Allemand",
    "SVT": "Sciences de la vie et de la Terre",
    "PHYCH": "Physique-chimie",
    "TECHN": "Technologie",
    "EPS": "Éducation physique et sportive",
    "ARTPL": "Arts plastiques",
    "EDMUS": "Éducation musicale",
    "LATIN": "Latin",
}
#: Subjects every class has, with the number of teachers a 20-class collège needs for them
#: (about 18 hours a week each); the order is also the preference for homeroom teachers.
COLLEGE_CLASS_SUBJECTS = (
    ("MATHS", 5),
    ("FRANC", 5),
    ("HIGEO", 4),
    ("ANGL", 4),
    ("SVT", 2),
    ("PHYCH", 2),
    ("EPS", 4),
    ("TECHN", 2),
    ("ARTPL", 1),
    ("EDMUS", 1),
)
#: Second-language teachers of a 20-class collège; LV2 starts in 5e and is taught in groups.
COLLEGE_LV2_TEACHERS = {"ESPA": 3, "ALLEM": 1}
LV2_GROUP_SIZE = 30
COLLEGE_ROOMS = (
    ("Laboratoire de SVT", 28),
    ("Laboratoire de physique-chimie", 28),
    ("Salle de technologie", 28),
    ("Salle d'arts plastiques", 30),
    ("Salle de musique", 30),
    ("Salle informatique", 24),
    ("CDI", 40),
    ("Gymnase", 60),
    ("Salle polyvalente", 80),
)
ACADEMY_MAIL_DOMAIN = "ac-romsie.example"
FAMILY_MAIL_DOMAINS = ("example.org", "example.net", "example.com")

ROLE_LABELS = {
    "operator": "Platform operator",
    "territory_admin": "Territory admin",
    Role.STUDENT.value: "Student",
    Role.PARENT.value: "Parent",
    Role.TEACHER.value: "Teacher",
    Role.PARTNER.value: "Partner",
}
FUNCTION_LABELS = {
    StaffFunction.HEAD.value: "Head",
    StaffFunction.DIGITAL_LEAD.value: "Digital lead",
    StaffFunction.SCHOOL_LIFE.value: "School life (CPE)",
    StaffFunction.OFFICE.value: "Office",
    StaffFunction.LIBRARIAN.value: "Librarian",
    StaffFunction.AFTER_SCHOOL.value: "After-school staff",
}


# --- what the generator returns ------------------------------------------------------------------


@dataclass(frozen=True)
class DemoAccount:
    """One line of the accounts file: how to sign in as a demo person."""

    role: str
    function: str
    establishment: str
    uai: str
    username: str
    password: str
    activation_code: str

    def as_row(self) -> list[str]:
        """Return the CSV cells, made safe for spreadsheets."""
        values = (self.role, self.function, self.establishment, self.uai, self.username)
        return [csv_safe_cell(v) for v in (*values, self.password, self.activation_code)]


@dataclass(frozen=True)
class GenerationReport:
    """What a generation created, how long it took, and the accounts to list (key ones first)."""

    territories: int
    establishments: int
    accounts: int
    rows: int
    seconds: float
    listed: tuple[DemoAccount, ...]

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


# --- entry points -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Sizes:
    """Ranges the generator draws from: classes per school, pupils per class."""

    primary_classes: tuple[int, int]
    college_classes_per_level: tuple[int, int]
    class_size: tuple[int, int]


DEFAULT_SIZES = _Sizes(primary_classes=(6, 10), college_classes_per_level=(5, 5), class_size=(23, 27))
# Larger schools than the default town, so 300 establishments hold about 300,000 accounts.
TERRITORY_SIZES = _Sizes(primary_classes=(9, 15), college_classes_per_level=(5, 8), class_size=(24, 28))


def generate_default(
    *, seed: int = DEFAULT_SEED, password: str = DEFAULT_PASSWORD, scale: float = 1.0, content: bool = True
) -> GenerationReport:
    """Create the default demo: one town, two primary schools and a collège, every account listed.

    ``scale`` shrinks the classes (not their number) so tests stay fast; keep it at 1 otherwise.
    ``content=False`` leaves the services empty (timetables, messages...): tests of the people
    and structure use it to stay fast.
    """
    builder = _Builder(seed=seed, password=password, scale=scale, list_everyone=True)
    with transaction.atomic():
        town = builder.territory("Ville de Romsie-sur-Seine", Territory.Kind.TOWN)
        builder.operator()
        builder.territory_admin(town, town_name="Romsie-sur-Seine", showcase=True)
        builder.sector(
            town_name="Romsie-sur-Seine",
            postal_code="77990",
            primary_territory=town,
            college_territory=town,
            primaries=2,
            sizes=DEFAULT_SIZES,
            showcase=True,
        )
        builder.flush()
        if content:
            builder.services_content()
    return builder.report()


def generate_territory(
    *,
    establishments: int = 300,
    seed: int = DEFAULT_SEED,
    password: str = DEFAULT_PASSWORD,
    scale: float = 1.0,
    content: bool = True,
) -> GenerationReport:
    """Create a département's collèges and its towns' primary schools: ~1,000 accounts per establishment.

    About 40% of the establishments are collèges (owned by the département), each with one or
    two primary schools of its town. Only the first sector's key accounts are listed and only
    they get activation codes; everybody else is activated with the shared password.
    """
    colleges = max(1, round(establishments * 0.4))
    primaries = max(0, establishments - colleges)
    builder = _Builder(seed=seed, password=password, scale=scale, list_everyone=False)
    with transaction.atomic():
        department = builder.territory("Département de Seine-et-Romsie", Territory.Kind.DEPARTMENT)
        builder.operator()
        builder.territory_admin(department, town_name="Seine-et-Romsie", showcase=True)
        for index in range(colleges):
            town_name = _town_name(index)
            town = builder.territory(f"Ville de {town_name}", Territory.Kind.TOWN)
            builder.territory_admin(town, town_name=town_name, showcase=index == 0)
            builder.sector(
                town_name=town_name,
                postal_code=f"77{(10 * index + 100) % 1000:03d}",
                primary_territory=town,
                college_territory=department,
                primaries=primaries // colleges + (1 if index < primaries % colleges else 0),
                sizes=TERRITORY_SIZES,
                showcase=index == 0,
            )
            # Writing each sector as it is built keeps memory flat (a sector is ~2,500 people).
            builder.flush()
        if content:
            builder.services_content()
    return builder.report()


def refresh_statistics() -> None:
    """Let PostgreSQL's planner see the rows just written (``ANALYZE``).

    Without it the planner still believes the tables are empty until autovacuum comes by, and
    plans the first minutes of pages as if every lookup returned one row (a week of a
    territory's sessions then took 14 ms instead of 0.5). SQLite plans without statistics.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def demo_data_exists() -> bool:
    """Return whether any territory exists (the demo, or real data: either way, do not generate)."""
    return Territory.objects.exists()


@transaction.atomic
def delete_demo_data() -> None:
    """Empty every table that points, directly or not, to a territory, an establishment or a person.

    That is the whole domain: the demo and anything built on it (reference data such as the
    national levels points to none of them and stays). Plain ``DELETE FROM`` per table, dependents
    first: the ORM's cascade would load every row first, and on SQLite fails past ~1,000 people.
    """
    doomed = _tables_depending_on({Territory, Establishment, User})
    with connection.cursor() as cursor:
        for model in doomed:
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - a quoted table name of our models, no input


def _tables_depending_on(roots: set[type[models.Model]]) -> list[type[models.Model]]:
    """Return ``roots`` and every model with a foreign key into them, transitively, dependents first."""
    every = [m for m in apps.get_models(include_auto_created=True) if m._meta.managed and not m._meta.proxy]

    def targets(model: type[models.Model]) -> set[type[models.Model]]:
        return {
            f.related_model
            for f in model._meta.concrete_fields
            if f.is_relation and isinstance(f.related_model, type) and f.related_model is not model
        }

    doomed = set(roots)
    grew = True
    while grew:
        added = {m for m in every if m not in doomed and targets(m) & doomed}
        doomed |= added
        grew = bool(added)
    ordered: list[type[models.Model]] = []
    remaining = set(doomed)
    while remaining:
        # A table goes once no remaining table points to it.
        ready = {m for m in remaining if not any(m in targets(other) for other in remaining if other is not m)}
        ready = ready or remaining  # a cycle of foreign keys: constraints are deferred anyway
        ordered.extend(sorted(ready, key=lambda m: m._meta.label))
        remaining -= ready
    return ordered


# --- the accounts file ----------------------------------------------------------------------------


def default_accounts_file() -> Path:
    """Return where the accounts file goes by default: ``demo-accounts.csv`` in the var directory."""
    return Path(getattr(settings, "VAR_DIR", Path(settings.BASE_DIR) / "var")) / "demo-accounts.csv"


def write_accounts_csv(path: Path, accounts: Iterable[DemoAccount]) -> None:
    """Write the accounts file (UTF-8 with a BOM, so spreadsheets show the accents)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(ACCOUNTS_HEADER)
        writer.writerows(account.as_row() for account in accounts)


def read_accounts_csv(path: Path) -> list[dict[str, str]]:
    """Return the rows of an accounts file as dictionaries keyed by the header."""
    with path.open(encoding="utf-8-sig", newline="") as source:
        return list(csv.DictReader(source))


def key_accounts(rows: Sequence[dict[str, str]]) -> list[dict[str, str]]:
    """Return the first row of each kind of account: role, function, several establishments, activated."""
    seen: set[tuple[str, str, bool, bool]] = set()
    chosen = []
    for row in rows:
        kind = (row["role"], row["function"], " " in row["uai"], not row["activation_code"])
        if kind not in seen:
            seen.add(kind)
            chosen.append(row)
    return chosen


def account_label(row: dict[str, str]) -> str:
    """Return a short English label for an accounts-file row: "Teacher (2 establishments)"."""
    label = FUNCTION_LABELS.get(row["function"]) or ROLE_LABELS.get(row["role"], row["role"])
    if " " in row["uai"]:
        label += f" ({len(row['uai'].split())} establishments)"
    if row["activation_code"]:
        label += ", not activated"
    return label


# --- the builder ----------------------------------------------------------------------------------


@dataclass(eq=False)
class _Person:
    """A demo account being built, and what the accounts file says about it."""

    user: User
    role: str  # in the accounts file: a Role value, "operator" or "territory_admin"
    function: str = ""
    places: list[Establishment] = field(default_factory=list)
    territory: Territory | None = None
    guardians: list[_Person] = field(default_factory=list)
    is_activated: bool = True
    code: str = ""

    @property
    def is_plain(self) -> bool:
        """Return whether the person holds one ordinary role in one establishment (a clear example)."""
        return self.function == "" and len(self.places) == 1


@dataclass(eq=False)
class _ClassPlan:
    """A class being built: its pupils and who teaches what there."""

    school_class: SchoolClass
    level: str
    size: int
    students: list[_Person] = field(default_factory=list)
    teacher: _Person | None = None  # the class teacher (primary) or homeroom teacher (collège)
    teachings: dict[str, Teaching] = field(default_factory=dict)
    teachers: dict[str, _Person] = field(default_factory=dict)  # by subject code


@dataclass(eq=False)
class _School:
    """An establishment being built, with its people by kind (to pick examples and links from)."""

    establishment: Establishment
    school_year: SchoolYear
    is_college: bool
    town_domain: str
    subjects: dict[str, Subject] = field(default_factory=dict)
    classes: list[_ClassPlan] = field(default_factory=list)
    teachers: list[_Person] = field(default_factory=list)
    staff: defaultdict[str, list[_Person]] = field(default_factory=lambda: defaultdict(list))
    partners: list[_Person] = field(default_factory=list)
    students: list[_Person] = field(default_factory=list)
    parents: list[_Person] = field(default_factory=list)
    subject_teachers: dict[str, list[_Person]] = field(default_factory=dict)


_GROUP_CLASS = TeachingGroup.school_classes.through
# Parents before children: bulk_create needs the primary keys of the rows a row points to.
_FLUSH_ORDER: tuple[type[models.Model], ...] = (
    Territory,
    Establishment,
    User,
    TerritoryAdmin,
    SchoolYear,
    Period,
    Subject,
    Room,
    SchoolClass,
    TeachingGroup,
    _GROUP_CLASS,
    Enrollment,
    GroupMembership,
    Teaching,
    RoleAssignment,
    Guardianship,
)


def _town_name(index: int) -> str:
    stem = names.TOWN_STEMS[index % len(names.TOWN_STEMS)]
    suffix = names.TOWN_SUFFIXES[(index // len(names.TOWN_STEMS)) % len(names.TOWN_SUFFIXES)]
    rounds = index // (len(names.TOWN_STEMS) * len(names.TOWN_SUFFIXES))
    return f"{stem}{suffix}" + (f" {rounds + 1}" if rounds else "")


class _Builder:
    """Build demo rows in memory and write them in bulk, keeping what the accounts file needs."""

    def __init__(self, *, seed: int, password: str, scale: float, list_everyone: bool) -> None:
        self.started = time.perf_counter()
        self.rng = random.Random(seed)
        self.password = password
        # Hashing is the slow part of creating an account: hash once, share the hash.
        self.password_hash = make_password(password)
        self.now = timezone.now()
        self.scale = scale
        self.list_everyone = list_everyone
        self.levels = {level.code: level for level in Level.objects.all()}
        self.taken: set[str] = {OPERATOR_USERNAME}
        self.pending: defaultdict[type[models.Model], list[models.Model]] = defaultdict(list)
        # (id(user), id(establishment), role, function) already assigned. Objects are unsaved
        # until the flush, so identity is the key; the set is cleared with the pending rows.
        self.assigned: set[tuple[int, int, str, str]] = set()
        self.awaiting_codes: list[tuple[Establishment, list[_Person]]] = []
        self.people: list[_Person] = []
        self.showcase: list[_Person] = []
        self.showcase_schools: list[_School] = []
        self.shown: set[_Person] = set()  # _Person compares by identity
        self.uai_number = DEPARTMENT_CODE * 10_000
        self.territories = self.establishments = self.accounts = self.rows = 0

    def services_content(self) -> None:
        """Fill the services of the showcase sector: timetables, news, homework log, messages, school life, marks."""
        from romsie.agenda import demo as agenda_demo
        from romsie.assessment import demo as assessment_demo
        from romsie.attendance import demo as attendance_demo
        from romsie.blogs import demo as blogs_demo
        from romsie.booking import demo as booking_demo
        from romsie.bookmarks import demo as bookmarks_demo
        from romsie.cas import demo as cas_demo
        from romsie.communities import demo as communities_demo
        from romsie.contacts import demo as contacts_demo
        from romsie.documents import demo as documents_demo
        from romsie.forums import demo as forums_demo
        from romsie.homework import demo as homework_demo
        from romsie.meetings import demo as meetings_demo
        from romsie.messaging import demo as messaging_demo
        from romsie.news import demo as news_demo
        from romsie.openid import demo as openid_demo
        from romsie.polls import demo as polls_demo
        from romsie.registrations import demo as registrations_demo
        from romsie.saml import demo as saml_demo
        from romsie.schooling import demo as schooling_demo
        from romsie.timetable import demo as timetable_demo
        from romsie.videomeetings import demo as videomeetings_demo

        ids = [school.establishment.pk for school in self.showcase_schools]
        self.rows += schooling_demo.populate(ids)
        self.rows += timetable_demo.populate(ids, seed=self.rng.randint(0, 10**6))
        self.rows += homework_demo.populate(ids, seed=self.rng.randint(0, 10**6))
        self.rows += messaging_demo.populate(ids)
        self.rows += attendance_demo.populate(ids, seed=self.rng.randint(0, 10**6))
        featured = [p.user.pk for p in self.showcase if p.role == Role.STUDENT and p.is_activated]
        self.rows += assessment_demo.populate(ids, seed=self.rng.randint(0, 10**6), featured_student_ids=featured)
        self.rows += meetings_demo.populate(ids, featured_student_ids=featured)
        self.rows += documents_demo.populate(ids)
        key_accounts = [p.user.pk for p in self.showcase]
        self.rows += communities_demo.populate(ids)
        self.rows += agenda_demo.populate(ids, featured_user_ids=key_accounts)
        showcased = [p.user.pk for p in self.showcase if p.is_activated]
        self.rows += bookmarks_demo.populate(ids, featured_user_ids=showcased)
        self.rows += contacts_demo.populate(ids, featured_user_ids=showcased)
        self.rows += booking_demo.populate(ids, seed=self.rng.randint(0, 10**6))
        self.rows += registrations_demo.populate(ids, seed=self.rng.randint(0, 10**6))
        self.rows += polls_demo.populate(ids, seed=self.rng.randint(0, 10**6))
        self.rows += forums_demo.populate(ids)
        self.rows += blogs_demo.populate(ids)
        self.rows += videomeetings_demo.populate(ids, featured_student_ids=featured)
        self.rows += openid_demo.populate(ids)
        self.rows += cas_demo.populate(ids)
        self.rows += saml_demo.populate(ids)
        # The demo's notifications stay in the timeline: no e-mail to its made-up addresses.
        Notification.objects.exclude(email_state=Notification.EmailState.NONE).update(
            email_state=Notification.EmailState.NONE, email_due_at=None
        )
        for school in self.showcase_schools:
            self.rows += news_demo.populate(school.establishment)

    # -- low-level helpers ---------------------------------------------------------------------------

    def add(self, obj: models.Model) -> None:
        self.pending[type(obj)].append(obj)

    def flush(self) -> None:
        """Write the pending rows in dependency order, then issue the activation codes awaited."""
        unknown = set(self.pending) - set(_FLUSH_ORDER)
        assert not unknown, f"no flush order for {unknown}"
        for model in _FLUSH_ORDER:
            objs = self.pending.pop(model, [])
            if objs:
                model._default_manager.bulk_create(objs, batch_size=BATCH_SIZE)
                self.rows += len(objs)
        self.assigned.clear()
        for establishment, persons in self.awaiting_codes:
            codes = activation_codes_issue(users=[p.user for p in persons], establishment=establishment)
            for person in persons:
                person.code = format_code(codes[person.user.pk])
            self.rows += len(codes)
        self.awaiting_codes.clear()

    def report(self) -> GenerationReport:
        listed = [*self.showcase, *(p for p in self.people if p not in self.shown)]
        return GenerationReport(
            territories=self.territories,
            establishments=self.establishments,
            accounts=self.accounts,
            rows=self.rows,
            seconds=time.perf_counter() - self.started,
            listed=tuple(self._account(p) for p in listed),
        )

    def _account(self, person: _Person) -> DemoAccount:
        if person.territory is not None:
            establishment, uai = person.territory.name, ""
        else:
            establishment = " + ".join(e.name for e in person.places)
            uai = " ".join(e.uai for e in person.places)
        return DemoAccount(
            role=person.role,
            function=person.function,
            establishment=establishment,
            uai=uai,
            username=person.user.username,
            password=self.password if person.is_activated else "",
            activation_code=person.code,
        )

    def show(self, person: _Person | None) -> None:
        """Put a person among the key accounts listed first (once)."""
        if person is not None and person not in self.shown:
            self.shown.add(person)
            self.showcase.append(person)

    def scaled(self, bounds: tuple[int, int]) -> int:
        return max(2, round(self.rng.randint(*bounds) * self.scale))

    # -- people --------------------------------------------------------------------------------------

    def user(self, first: str, last: str, *, email_domain: str = "", username: str = "") -> User:
        username = username or username_allocate(first, last, self.taken)
        user = User(
            username=username,
            first_name=first,
            last_name=last,
            # bulk_create skips User.save(), which fills the search name.
            search_name=fold(f"{last} {first}"),
            email=f"{username}@{email_domain}" if email_domain else "",
            password=self.password_hash,
            activated_at=self.now,
            charter_accepted_at=self.now,
            date_joined=self.now,
        )
        self.add(user)
        self.accounts += 1
        return user

    def person(self, first: str, last: str, role: str, *, email_domain: str = "") -> _Person:
        person = _Person(self.user(first, last, email_domain=email_domain), role)
        if self.list_everyone:
            self.people.append(person)
        return person

    def adult(self, school: _School, role: str, function: str = "", *, email_domain: str = "") -> _Person:
        """Create a staff member, teacher or partner of a school."""
        first = self.rng.choice(names.WOMEN if self.rng.random() < 0.6 else names.MEN)
        person = self.person(first, self.surname(), role, email_domain=email_domain)
        self.assign(person, school.establishment, role, function)
        person.function = function
        return person

    def assign(self, person: _Person, establishment: Establishment, role: str, function: str = "") -> bool:
        """Give a role in an establishment unless already held; return whether it was new."""
        key = (id(person.user), id(establishment), role, function)
        if key in self.assigned:
            return False
        self.assigned.add(key)
        self.add(RoleAssignment(user=person.user, establishment=establishment, role=role, function=function))
        if all(e is not establishment for e in person.places):
            person.places.append(establishment)
        return True

    def make_staff(self, person: _Person, school: _School, function: str) -> None:
        """Give a teacher a staff function as well; the accounts file then shows the function."""
        self.assign(person, school.establishment, Role.STAFF, function)
        person.role, person.function = Role.STAFF, function
        school.staff[function].append(person)

    def surname(self, other_than: str = "") -> str:
        name = self.rng.choice(names.SURNAMES)
        while name == other_than:
            name = self.rng.choice(names.SURNAMES)
        return name

    def operator(self) -> None:
        user = self.user("Opérateur", "Plateforme", email_domain="romsie.example", username=OPERATOR_USERNAME)
        user.is_staff = user.is_superuser = True
        self.show(_Person(user, "operator"))

    def territory(self, name: str, kind: str) -> Territory:
        territory = Territory(name=name, kind=kind)
        self.add(territory)
        self.territories += 1
        return territory

    def territory_admin(self, territory: Territory, *, town_name: str, showcase: bool) -> None:
        first = self.rng.choice(names.WOMEN if self.rng.random() < 0.5 else names.MEN)
        person = self.person(first, self.surname(), "territory_admin", email_domain=f"{slug_part(town_name)}.example")
        person.territory = territory
        self.add(TerritoryAdmin(territory=territory, user=person.user))
        if showcase:
            self.show(person)

    def deactivate(self, person: _Person) -> None:
        """Leave an account to be activated with a code, like a family that has not signed in yet."""
        person.is_activated = False
        person.user.set_unusable_password()
        person.user.activated_at = person.user.charter_accepted_at = None

    # -- establishments ------------------------------------------------------------------------------

    def next_uai(self) -> str:
        self.uai_number += 1
        return f"{self.uai_number:07d}{UAI_KEY_LETTERS[self.uai_number % 23]}"

    def school(self, territory: Territory, name: str, kind: str, town_name: str, postal_code: str) -> _School:
        uai = self.next_uai()
        rng = self.rng
        establishment = Establishment(
            territory=territory,
            uai=uai,
            name=name,
            kind=kind,
            address=f"{rng.randint(1, 120)} {rng.choice(names.STREETS)}",
            postal_code=postal_code,
            city=town_name,
            phone="01 64 " + " ".join(f"{rng.randint(0, 99):02d}" for _ in range(3)),
            email=f"ce.{uai.lower()}@{ACADEMY_MAIL_DOMAIN}",
            enabled_services=[service.key for service in registry.switchable_services()],
        )
        self.add(establishment)
        self.establishments += 1
        name_, starts_on, ends_on = SCHOOL_YEAR
        year = SchoolYear(
            establishment=establishment, name=name_, starts_on=starts_on, ends_on=ends_on, is_current=True
        )
        self.add(year)
        for period, period_start, period_end in TRIMESTERS:
            self.add(
                Period(
                    establishment=establishment,
                    school_year=year,
                    name=period,
                    starts_on=period_start,
                    ends_on=period_end,
                )
            )
        is_college = kind == Establishment.Kind.LOWER_SECONDARY
        return _School(establishment, year, is_college, town_domain=f"ville-{slug_part(town_name)}.example")

    def subject(self, school: _School, code: str, name: str) -> None:
        subject = Subject(establishment=school.establishment, code=code, name=name)
        school.subjects[code] = subject
        self.add(subject)

    def school_class(self, school: _School, level_code: str, letter: str, sizes: _Sizes) -> _ClassPlan:
        level = self.levels[level_code]
        name = f"{level.name} {letter}".strip()
        school_class = SchoolClass(
            establishment=school.establishment,
            school_year=school.school_year,
            level=level,
            name=name,
            code=name.replace(" ", "").upper(),
        )
        self.add(school_class)
        plan = _ClassPlan(school_class, level_code, self.scaled(sizes.class_size))
        school.classes.append(plan)
        return plan

    def teaching(self, school: _School, teacher: _Person, subject: str, plan: _ClassPlan) -> None:
        teaching = Teaching(
            establishment=school.establishment,
            teacher=teacher.user,
            subject=school.subjects[subject],
            school_class=plan.school_class,
        )
        plan.teachings[subject] = teaching
        plan.teachers[subject] = teacher
        self.add(teaching)

    def primary(self, territory: Territory, namesake: str, town_name: str, postal_code: str, sizes: _Sizes) -> _School:
        """Create a primary school: one teacher per class; the head and the digital lead teach a class too."""
        rng = self.rng
        kind = rng.choice((Establishment.Kind.ELEMENTARY, Establishment.Kind.PRIMARY))
        label = "École élémentaire" if kind == Establishment.Kind.ELEMENTARY else "École primaire"
        school = self.school(territory, f"{label} {namesake}", kind, town_name, postal_code)
        for code, name, _levels in PRIMARY_SUBJECTS:
            self.subject(school, code, name)
        count = rng.randint(*sizes.primary_classes)
        per_level = dict.fromkeys(PRIMARY_LEVELS, count // len(PRIMARY_LEVELS))
        for level in rng.sample(PRIMARY_LEVELS, count % len(PRIMARY_LEVELS)):
            per_level[level] += 1
        for level in PRIMARY_LEVELS:
            for index in range(per_level[level]):
                plan = self.school_class(school, level, LETTERS[index] if per_level[level] > 1 else "", sizes)
                teacher = self.adult(school, Role.TEACHER, email_domain=ACADEMY_MAIL_DOMAIN)
                plan.teacher = teacher
                school.teachers.append(teacher)
                for code, _name, levels in PRIMARY_SUBJECTS:
                    if not levels or level in levels:
                        self.teaching(school, teacher, code, plan)
        for number in range(1, len(school.classes) + 1):
            self.add(Room(establishment=school.establishment, name=f"Salle {number}", capacity=30))
        # The head (directeur d'école) keeps a class, usually the oldest pupils.
        self.make_staff(school.classes[-1].teacher or school.teachers[-1], school, StaffFunction.HEAD)
        self.make_staff(school.teachers[len(school.teachers) // 2], school, StaffFunction.DIGITAL_LEAD)
        school.staff[StaffFunction.OFFICE].append(self.adult(school, Role.STAFF, StaffFunction.OFFICE))
        for _ in range(rng.randint(2, 4)):
            after_school = self.adult(school, Role.STAFF, StaffFunction.AFTER_SCHOOL, email_domain=school.town_domain)
            school.staff[StaffFunction.AFTER_SCHOOL].append(after_school)
        return school

    def college(self, territory: Territory, namesake: str, town_name: str, postal_code: str, sizes: _Sizes) -> _School:
        """Create a collège: subject teachers for every class, homeroom teachers, staff and a partner."""
        rng = self.rng
        school = self.school(
            territory, f"Collège {namesake}", Establishment.Kind.LOWER_SECONDARY, town_name, postal_code
        )
        for code, name in COLLEGE_SUBJECTS.items():
            self.subject(school, code, name)
        per_level = rng.randint(*sizes.college_classes_per_level)
        for level in COLLEGE_LEVELS:
            for index in range(per_level):
                self.school_class(school, level, LETTERS[index], sizes)
        classes = school.classes
        for code, base in COLLEGE_CLASS_SUBJECTS:
            count = max(1, round(base * len(classes) / 20))
            teachers = [self.adult(school, Role.TEACHER, email_domain=ACADEMY_MAIL_DOMAIN) for _ in range(count)]
            school.subject_teachers[code] = teachers
            school.teachers.extend(teachers)
            for index, plan in enumerate(classes):
                # Contiguous blocks: each teacher has a few classes, often of the same level.
                teacher = teachers[index * count // len(classes)]
                self.teaching(school, teacher, code, plan)
                if code == "HIGEO":
                    self.teaching(school, teacher, "EMC", plan)
        homerooms: set[_Person] = set()
        for index, plan in enumerate(classes):
            order = [code for code, _base in COLLEGE_CLASS_SUBJECTS]
            shift = index % len(order)
            for code in order[shift:] + order[:shift]:
                candidate = plan.teachers[code]
                if candidate not in homerooms:
                    homerooms.add(candidate)
                    plan.teacher = candidate
                    plan.school_class.homeroom_teacher = candidate.user
                    break
        regular_rooms = len(classes) + 1
        for index in range(regular_rooms):
            room = f"Salle {index // 10 + 1}{index % 10 + 1:02d}"
            self.add(Room(establishment=school.establishment, name=room, capacity=30))
        for room, capacity in COLLEGE_ROOMS:
            self.add(Room(establishment=school.establishment, name=room, capacity=capacity))
        staff = (
            (StaffFunction.HEAD, 2),  # principal(e) and deputy
            (StaffFunction.OFFICE, 3),  # secretariat, pupils' office, bursar
            (StaffFunction.SCHOOL_LIFE, 2 + max(2, round(5 * len(classes) / 20))),  # CPE and supervisors
            (StaffFunction.LIBRARIAN, 1),
        )
        for function, count in staff:
            for _ in range(count):
                school.staff[function].append(
                    self.adult(school, Role.STAFF, function, email_domain=ACADEMY_MAIL_DOMAIN)
                )
        # The digital lead is usually a technology teacher with a few hours for it.
        self.make_staff(school.subject_teachers["TECHN"][0], school, StaffFunction.DIGITAL_LEAD)
        association = slug_part(rng.choice(names.ASSOCIATIONS))
        for _ in range(2):
            school.partners.append(self.adult(school, Role.PARTNER, email_domain=f"{association}.example"))
        return school

    def share_teacher(self, home: _School, other: _School) -> _Person | None:
        """Have a teacher of ``home`` cover the head's release time in ``other`` (two establishments)."""
        head = other.staff[StaffFunction.HEAD][0]
        teacher = next((p for p in home.teachers if p.is_plain), None)
        plan = next((c for c in other.classes if c.teacher is head), None)
        if teacher is None or plan is None:
            return None
        self.assign(teacher, other.establishment, Role.TEACHER)
        for code in SHARED_TEACHER_SUBJECTS:
            plan.teachings[code].teacher = teacher.user
            plan.teachers[code] = teacher
        other.teachers.append(teacher)
        return teacher

    # -- families -----------------------------------------------------------------------------------

    def families(
        self, schools: Sequence[_School], college_class: _ClassPlan | None, primary_class: _ClassPlan | None
    ) -> list[_Person]:
        """Fill every class with children of families of 1 to 3; return the showcase family's children.

        The showcase family has a child in ``college_class`` and one in ``primary_class``, so one
        parent account holds the parent role in two establishments.
        """
        seats = [(school, plan) for school in schools for plan in school.classes for _ in range(plan.size)]
        self.rng.shuffle(seats)
        showcase: list[_Person] = []
        if college_class is not None and primary_class is not None:
            chosen = [
                seats.pop(next(i for i, s in enumerate(seats) if s[1] is plan))
                for plan in (college_class, primary_class)
            ]
            showcase = self.family(chosen, structure="couple")
        index = 0
        while index < len(seats):
            size = self.rng.choices((1, 2, 3), weights=(45, 40, 15))[0]
            self.family(seats[index : index + size])
            index += size
        return showcase

    def parent(self, gender: str, last: str) -> _Person:
        first = self.rng.choice(names.WOMEN if gender == "F" else names.MEN)
        domain = self.rng.choice(FAMILY_MAIL_DOMAINS) if self.rng.random() < 0.85 else ""
        return self.person(first, last, Role.PARENT, email_domain=domain)

    def family(self, seats: Sequence[tuple[_School, _ClassPlan]], structure: str = "") -> list[_Person]:
        """Create one family: its legal guardians, maybe another person in charge, and the children."""
        rng = self.rng
        structure = structure or rng.choices(("couple", "separated", "single", "tutor"), weights=(62, 18, 18, 2))[0]
        father_name = self.surname()
        legal: list[tuple[_Person, str]] = []
        if structure == "couple":
            mother_name = father_name if rng.random() < 0.7 else self.surname()
            children_name = father_name
            if mother_name != father_name and rng.random() < 0.25:
                children_name = f"{father_name}-{mother_name}"
            if rng.random() < 0.04:  # same-sex parents
                gender = rng.choice("FM")
                relationship = "mère" if gender == "F" else "père"
                legal = [
                    (self.parent(gender, father_name), relationship),
                    (self.parent(gender, mother_name), relationship),
                ]
            else:
                legal = [(self.parent("F", mother_name), "mère"), (self.parent("M", father_name), "père")]
        elif structure == "separated":
            # Different names, and in real life different addresses: two separate people to write to.
            mother_name = self.surname(other_than=father_name)
            children_name = father_name if rng.random() < 0.75 else mother_name
            legal = [(self.parent("F", mother_name), "mère"), (self.parent("M", father_name), "père")]
        elif structure == "single":
            children_name = father_name
            gender = "F" if rng.random() < 0.82 else "M"
            legal = [(self.parent(gender, father_name), "mère" if gender == "F" else "père")]
        else:
            children_name = father_name
            gender = rng.choice("FM")
            legal = [
                (self.parent(gender, self.surname(other_than=father_name)), "tutrice" if gender == "F" else "tuteur")
            ]
        if rng.random() < 0.5:
            legal.reverse()
        others: list[tuple[_Person, str]] = []
        if rng.random() < 0.1:
            relationship = rng.choice(
                ("grand-mère", "grand-père", "tante", "oncle")
                + (("belle-mère", "beau-père") if structure == "separated" else ())
            )
            gender = "F" if relationship in ("grand-mère", "tante", "belle-mère") else "M"
            last = children_name if relationship.startswith("grand") and rng.random() < 0.5 else self.surname()
            others.append((self.parent(gender, last), relationship))
        children: list[_Person] = []
        used: set[str] = set()
        for school, plan in seats:
            pool = names.GIRLS if rng.random() < 0.5 else names.BOYS
            first = rng.choice(pool)
            while first in used:  # siblings do not share a first name
                first = rng.choice(pool)
            used.add(first)
            child = self.student(first, children_name, school, plan)
            for rank, (guardian, relationship) in enumerate(legal, start=1):
                self.guardianship(school, guardian, child, Guardianship.Kind.LEGAL, rank, relationship)
            for guardian, relationship in others:
                self.guardianship(school, guardian, child, Guardianship.Kind.OTHER, None, relationship)
            children.append(child)
        return children

    def student(self, first: str, last: str, school: _School, plan: _ClassPlan) -> _Person:
        person = self.person(first, last, Role.STUDENT)
        person.user.ine = f"{self.rng.randrange(10**10):010d}{self.rng.choice(UAI_KEY_LETTERS)}"
        self.assign(person, school.establishment, Role.STUDENT)
        self.add(Enrollment(establishment=school.establishment, school_class=plan.school_class, student=person.user))
        plan.students.append(person)
        school.students.append(person)
        return person

    def guardianship(
        self, school: _School, guardian: _Person, child: _Person, kind: str, rank: int | None, relationship: str
    ) -> None:
        is_legal = kind == Guardianship.Kind.LEGAL
        self.add(
            Guardianship(
                establishment=school.establishment,
                guardian=guardian.user,
                student=child.user,
                kind=kind,
                rank=rank,
                relationship=relationship,
                can_justify_absences=is_legal,
                receives_mail=is_legal,
            )
        )
        child.guardians.append(guardian)
        # Same rule as identity.services.guardianship_create: the parent role where the child is.
        if self.assign(guardian, school.establishment, Role.PARENT):
            school.parents.append(guardian)

    # -- collège teaching groups ---------------------------------------------------------------------

    def college_groups(self, school: _School) -> None:
        """Create second-language and Latin groups from 5e on, with their members and teachers."""
        rng = self.rng
        planned: list[tuple[str, str, str, list[_ClassPlan], list[_Person]]] = []
        for level in COLLEGE_LEVELS[1:]:
            plans = [p for p in school.classes if p.level == level]
            students = [s for p in plans for s in p.students]
            if not students:
                continue
            label = self.levels[level].name
            pool = students[:]
            rng.shuffle(pool)
            german = max(1, round(len(pool) * 0.25))
            planned.append(("ALLEM", f"Allemand LV2 {label}", f"ALL-{level}", plans, pool[:german]))
            spanish = pool[german:]
            count = math.ceil(len(spanish) / LV2_GROUP_SIZE)
            for index in range(count):
                name = f"Espagnol LV2 {label} – groupe {index + 1}"
                planned.append(("ESPA", name, f"ESP-{level}-{index + 1}", plans, spanish[index::count]))
            latin = rng.sample(students, max(1, round(len(students) * 0.2)))
            planned.append(("LATIN", f"Latin {label}", f"LAT-{level}", plans, latin))
        teachers: dict[str, list[_Person]] = {}
        for code, base in COLLEGE_LV2_TEACHERS.items():
            groups = sum(1 for p in planned if p[0] == code)
            count = min(groups, max(1, round(base * len(school.classes) / 20)))
            teachers[code] = [self.adult(school, Role.TEACHER, email_domain=ACADEMY_MAIL_DOMAIN) for _ in range(count)]
            school.teachers.extend(teachers[code])
        # Latin is taught by a French teacher qualified in classical languages.
        teachers["LATIN"] = school.subject_teachers["FRANC"][-1:]
        seen: defaultdict[str, int] = defaultdict(int)
        for code, name, group_code, plans, members in planned:
            group = TeachingGroup(
                establishment=school.establishment, school_year=school.school_year, name=name, code=group_code
            )
            self.add(group)
            for plan in plans:
                self.add(_GROUP_CLASS(teachinggroup=group, schoolclass=plan.school_class))
            for member in members:
                self.add(GroupMembership(establishment=school.establishment, teaching_group=group, student=member.user))
            available = teachers[code]
            teacher = available[seen[code] % len(available)]
            seen[code] += 1
            self.add(
                Teaching(
                    establishment=school.establishment,
                    teacher=teacher.user,
                    subject=school.subjects[code],
                    teaching_group=group,
                )
            )

    # -- a sector ------------------------------------------------------------------------------------

    def sector(
        self,
        *,
        town_name: str,
        postal_code: str,
        primary_territory: Territory,
        college_territory: Territory,
        primaries: int,
        sizes: _Sizes,
        showcase: bool,
    ) -> None:
        """Create a collège and its feeder primary schools, their staff and their families.

        With ``showcase``, pick the key accounts listed first and leave a few accounts per
        establishment to be activated with a code.
        """
        namesakes = self.rng.sample(names.SCHOOL_NAMESAKES, primaries + 1)
        college = self.college(college_territory, namesakes[0], town_name, postal_code, sizes)
        schools = [college]
        for namesake in namesakes[1:]:
            schools.append(self.primary(primary_territory, namesake, town_name, postal_code, sizes))
        shared = self.share_teacher(schools[2], schools[1]) if len(schools) > 2 else None
        college_class = next(
            (c for c in college.classes if c.level == "4E" and c.teacher and c.teacher.is_plain), college.classes[0]
        )
        primary_class = None
        if len(schools) > 1:
            primary_class = next((c for c in schools[1].classes if c.teacher and c.teacher.is_plain), None)
        family = self.families(schools, college_class, primary_class)
        self.college_groups(college)
        if showcase:
            self.showcase_schools.extend(schools)
            self.showcase_sector(schools, family, shared)

    def showcase_sector(self, schools: Sequence[_School], family: Sequence[_Person], shared: _Person | None) -> None:
        """List the sector's key accounts first, and leave a few per establishment unactivated."""
        for school in schools:
            child = next((c for c in family if any(e is school.establishment for e in c.places)), None)
            if child is None:
                plan = next((c for c in school.classes if c.teacher and c.teacher.is_plain), school.classes[0])
                child = plan.students[0]
            else:
                plan = next(p for p in school.classes if any(s is child for s in p.students))
            self.show(school.staff[StaffFunction.HEAD][0])
            self.show(school.staff[StaffFunction.DIGITAL_LEAD][0])
            self.show(plan.teacher)
            if school is not schools[0]:
                self.show(shared)
            for function in (StaffFunction.SCHOOL_LIFE, StaffFunction.OFFICE, StaffFunction.LIBRARIAN):
                self.show(next(iter(school.staff[function]), None))
            self.show(next(iter(school.staff[StaffFunction.AFTER_SCHOOL]), None))
            self.show(next(iter(school.partners), None))
            self.show(child)
            self.show(child.guardians[0])
            classmates = [s for s in plan.students if s is not child and s.guardians]
            self.show(next((g for s in classmates for g in s.guardians if g.is_plain), None))
        for school in schools:
            self.leave_unactivated(school)

    def leave_unactivated(self, school: _School) -> None:
        """Leave 2 students, 2 parents and a teacher of the school to activate with a code."""
        students = [s for s in school.students if s not in self.shown]
        parents = [p for p in school.parents if p not in self.shown and p.is_plain]
        teachers = [t for t in school.teachers if t not in self.shown and t.is_plain]
        groups = (
            self.rng.sample(students, min(2, len(students))),
            self.rng.sample(parents, min(2, len(parents))),
            self.rng.sample(teachers, min(1, len(teachers))),
        )
        for group in groups:
            for person in group:
                self.deactivate(person)
            self.show(next(iter(group), None))  # one of each kind among the key accounts
        self.awaiting_codes.append((school.establishment, [person for group in groups for person in group]))
