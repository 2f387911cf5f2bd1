"""What the parsers hand to the planner: people, structures and problems, tied to file and line."""

from __future__ import annotations

import datetime
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

# Kinds of person, as shown in the preview.
STUDENT = "student"
GUARDIAN = "guardian"
TEACHER = "teacher"
STAFF = "staff"
PERSON_KINDS = (STUDENT, GUARDIAN, TEACHER, STAFF)

# Categories of record: which file kind carries them; a full file of a category makes the people
# of that category missing from it leavers.
CAT_STUDENT = "student"
CAT_GUARDIAN = "guardian"
CAT_PERSONNEL = "personnel"

DEFAULT_MAX_FILE_BYTES = 200 * 1024 * 1024


def max_file_bytes() -> int:
    """Return the largest feed file accepted (setting ``PROVISIONING_MAX_FILE_BYTES``)."""
    return int(getattr(settings, "PROVISIONING_MAX_FILE_BYTES", DEFAULT_MAX_FILE_BYTES))


class FeedError(Exception):
    """A file that cannot be used at all (bad XML, encoding, size): the whole import is rejected."""

    def __init__(self, file: str, message: str, line: int | None = None) -> None:
        where = f"{file}:{line}" if line else file
        super().__init__(f"{where}: {message}")
        self.file = file
        self.line = line
        self.message = message


@dataclass(frozen=True)
class Problem:
    """A warning or an error about one record, tied to its file and line."""

    severity: str  # "error" (the record is skipped) or "warning" (applied, with a caveat)
    message: str
    file: str = ""
    line: int | None = None
    key: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "severity": self.severity,
            "message": self.message,
            "file": self.file,
            "line": self.line,
            "key": self.key,
        }

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        label = _("error") if self.severity == "error" else _("warning")
        return f"[{label}] {where} {self.message}".strip()


@dataclass
class GuardianLink:
    """A student's guardian as the feed states it."""

    guardian_key: str
    is_legal: bool = True
    relationship: str = ""
    receives_mail: bool = True


@dataclass
class PersonRecord:
    """One person as a feed describes them; ``None`` means "the record does not say"."""

    category: str
    key: str
    file: str
    line: int
    operation: str = "add"  # add, modify (replace the given attributes) or delete
    last_name: str | None = None
    first_name: str | None = None
    email: str | None = None
    ine: str | None = None
    # Students only: the day they turn 18, worked out from the feed's birth date, which is not kept.
    comes_of_age_on: datetime.date | None = None
    uais: set[str] = field(default_factory=set)
    classes: dict[str, str] | None = None  # uai -> class code (students)
    groups: dict[str, set[str]] | None = None  # uai -> group codes (students)
    guardians: list[GuardianLink] | None = None  # students
    children: list[str] | None = None  # guardians: student keys
    # uai -> {(role, staff function)}; guardians get theirs from their children's establishments.
    roles: dict[str, set[tuple[str, str]]] | None = None
    teachings: set[tuple[str, str, str]] | None = None  # (uai, class or group code, subject code)
    homerooms: set[tuple[str, str]] | None = None  # (uai, class code)

    @property
    def kind(self) -> str:
        """Return the kind shown in the preview: student, guardian, teacher or staff."""
        if self.category == CAT_STUDENT:
            return STUDENT
        if self.category == CAT_GUARDIAN:
            return GUARDIAN
        roles = [role for per_uai in (self.roles or {}).values() for role, _function in per_uai]
        return STAFF if roles and "teacher" not in roles else TEACHER

    @property
    def display_name(self) -> str:
        return f"{self.first_name or ''} {self.last_name or ''}".strip() or self.key


@dataclass
class EstablishmentRecord:
    """The structure a feed gives for one establishment."""

    uai: str
    name: str = ""
    # Only read for ``provision_feed --territory``, which creates the establishments not yet in the ENT.
    kind: str = ""  # an ``Establishment.Kind`` value, "" when the feed's type is unknown
    type_code: str = ""  # the feed's own type (AAF ``ENTStructureTypeStruct``), for messages
    address: str = ""
    postal_code: str = ""
    city: str = ""
    classes: dict[str, str] = field(default_factory=dict)  # code -> name
    groups: dict[str, str] = field(default_factory=dict)  # code -> name
    class_levels: dict[str, str] = field(default_factory=dict)  # class code -> level code


@dataclass
class FeedFile:
    """A file read for an import, with its digest for the run's history."""

    name: str
    sha256: str
    size_bytes: int
    is_full: bool
    category: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "sha256": self.sha256, "size_bytes": self.size_bytes, "full": self.is_full}


