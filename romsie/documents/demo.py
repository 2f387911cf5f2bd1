"""Demo content of the documents, for the showcase establishments.

* Every person of these establishments gets their personal space with three small files (a text,
  a tiny picture and a one-page PDF, generated here): the three stored files are written once and
  shared by every copy, as copies and hand-outs share their bytes.
* Every current class gets its shared space with the class's timetable sheet, and the staff
  their team space with the minutes of a staff meeting.
* In each class, a teacher of the class hands out an exercise sheet (each student finds it in
  their "Received" folder) from a "Cours" folder of their own, which they share with the class
  and, read only, with the head; the first class's teacher opens a hand-in folder.

Rows are written in bulk (a fixed number of queries per establishment, whatever the number of
people); the hand-outs go through the service. Nothing is written where the service is off.
"""

from __future__ import annotations

import datetime
import hashlib
import struct
import zlib
from collections.abc import Iterable

from django.core.files.base import ContentFile
from django.db.models import F
from django.utils import timezone

from romsie.establishments.models import Establishment
from romsie.identity.models import Role, RoleAssignment, StaffFunction
from romsie.identity.scope import scopes_of
from romsie.schooling.models import SchoolClass, Teaching

from . import handouts, names
from .models import Blob, FileVersion, Node, Right, Share, Space

SERVICE = "documents"


