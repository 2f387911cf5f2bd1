"""Read AAF XML files (secondary schools), streamed, without ever resolving entities or DTDs."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from lxml import etree

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

SOURCE = "aaf"
_FILE_NAME = re.compile(r"ENT_(?P<mode>Complet|Delta)_(?P<date>\d{8})_(?P<kind>[A-Za-z]+)_\d+\.xml$", re.I)
_REQUESTS = ("addRequest", "modifyRequest", "deleteRequest")
# AAF function codes -> (role, staff function).
FUNCTIONS = {
    "ENS": ("teacher", ""),
    "DIR": ("staff", "head"),
    "EDU": ("staff", "school_life"),
    "DOC": ("staff", "librarian"),
    "ADF": ("staff", "office"),
}
# Relationship codes of ENTElevePersRelEleve (BCN nomenclature), stored in plain words.
RELATIONSHIPS = {
    "10": "father",
    "20": "mother",
    "30": "tutor",
    "39": "other family member",
    "41": "child welfare (ASE)",
    "42": "other person",
    "50": "student",
    "51": "other",
    "70": "foster family",
    "90": "other",
}
# AAF structure types (``ENTStructureTypeStruct``) -> ``Establishment.Kind`` values.
STRUCTURE_KINDS = {
    "CLG": "lower_secondary",
    "LYC": "upper_secondary",
    "LG": "upper_secondary",
    "LGT": "upper_secondary",
    "LPO": "upper_secondary",
    "LT": "upper_secondary",
    "EREA": "upper_secondary",
    "LP": "vocational",
    "SEP": "vocational",
    "LPA": "agricultural",
    "LEGTA": "agricultural",
    "EPLEFPA": "agricultural",
    "EE": "elementary",
    "ECOLE ELEMENTAIRE": "elementary",
    "EM": "nursery",
    "ECOLE MATERNELLE": "nursery",
    "EP": "primary",
    "ECOLE PRIMAIRE": "primary",
}
_CATEGORIES = {"Eleve": CAT_STUDENT, "PersRelEleve": CAT_GUARDIAN, "PersEducNat": CAT_PERSONNEL}


def person_key(raw_id: str) -> str:
    """Return the ``User.external_id`` of an AAF join key, prefixed so sources never clash."""
    return f"{SOURCE}:{raw_id.strip()}"


def file_sort_key(path: Path) -> tuple[str, int, str]:
    """Order files as they must be read: by date, full files before deltas, structure first."""
    match = _FILE_NAME.search(path.name)
    if not match:
        return ("", 9, path.name)
    kind_order = ["EtabEducNat", "MatiereEducNat", "PersEducNat", "Eleve", "PersRelEleve"]
    kind = match["kind"]
    order = kind_order.index(kind) if kind in kind_order else 8
    return (match["date"] + ("0" if match["mode"].lower() == "complet" else "1"), order, path.name)


# How lxml reads AAF files: entities are never expanded or fetched, no DTD is loaded, nothing
# comes from the network, and libxml2's safety limits on depth and text size stay on.
PARSER_OPTIONS: dict[str, bool] = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "huge_tree": False,
    "remove_comments": True,
}
_PROLOG_CHUNK_BYTES = 64 * 1024
_DECLARATIONS = (b"<!DOCTYPE", b"<!ENTITY")


def _check_prolog(path: Path) -> None:
    """Refuse a DTD or entity declaration outright: feeds never need one (XXE, billion laughs).

    The whole prolog (everything before the root element: the XML declaration, comments,
    processing instructions) is scanned, streamed a chunk at a time, so a long comment cannot
    hide a declaration behind it and a large file is not read more than its prolog.
    """
    with path.open("rb") as handle:
        head = handle.read(_PROLOG_CHUNK_BYTES)
        if not head.strip():
            raise FeedError(path.name, _("the file is empty"))
        if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head[:200]:
            raise FeedError(path.name, _("unsupported encoding (UTF-16?): AAF files are UTF-8 or ISO-8859-1"))
        buffer = head.removeprefix(b"\xef\xbb\xbf")

        def more() -> bool:
            nonlocal buffer
            chunk = handle.read(_PROLOG_CHUNK_BYTES)
            buffer += chunk
            return bool(chunk)

        def skip_past(end: bytes) -> bool:
            """Drop the buffer up to and including ``end``; False if the file ends first."""
            nonlocal buffer
            while (found := buffer.find(end)) < 0:
                buffer = buffer[-(len(end) - 1) :]  # an ``end`` split between two chunks is still found
                if not more():
                    return False
            buffer = buffer[found + len(end) :]
            return True

        while True:
            buffer = buffer.lstrip()
            if len(buffer) < 16 and more():
                continue
            if buffer[:16].upper().startswith(_DECLARATIONS):
                raise FeedError(path.name, _("the file declares a DTD or entities, which is refused for safety"))
            if buffer.startswith(b"<!--"):
                buffer = buffer[4:]
                if not skip_past(b"-->"):
                    return
            elif buffer.startswith(b"<?"):
                if not skip_past(b"?>"):
                    return
            else:
                return  # the root element (or text lxml will refuse): the prolog is over


def _iter_requests(path: Path) -> Iterator[tuple[str, int, Any]]:
    """Yield (request tag, line, element) for each request, freeing memory as it goes."""
    context = etree.iterparse(str(path), events=("end",), tag=_REQUESTS, **PARSER_OPTIONS)
    try:
        for _event, element in context:
            yield str(element.tag), int(element.sourceline or 0), element
            element.clear()
            parent = element.getparent()
            while parent is not None and element.getprevious() is not None:
                del parent[0]
    except etree.XMLSyntaxError as exc:
        message = str(exc.msg or exc)
        if "encoding" in message.lower() or "utf-8" in message.lower():
            raise FeedError(path.name, _("wrong encoding: %(detail)s") % {"detail": message}, exc.lineno) from exc
        raise FeedError(
            path.name, _("invalid or truncated XML, the file is rejected: %(detail)s") % {"detail": message}, exc.lineno
        ) from exc


def _attributes(element: Any) -> tuple[str, str, dict[str, list[str]]]:
    """Return (category, identifier, attributes) of a request element."""
    category = ""
    for attr in element.iterfind("operationalAttributes/attr"):
        values = [v.text or "" for v in attr.iterfind("value")]
        if values:
            category = values[0].strip()
    identifier = (element.findtext("identifier/id") or "").strip()
    attrs: dict[str, list[str]] = {}
    for attr in element.iterfind("attributes/attr"):
        name = attr.get("name") or ""
        attrs[name] = [(v.text or "").strip() for v in attr.iterfind("value") if (v.text or "").strip()]
    return category, identifier, attrs


def _split(value: str, parts: int) -> list[str] | None:
    pieces = value.split("$")
    return pieces if len(pieces) >= parts else None


def read_files(paths: Iterable[Path]) -> Feed:
    """Read AAF files into a :class:`Feed`; raise :class:`FeedError` if a file is unusable."""
    feed = Feed(source=SOURCE)
    for path in sorted(paths, key=file_sort_key):
        _read_file(feed, path)
    return feed


def _read_file(feed: Feed, path: Path) -> None:
    sha256, size = file_digest(path)
    _check_prolog(path)
    match = _FILE_NAME.search(path.name)
    is_full = bool(match and match["mode"].lower() == "complet")
    categories: set[str] = set()
    count = 0
    for tag, line, element in _iter_requests(path):
        count += 1
        category, identifier, attrs = _attributes(element)
        operation = {"addRequest": "add", "modifyRequest": "modify", "deleteRequest": "delete"}[tag]
        if not identifier:
            feed.error(_("record without an identifier, skipped"), path.name, line)
            continue
        if category in ("Etablissement",) or "ENTStructureUAI" in attrs:
            _read_establishment(feed, identifier, attrs)
        elif category == "MatiereEducNat" or "ENTMatJointure" in attrs:
            names = attrs.get("ENTLibelleMatiere") or [identifier]
            feed.subjects[identifier] = names[0]
        elif category in _CATEGORIES:
            categories.add(_CATEGORIES[category])
            _read_person(feed, _CATEGORIES[category], identifier, attrs, operation, path.name, line)
        else:
            feed.warning(_("unknown record category %(cat)r, ignored") % {"cat": category}, path.name, line)
    if count == 0:
        raise FeedError(path.name, _("no record found: this is not an AAF file"))
    feed.files.append(FeedFile(path.name, sha256, size, is_full, ",".join(sorted(categories))))
    if is_full:
        feed.full_categories |= categories


def _read_establishment(feed: Feed, identifier: str, attrs: dict[str, list[str]]) -> None:
    uai = (attrs.get("ENTStructureUAI") or [identifier])[0].upper()
    record = feed.establishment(uai)
    record.name = (attrs.get("ENTStructureNomCourant") or [record.name])[0]
    type_code = (attrs.get("ENTStructureTypeStruct") or [record.type_code])[0].strip().upper()
    record.type_code, record.kind = type_code, STRUCTURE_KINDS.get(type_code, "")
    record.address = (attrs.get("street") or [record.address])[0]
    record.postal_code = (attrs.get("postalCode") or [record.postal_code])[0]
    record.city = (attrs.get("l") or [record.city])[0]
    for value in attrs.get("ENTStructureClasses", []):
        code, _sep, name = value.partition("$")
        record.classes[code] = name or code
    for value in attrs.get("ENTStructureGroupes", []):
        code, _sep, name = value.partition("$")
        record.groups[code] = name or code


def _read_person(
    feed: Feed, category: str, identifier: str, attrs: dict[str, list[str]], operation: str, file: str, line: int
) -> None:
    key = person_key((attrs.get("ENTPersonJointure") or [identifier])[0])
    record = PersonRecord(category=category, key=key, file=file, line=line, operation=operation)
    if operation == "delete":
        feed.add_person(record)
        return

    def first(name: str) -> str | None:
        if name not in attrs:
            return None
        return attrs[name][0] if attrs[name] else ""

    record.last_name, record.first_name = first("sn"), first("givenName")
    if operation == "add":
        missing = [name for name in ("sn", "givenName") if not first(name)]
        if missing:
            feed.error(
                _("required attribute missing: %(names)s; record skipped") % {"names": ", ".join(missing)},
                file,
                line,
                key,
            )
            return
    email = first("mail")
    if email:
        if valid_email(email):
            record.email = email
        else:
            feed.warning(_("invalid e-mail address %(email)r ignored") % {"email": email}, file, line, key)
    for value in attrs.get("ENTPersonStructRattach", []):
        record.uais.add(value.upper())

    if category == CAT_STUDENT:
        _read_student(feed, record, attrs)
    elif category == CAT_GUARDIAN:
        if "ENTAuxPersRelEleveEleve" in attrs:
            record.children = [person_key(v) for v in attrs["ENTAuxPersRelEleveEleve"]]
    else:
        _read_personnel(feed, record, attrs)
    feed.add_person(record)


def _read_student(feed: Feed, record: PersonRecord, attrs: dict[str, list[str]]) -> None:
    ine = (attrs.get("ENTEleveINE") or [""])[0]
    record.ine = ine or None
    born = (attrs.get("ENTPersonDateNaissance") or [""])[0]
    record.comes_of_age_on = coming_of_age_read(feed, born, record.file, record.line, record.key)
    level = level_code((attrs.get("ENTEleveNivFormation") or [""])[0])
    if "ENTEleveClasses" in attrs:
        record.classes = {}
        for value in attrs["ENTEleveClasses"]:
            parts = _split(value, 2)
            if parts is None:
                feed.warning(_("malformed class %(value)r ignored") % {"value": value}, record.file, record.line)
                continue
            uai, code = parts[0].upper(), parts[1]
            record.classes[uai] = code
            record.uais.add(uai)
            if level:
                feed.establishment(uai).class_levels.setdefault(code, level)
    if "ENTEleveGroupes" in attrs:
        record.groups = {}
        for value in attrs["ENTEleveGroupes"]:
            parts = _split(value, 2)
            if parts is not None:
                record.groups.setdefault(parts[0].upper(), set()).add(parts[1])
    if "ENTElevePersRelEleve" in attrs:
        record.guardians = []
        for value in attrs["ENTElevePersRelEleve"]:
            parts = value.split("$")
            level_of_responsibility = parts[2] if len(parts) > 2 else "1"
            record.guardians.append(
                GuardianLink(
                    guardian_key=person_key(parts[0]),
                    is_legal=level_of_responsibility == "1",
                    relationship=RELATIONSHIPS.get(parts[1] if len(parts) > 1 else "", ""),
                    # The contact flag (4th part) says whether the school writes to this person.
                    receives_mail=(parts[3] != "0") if len(parts) > 3 else True,
                )
            )
    if record.uais:
        record.roles = {uai: {("student", "")} for uai in record.uais}


def _read_personnel(feed: Feed, record: PersonRecord, attrs: dict[str, list[str]]) -> None:
    if "ENTPersonFonctions" in attrs:
        record.roles = {}
        for value in attrs["ENTPersonFonctions"]:
            parts = _split(value, 2)
            if parts is None:
                continue
            uai, code = parts[0].upper(), parts[1].upper()
            if code not in FUNCTIONS:
                feed.warning(_("unknown function %(code)r ignored") % {"code": code}, record.file, record.line)
                continue
            record.roles.setdefault(uai, set()).add(FUNCTIONS[code])
            record.uais.add(uai)
    teachings: set[tuple[str, str, str]] = set()
    for name in ("ENTAuxEnsClassesMatieres", "ENTAuxEnsGroupesMatieres"):
        for value in attrs.get(name, []):
            parts = _split(value, 3)
            if parts is not None:
                teachings.add((parts[0].upper(), parts[1], parts[2]))
    if "ENTAuxEnsClassesMatieres" in attrs or "ENTAuxEnsGroupesMatieres" in attrs:
        record.teachings = teachings
        for uai, _code, _subject in teachings:
            record.uais.add(uai)
            if record.roles is not None:
                record.roles.setdefault(uai, set()).add(("teacher", ""))
    if "ENTAuxEnsClassesPrincipal" in attrs:
        record.homerooms = set()
        for value in attrs["ENTAuxEnsClassesPrincipal"]:
            parts = _split(value, 2)
            if parts is not None:
                record.homerooms.add((parts[0].upper(), parts[1]))