@dataclass
class Feed:
    """Everything read from one set of files, before any comparison with the database."""

    source: str  # "aaf", "onde" or "csv"
    files: list[FeedFile] = field(default_factory=list)
    full_categories: set[str] = field(default_factory=set)
    establishments: dict[str, EstablishmentRecord] = field(default_factory=dict)
    subjects: dict[str, str] = field(default_factory=dict)  # code -> name
    people: dict[str, PersonRecord] = field(default_factory=dict)
    deletions: list[PersonRecord] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # Keys of records rejected by an error: never treated as leavers.
    rejected_keys: set[str] = field(default_factory=set)
    # An establishment's own import (web upload): the UAI outside which nothing is written.
    restricted_to: str = ""
    # ``provision_feed --territory``: the territory in which the establishments of the structure
    # file that the ENT does not know yet are created (planned, previewed and applied with the rest).
    territory_id: int | None = None

    def establishment(self, uai: str) -> EstablishmentRecord:
        if uai not in self.establishments:
            self.establishments[uai] = EstablishmentRecord(uai=uai)
        return self.establishments[uai]

    def error(self, message: str, file: str = "", line: int | None = None, key: str = "") -> None:
        self.problems.append(Problem("error", message, file, line, key))
        if key:
            self.rejected_keys.add(key)

    def warning(self, message: str, file: str = "", line: int | None = None, key: str = "") -> None:
        self.problems.append(Problem("warning", message, file, line, key))

    def add_person(self, record: PersonRecord) -> None:
        """Keep a person; a later record of the same key (a delta after a full file) wins."""
        if record.operation == "delete":
            self.people.pop(record.key, None)
            self.deletions.append(record)
            return
        previous = self.people.get(record.key)
        if previous is not None and record.operation == "modify":
            for name in (
                "last_name", "first_name", "email", "ine", "comes_of_age_on", "classes", "groups",
                "guardians", "children", "roles", "teachings", "homerooms",
            ):  # fmt: skip
                value = getattr(record, name)
                if value is not None:
                    setattr(previous, name, value)
            previous.uais |= record.uais
            return
        self.people[record.key] = record


def file_digest(path: Path) -> tuple[str, int]:
    """Return the sha256 and size of a file, refusing files over the size limit."""
    size = path.stat().st_size
    if size > max_file_bytes():
        raise FeedError(path.name, _("the file is larger than the limit of %(mb)d MB") % {"mb": max_file_bytes() >> 20})
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest(), size


def valid_email(value: str) -> bool:
    """Tell whether an e-mail address looks deliverable (Django's validator)."""
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


AGE_OF_MAJORITY = 18
# Feeds write birth dates dd/mm/yyyy (AAF, ONDE); a generic CSV may also use yyyy-mm-dd.
_DATE_FR = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})", re.ASCII)
_DATE_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII)
_EARLIEST_BIRTH_YEAR = 1900  # anything older is a typing error, not a student


def birth_date_parse(value: str) -> datetime.date | None:
    """Return the date of a feed's birth date (dd/mm/yyyy or yyyy-mm-dd), or None if unreadable."""
    text = value.strip()
    if match := _DATE_FR.fullmatch(text):
        day, month, year = (int(part) for part in match.groups())
    elif match := _DATE_ISO.fullmatch(text):
        year, month, day = (int(part) for part in match.groups())
    else:
        return None
    if not _EARLIEST_BIRTH_YEAR <= year <= datetime.MAXYEAR - AGE_OF_MAJORITY:
        return None
    try:
        return datetime.date(year, month, day)
    except ValueError:  # 31/02, 00/13...
        return None


def coming_of_age(born: datetime.date) -> datetime.date:
    """Return the 18th birthday of someone born on ``born``; 29 February gives 1 March in a non-leap year."""
    year = born.year + AGE_OF_MAJORITY
    try:
        return born.replace(year=year)
    except ValueError:
        return datetime.date(year, 3, 1)


def coming_of_age_read(feed: Feed, value: str | None, file: str, line: int, key: str) -> datetime.date | None:
    """Return the 18th birthday of a student's birth date as a feed writes it.

    An empty or missing date says nothing (None). An unreadable one is a warning of the feed, tied
    to its file and line, and also gives None, so an account keeps the date it has. The value is
    not repeated in the message: the import's history keeps no birth date.
    """
    if value is None or not value.strip():
        return None
    born = birth_date_parse(value)
    if born is None:
        feed.warning(_("unreadable birth date (expected dd/mm/yyyy): coming of age not recorded"), file, line, key)
        return None
    return coming_of_age(born)


# AAF ENTEleveNivFormation and ONDE "Niveau" values -> Level codes.
_LEVEL_ALIASES = {
    "6EME": "6E", "6E": "6E", "5EME": "5E", "5E": "5E", "4EME": "4E", "4E": "4E", "3EME": "3E", "3E": "3E",
    "2NDE": "2NDE", "2ND": "2NDE", "SECONDE": "2NDE", "1ERE": "1RE", "1RE": "1RE", "PREMIERE": "1RE",
    "TERMINALE": "TLE", "TLE": "TLE", "TERM": "TLE",
    "PS": "PS", "MS": "MS", "GS": "GS", "CP": "CP", "CE1": "CE1", "CE2": "CE2", "CM1": "CM1", "CM2": "CM2",
}  # fmt: skip


def level_code(value: str) -> str | None:
    """Return the Level code of a feed's level label or class code ("6EME", "6A", "CM2 B"), if any."""
    text = value.upper().replace(" ", "").replace("-", "")
    first = value.upper().split()[0] if value.strip() else ""
    if first in _LEVEL_ALIASES:
        return _LEVEL_ALIASES[first]
    for alias in sorted(_LEVEL_ALIASES, key=len, reverse=True):
        if text.startswith(alias):
            return _LEVEL_ALIASES[alias]
    # Collège and lycée class codes start with the level's digit: "6A", "3B", "2NDE1", "1G2".
    return {"6": "6E", "5": "5E", "4": "4E", "3": "3E", "2": "2NDE", "1": "1RE"}.get(text[:1])
