"""Read ONDE extractions (primary schools) and generic CSV files with a column mapping.

ONDE has no identifier for guardians or teachers, so their keys are built from what the files
give (see ``docs/provisioning.md``, "Matching rules"):

- a pupil is keyed by their INE (``onde:<INE>``), or, without one, by name and birth date;
- a guardian is ONE person across rows and children: key = folded family name + first name +
  e-mail when there is one, else + folded address and postal code;
- a guardian row is linked to a pupil by the child's family name, first name and class label;
- a teacher is keyed by e-mail when present, else by family name and first name.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from romsie.core.text import fold

from .records import (
    CAT_GUARDIAN,
    CAT_PERSONNEL,
    CAT_STUDENT,
    Feed,
    FeedError,
    FeedFile,
    GuardianLink,
    PersonRecord,
    coming_of_age_read,
    file_digest,
    level_code,
    valid_email,
)


def decode(path: Path) -> str:
    """Return a CSV file's text: UTF-8 (with or without BOM), else ISO-8859-1; refuse UTF-16 or binary."""
    raw = path.read_bytes()
    if not raw.strip():
        raise FeedError(path.name, _("the file is empty"))
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in raw:
        raise FeedError(path.name, _("unsupported encoding (UTF-16 or binary): save the file as UTF-8 or ISO-8859-1"))
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="strict")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("iso-8859-1")
    # C1 control characters mean the file was neither UTF-8 nor ISO-8859-1 (e.g. cp1252 quotes survive,
    # but a Mac or EBCDIC export would not): refuse rather than create garbled names.
    if any("\x80" <= ch <= "\x9f" for ch in text):
        raise FeedError(path.name, _("wrong encoding: the file is neither UTF-8 nor ISO-8859-1"))
    return text