def _pdf(text: str) -> bytes:
    """A valid one-page PDF showing ``text`` (ASCII)."""
    stream = f"BT /F1 16 Tf 40 100 Td ({text}) Tj ET".encode("ascii")
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 420 200]/Contents 4 0 R/Resources<</Font<</F1 5 0 R>>>>>>",
        b"<</Length %d>>stream\n" % len(stream) + stream + b"\nendstream",
        b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj" % number + body + b"endobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _png(size: int = 16) -> bytes:
    """A small PNG: a blue square with a lighter band."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(
        b"\x00" + b"".join(bytes((60, 120, 200) if y < size // 2 else (150, 190, 240)) for _x in range(size))
        for y in range(size)
    )
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


SAMPLES = {
    "welcome": (
        "Bienvenue.txt",
        "text/plain",
        b"Bienvenue dans vos documents !\nRangez ici vos cours et vos travaux.\n",
    ),
    "picture": ("Photo de classe.png", "image/png", _png()),
    "rules": ("Règlement intérieur.pdf", "application/pdf", _pdf("Reglement interieur")),
    "timetable": ("Emploi du temps.pdf", "application/pdf", _pdf("Emploi du temps de la classe")),
    "minutes": ("Compte rendu du conseil pédagogique.pdf", "application/pdf", _pdf("Conseil pedagogique")),
    "exercises": ("Fiche d'exercices.pdf", "application/pdf", _pdf("Fiche d'exercices")),
}


def _blobs() -> dict[str, Blob]:
    """The sample files, stored once (six small writes)."""
    stored: dict[str, Blob] = {}
    for key, (name, content_type, data) in SAMPLES.items():
        blob = Blob(name=name, content_type=content_type, size_bytes=len(data), sha256=hashlib.sha256(data).hexdigest())
        blob.file.save(name, ContentFile(data), save=False)
        blob.save()
        stored[key] = blob
    return stored


def _files(folders: Iterable[Node], keys: list[str], blobs: dict[str, Blob], by: dict[int, int | None]) -> int:
    """Put the sample files ``keys`` in every folder, in bulk; count them in their spaces. Return the rows added."""
    now = timezone.now()
    nodes: list[Node] = []
    for folder in folders:
        for key in keys:
            name, content_type, data = SAMPLES[key]
            nodes.append(
                Node(
                    space_id=folder.space_id,
                    parent=folder,
                    path=folder.descendants_prefix,
                    name=name,
                    name_key=names.name_key(name),
                    search_key=names.search_key(name),
                    created_by_id=by.get(folder.space_id),
                    created_at=now,
                    modified_at=now,
                    size_bytes=len(data),
                    content_type=content_type,
                )
            )
    Node.objects.bulk_create(nodes, batch_size=500)
    versions = [
        FileVersion(
            node=node,
            blob=blobs[next(k for k in keys if SAMPLES[k][0] == node.name)],
            number=1,
            size_bytes=node.size_bytes,
            uploaded_by_id=node.created_by_id,
            uploaded_at=now,
        )
        for node in nodes
    ]
    FileVersion.objects.bulk_create(versions, batch_size=500)
    handouts.point_at_first_versions(nodes)
    spaces = {folder.space_id for folder in folders}
    added = sum(len(SAMPLES[k][2]) for k in keys)
    Space.objects.filter(pk__in=spaces).update(used_bytes=F("used_bytes") + added)
    return len(nodes) * 2


_KIND_ORDER = [
    (Role.TEACHER, "teacher"),
    (Role.STAFF, "staff"),
    (Role.PARENT, "parent"),
    (Role.STUDENT, "student"),
    (Role.PARTNER, "partner"),
]


def populate_establishment(establishment: Establishment, blobs: dict[str, Blob]) -> int:
    """Write the documents of one establishment; return how many rows were added."""
    if SERVICE not in (establishment.enabled_services or []):
        return 0
    rows = handouts.class_spaces_ensure(establishment) * 2
    roles = RoleAssignment.objects.filter(establishment=establishment, is_active=True)
    new_spaces: list[Space] = []
    for role, kind in _KIND_ORDER:
        ids = list(roles.filter(role=role).values_list("user_id", flat=True).order_by("user_id"))
        already = set(
            Space.objects.filter(kind=Space.Kind.PERSONAL, owner_id__in=ids).values_list("owner_id", flat=True)
        )
        made = handouts.personal_spaces_ensure(ids, territory_id=establishment.territory_id, kind=kind)
        new_spaces += [space for owner, space in made.items() if owner not in already]
    rows += len(new_spaces) * 2
    rows += _files(
        [space.root for space in new_spaces if space.root is not None],
        ["welcome", "picture", "rules"],
        blobs,
        {space.pk: space.owner_id for space in new_spaces},
    )
    shared = list(Space.objects.filter(establishment=establishment).select_related("root", "school_class"))
    class_roots = [s.root for s in shared if s.kind == Space.Kind.CLASS and s.root is not None and not s.used_bytes]
    team_roots = [s.root for s in shared if s.kind == Space.Kind.TEAM and s.root is not None and not s.used_bytes]
    creators = {s.pk: s.school_class.homeroom_teacher_id for s in shared if s.school_class is not None}
    rows += _files(class_roots, ["timetable"], blobs, creators)
    head = roles.filter(role=Role.STAFF, function=StaffFunction.HEAD).values_list("user_id", flat=True).first()
    rows += _files(team_roots, ["minutes"], blobs, {s.pk: head for s in shared})
    rows += _hand_outs(establishment, blobs, head)
    return rows


def _hand_outs(establishment: Establishment, blobs: dict[str, Blob], head: int | None) -> int:
    """In each class, a teacher hands out an exercise sheet from their "Cours" folder, shared with the class."""
    teachings = (
        Teaching.objects.filter(
            establishment=establishment, school_class__isnull=False, school_class__school_year__is_current=True
        )
        .order_by("school_class__level__order", "school_class__name", "pk")
        .values_list("school_class_id", "teacher_id")
    )
    teacher_of: dict[int, int] = {}
    for class_id, teacher_id in teachings:
        teacher_of.setdefault(class_id, teacher_id)
    rows = 0
    now = timezone.now()
    first = True
    for class_id, teacher_id in teacher_of.items():
        scope = next((s for s in scopes_of(teacher_id) if s.establishment_id == establishment.pk), None)
        if scope is None:
            continue
        space = handouts.personal_spaces_ensure([teacher_id], territory_id=establishment.territory_id, kind="teacher")[
            teacher_id
        ]
        assert space.root is not None
        course = handouts._child_folder(space.root, "Cours", actor=teacher_id, now=now)
        rows += 1
        school_class = SchoolClass.objects.get(pk=class_id)
        folder = handouts._child_folder(course, school_class.name, actor=teacher_id, now=now)
        rows += _files([folder], ["exercises"], blobs, {space.pk: teacher_id})
        sheet = Node.objects.get(parent=folder, name_key=names.name_key(SAMPLES["exercises"][0]))
        rows += handouts.handout_distribute(scope=scope, node=sheet, tokens=[f"class-students:{class_id}"]) * 2
        Share.objects.get_or_create(
            node=folder,
            kind=Share.Kind.CLASS_STUDENTS,
            school_class_id=class_id,
            defaults={"right": Right.READ, "establishment": establishment, "granted_by_id": teacher_id},
        )
        if head is not None and head != teacher_id:
            Share.objects.get_or_create(
                node=folder,
                kind=Share.Kind.USER,
                user_id=head,
                defaults={"right": Right.READ, "establishment": establishment, "granted_by_id": teacher_id},
            )
        rows += 2
        if first:
            handouts.collection_create(
                scope=scope,
                title="Exposé sur les volcans",
                token=f"class-students:{class_id}",
                due_at=now + datetime.timedelta(days=10),
            )
            rows += 2
            first = False
    return rows


def populate(establishment_ids: Iterable[int]) -> int:
    """Write the demo documents of these establishments; return how many rows were added."""
    establishments = list(Establishment.objects.filter(pk__in=list(establishment_ids)).order_by("pk"))
    if not any(SERVICE in (e.enabled_services or []) for e in establishments):
        return 0
    blobs = _blobs()
    return len(blobs) + sum(populate_establishment(establishment, blobs) for establishment in establishments)


def populate_group_space(space: Space, creator_id: int | None) -> int:
    """Put two sample files in a group's new shared space (a community's folder, for its demo)."""
    if space.root is None or space.used_bytes:
        return 0
    return _files([space.root], ["rules", "picture"], _blobs(), {space.pk: creator_id})