def _rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number, row) with headers folded ("Prénom Elève" -> "prenom eleve")."""
    text = decode(path)
    sample = text[:4096]
    delimiter = ";" if sample.count(";") >= sample.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    with _csv_errors(path, reader):
        header = next(reader, None)
        if not header:
            raise FeedError(path.name, _("the file is empty"))
        names = [fold(h).strip() for h in header]
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            yield reader.line_num, {names[i]: cell.strip() for i, cell in enumerate(row) if i < len(names)}


@contextmanager
def _csv_errors(path: Path, reader: Any) -> Iterator[None]:
    """Turn the csv module's errors (a field over its size limit, a stray quote) into a :class:`FeedError`.

    The reader cannot go on after one, so the whole file is refused: nothing is written.
    """
    try:
        yield
    except csv.Error as error:
        if "field larger than field limit" in str(error):
            message = _("a cell is longer than %(kib)d KiB: this is not a list of people") % {
                "kib": csv.field_size_limit() // 1024
            }
        else:
            message = _("the file is not a valid CSV file (%(detail)s)") % {"detail": error}
        raise FeedError(path.name, message, reader.line_num) from error


def _hash_key(prefix: str, *parts: str) -> str:
    digest = hashlib.sha256("|".join(fold(p) for p in parts).encode()).hexdigest()[:24]
    return f"{prefix}:{digest}"


def guardian_key(last_name: str, first_name: str, email: str, address: str, postal_code: str) -> str:
    """Return the key of an ONDE guardian: names + e-mail, else names + address (see module doc)."""
    if email:
        return _hash_key("onde:g", last_name, first_name, email.lower())
    return _hash_key("onde:g", last_name, first_name, address, postal_code)


def teacher_key(last_name: str, first_name: str, email: str) -> str:
    """Return the key of an ONDE teacher: e-mail when present, else the names."""
    if email:
        return _hash_key("onde:t", email.lower())
    return _hash_key("onde:t", last_name, first_name)


def _kind_of(path: Path, header_names: Iterable[str]) -> str:
    name = fold(path.name)
    if "eleve" in name:
        return CAT_STUDENT
    if "responsable" in name:
        return CAT_GUARDIAN
    if "enseignant" in name:
        return CAT_PERSONNEL
    raise FeedError(path.name, _("cannot tell whether this ONDE file lists pupils, guardians or teachers"))


def read_files(paths: Iterable[Path], uai: str) -> Feed:
    """Read ONDE files of one school into a :class:`Feed` (pupils first: guardians link to them)."""
    feed = Feed(source="onde")
    by_kind: dict[str, Path] = {}
    for path in paths:
        by_kind[_kind_of(path, [])] = path
    establishment = feed.establishment(uai)
    # (folded family name, folded first name, folded class label) -> pupil key
    pupils: dict[tuple[str, str, str], str] = {}
    class_by_label: dict[str, str] = {}
    for category in (CAT_STUDENT, CAT_GUARDIAN, CAT_PERSONNEL):
        found = by_kind.get(category)
        if found is None:
            continue
        path = found
        sha256, size = file_digest(path)
        feed.files.append(FeedFile(path.name, sha256, size, True, category))
        feed.full_categories.add(category)
        for line, row in _rows(path):
            if category == CAT_STUDENT:
                _pupil(feed, uai, path.name, line, row, pupils, class_by_label)
            elif category == CAT_GUARDIAN:
                _guardian(feed, uai, path.name, line, row, pupils)
            else:
                _teacher(feed, uai, path.name, line, row, class_by_label)
    del establishment  # created above so an empty school still has its record
    return feed


def _pupil(
    feed: Feed,
    uai: str,
    file: str,
    line: int,
    row: dict[str, str],
    pupils: dict[tuple[str, str, str], str],
    class_by_label: dict[str, str],
) -> None:
    last = row.get("nom d'usage eleve") or row.get("nom eleve", "")
    family = row.get("nom eleve", "") or last
    first = row.get("prenom eleve", "")
    code, label = row.get("identifiant classe", ""), row.get("libelle classe", "")
    ine = row.get("ine", "")
    if not family or not first or not (code or label):
        feed.error(_("pupil without family name, first name or class; row skipped"), file, line)
        return
    code = code or label
    if ine:
        key = f"onde:{ine}"
    else:
        key = _hash_key("onde:p", family, first, row.get("date naissance", ""))
        feed.warning(_("pupil without INE: matched by name and birth date"), file, line, key)
    level = level_code(row.get("niveau", "")) or level_code(label or code)
    establishment = feed.establishment(uai)
    establishment.classes[code] = label or code
    if level:
        establishment.class_levels.setdefault(code, level)
    class_by_label[fold(label or code)] = code
    pupils[(fold(family), fold(first), fold(label or code))] = key
    feed.add_person(
        PersonRecord(
            category=CAT_STUDENT,
            key=key,
            file=file,
            line=line,
            last_name=last,
            first_name=first,
            ine=ine or None,
            comes_of_age_on=coming_of_age_read(feed, row.get("date naissance"), file, line, key),
            uais={uai},
            classes={uai: code},
            groups=None,
            guardians=[],
            roles={uai: {("student", "")}},
        )
    )


def _guardian(
    feed: Feed, uai: str, file: str, line: int, row: dict[str, str], pupils: dict[tuple[str, str, str], str]
) -> None:
    last = row.get("nom usage responsable") or row.get("nom responsable", "")
    first = row.get("prenom responsable", "")
    if not last or not first:
        feed.error(_("guardian without family name or first name; row skipped"), file, line)
        return
    email = row.get("courriel", "")
    if email and not valid_email(email):
        feed.warning(_("invalid e-mail address %(email)r ignored") % {"email": email}, file, line)
        email = ""
    key = guardian_key(
        row.get("nom responsable") or last,
        first,
        email,
        row.get("adresse responsable", ""),
        row.get("cp responsable", ""),
    )
    child_family = row.get("nom de famille enfant") or row.get("nom d'usage enfant", "")
    child_key = pupils.get(
        (fold(child_family), fold(row.get("prenom enfant", "")), fold(row.get("classes enfants", "")))
    )
    if child_key is None:
        feed.error(
            _("no pupil %(first)s %(last)s in class %(cls)s for this guardian; row skipped")
            % {"first": row.get("prenom enfant", ""), "last": child_family, "cls": row.get("classes enfants", "")},
            file,
            line,
            key,
        )
        return
    record = feed.people.get(key)
    if record is None:
        record = PersonRecord(
            category=CAT_GUARDIAN,
            key=key,
            file=file,
            line=line,
            last_name=last,
            first_name=first,
            email=email or None,
            uais={uai},
            children=[],
        )
        feed.add_person(record)
    assert record.children is not None
    if child_key not in record.children:
        record.children.append(child_key)
    child = feed.people[child_key]
    assert child.guardians is not None
    child.guardians.append(GuardianLink(guardian_key=key, is_legal=True))


def _teacher(feed: Feed, uai: str, file: str, line: int, row: dict[str, str], class_by_label: dict[str, str]) -> None:
    last = row.get("nom usage") or row.get("nom", "")
    first = row.get("prenom", "")
    if not last or not first:
        feed.error(_("teacher without family name or first name; row skipped"), file, line)
        return
    email = row.get("courriel", "")
    if email and not valid_email(email):
        feed.warning(_("invalid e-mail address %(email)r ignored") % {"email": email}, file, line)
        email = ""
    key = teacher_key(row.get("nom") or last, first, email)
    roles = {("teacher", "")}
    if fold(row.get("directeur", "")) in ("oui", "o", "yes"):
        roles.add(("staff", "head"))
    homerooms: set[tuple[str, str]] = set()
    label = row.get("classe", "")
    if label:
        code = class_by_label.get(fold(label))
        if code is None:
            feed.error(_("unknown class %(cls)r for this teacher; row skipped") % {"cls": label}, file, line, key)
            return
        # In primary school the class teacher is the class's homeroom teacher.
        homerooms.add((uai, code))
    feed.add_person(
        PersonRecord(
            category=CAT_PERSONNEL,
            key=key,
            file=file,
            line=line,
            last_name=last,
            first_name=first,
            email=email or None,
            uais={uai},
            roles={uai: roles},
            teachings=set(),
            homerooms=homerooms,
        )
    )


# Generic CSV: folded header -> field. French and English headers are both understood.
CSV_COLUMNS = {
    "kind": "kind", "profil": "kind", "type": "kind", "role": "kind",
    "last_name": "last_name", "last name": "last_name", "nom": "last_name", "nom de famille": "last_name",
    "first_name": "first_name", "first name": "first_name", "prenom": "first_name",
    "external_id": "external_id", "id": "external_id", "identifiant": "external_id",
    "class_code": "class_code", "class": "class_code", "classe": "class_code",
    "email": "email", "e-mail": "email", "mail": "email", "courriel": "email",
    "ine": "ine", "function": "function", "fonction": "function",
    "child_external_id": "child", "child": "child", "enfant": "child", "identifiant enfant": "child",
    "birth_date": "birth_date", "birth date": "birth_date", "date of birth": "birth_date",
    "date de naissance": "birth_date", "date naissance": "birth_date", "naissance": "birth_date",
}  # fmt: skip
_CSV_KINDS = {
    "student": CAT_STUDENT, "eleve": CAT_STUDENT, "guardian": CAT_GUARDIAN, "parent": CAT_GUARDIAN,
    "responsable": CAT_GUARDIAN, "teacher": CAT_PERSONNEL, "enseignant": CAT_PERSONNEL,
    "staff": CAT_PERSONNEL, "personnel": CAT_PERSONNEL,
}  # fmt: skip
_CSV_FUNCTIONS = {"head": "head", "direction": "head", "school_life": "school_life", "vie scolaire": "school_life",
                  "librarian": "librarian", "documentaliste": "librarian", "office": "office",
                  "secretariat": "office"}  # fmt: skip


CSV_FIELDS = (
    "kind", "external_id", "last_name", "first_name", "email", "class_code", "ine", "birth_date", "function", "child",
)  # fmt: skip
CSV_REQUIRED_FIELDS = ("kind", "external_id", "last_name", "first_name")


def csv_headers(path: Path) -> list[str]:
    """Return the header cells of a CSV file as written (same decoding and delimiter as the reader)."""
    text = decode(path)
    sample = text[:4096]
    delimiter = ";" if sample.count(";") >= sample.count(",") else ","
    reader = csv.reader(io.StringIO(text[: text.find("\n") + 1 or None], newline=""), delimiter=delimiter)
    with _csv_errors(path, reader):
        header = next(reader, None)
    if not header:
        raise FeedError(path.name, _("the file is empty"))
    return [cell.strip() for cell in header]


def read_generic_csv(paths: Iterable[Path], uai: str, mapping: dict[str, str] | None = None) -> Feed:
    """Read generic CSV files (one person a row, a ``kind`` column) for one establishment.

    ``mapping`` (``{folded header: field}``, "" to ignore a column) overrides the headers
    recognised by name (:data:`CSV_COLUMNS`).
    """
    columns = {**CSV_COLUMNS, **(mapping or {})}
    feed = Feed(source="csv")
    establishment = feed.establishment(uai)
    for path in paths:
        sha256, size = file_digest(path)
        feed.files.append(FeedFile(path.name, sha256, size, False))
        guardian_rows: list[tuple[int, dict[str, str]]] = []
        for line, raw in _rows(path):
            row = {columns[k]: v for k, v in raw.items() if columns.get(k)}
            category = _CSV_KINDS.get(fold(row.get("kind", "")))
            if category is None or not row.get("external_id") or not row.get("last_name") or not row.get("first_name"):
                feed.error(
                    _("row without a known kind, identifier, family name or first name; skipped"), path.name, line
                )
                continue
            key = f"csv:{row['external_id']}"
            email = row.get("email", "")
            if email and not valid_email(email):
                feed.warning(_("invalid e-mail address %(email)r ignored") % {"email": email}, path.name, line, key)
                email = ""
            record = PersonRecord(
                category=category,
                key=key,
                file=path.name,
                line=line,
                last_name=row["last_name"],
                first_name=row["first_name"],
                email=email or None,
                uais={uai},
            )
            if category == CAT_STUDENT:
                code = row.get("class_code", "")
                record.ine = row.get("ine") or None
                record.comes_of_age_on = coming_of_age_read(feed, row.get("birth_date"), path.name, line, key)
                record.roles = {uai: {("student", "")}}
                if code:
                    record.classes = {uai: code}
                    # A class the ENT does not know is created only when its level shows in its code.
                    level = level_code(code)
                    if level:
                        establishment.classes.setdefault(code, code)
                        establishment.class_levels.setdefault(code, level)
                record.guardians = []
            elif category == CAT_GUARDIAN:
                record.children = []
                guardian_rows.append((line, row))
            else:
                function = _CSV_FUNCTIONS.get(fold(row.get("function", "")))
                record.roles = {uai: {("staff", function)} if function else {("teacher", "")}}
            feed.add_person(record)
        for line, row in guardian_rows:
            child = feed.people.get(f"csv:{row.get('child', '')}")
            guardian = feed.people[f"csv:{row['external_id']}"]
            if child is None or child.guardians is None:
                feed.error(_("guardian whose child cannot be found; link skipped"), path.name, line, guardian.key)
                continue
            assert guardian.children is not None
            guardian.children.append(child.key)
            child.guardians.append(GuardianLink(guardian_key=guardian.key))
    return feed
