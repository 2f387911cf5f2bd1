"""Writes of class spaces, hand-outs and collections of work.

* **Class and team spaces** are made lazily (the spaces page makes those of the current
  establishment that are missing: one query when none is) and all at once by
  :func:`class_spaces_ensure`, which the demo and the provisioning call after creating classes.
* **Hand-outs**: :func:`handout_distribute` puts a read-only copy of a file in the "Received"
  folder of each student of a class or teaching group. The copies point at the same stored bytes
  (no copy of the file) and count in nobody's quota; they are made with a fixed number of bulk
  queries whatever the class size, and the students are told in one insert.
* **Collections**: :func:`collection_create` opens a hand-in folder in the teacher's space for a
  class or a group; each student drops files with :func:`collection_drop` into a folder of their
  own in it, shared with them alone (contribute: they add files and new versions, never see
  their classmates'). Uploads go through :func:`romsie.documents.services.file_upload`, so the
  checks and the teacher's quota apply as everywhere. A homework to hand in lands in the
  collection of its ``source`` (``homework:<id>``), made on the first hand-in
  (:func:`homework_hand_in`).
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Sequence

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from romsie.core.access.scope import EstablishmentRef, Scope
from romsie.core.errors import ApplicationError
from romsie.core.services import audit_record
from romsie.core.uploads import atomic_with_files
from romsie.establishments.models import Establishment
from romsie.notifications.services import Batch, notify_many
from romsie.schooling.models import SchoolClass

from . import access, names, services, spaces
from .models import Collection, Dropbox, FileVersion, Node, Right, Share, Space
from .sharing import full_name

logger = logging.getLogger(__name__)

HANDOUT_KIND = "documents.handout"
SERVICE = "documents"


def _root(space: Space, name: str, now: datetime.datetime) -> Node:
    return Node(
        space_id=space.pk,
        parent=None,
        path="/",
        is_folder=True,
        name=name,
        name_key=names.name_key(name),
        search_key=names.search_key(name),
        created_at=now,
        modified_at=now,
    )


def _create_spaces(rows: list[Space]) -> list[Space]:
    """Create spaces with their top folders: three queries whatever their number."""
    if not rows:
        return []
    Space.objects.bulk_create(rows, batch_size=500)
    now = timezone.now()
    roots = [_root(space, space.name, now) for space in rows]
    Node.objects.bulk_create(roots, batch_size=500)
    for space, root in zip(rows, roots, strict=True):
        space.root = root
    top = Node.objects.filter(space=OuterRef("pk"), parent__isnull=True).values("pk")[:1]
    for start in range(0, len(rows), 1000):
        Space.objects.filter(pk__in=[s.pk for s in rows[start : start + 1000]]).update(root=Subquery(top))
    return rows


# -- Class and team spaces -----------------------------------------------------------------


def class_spaces_ensure(establishment: Establishment | EstablishmentRef) -> int:
    """Make the missing spaces of the establishment's current classes, and its team space; return how many.

    One query when nothing is missing. Safe to run at once from two requests: the spaces made by
    the other one meanwhile are kept.
    """
    missing = list(
        SchoolClass.objects.filter(establishment_id=establishment.id, school_year__is_current=True)
        .exclude(
            pk__in=Space.objects.filter(kind=Space.Kind.CLASS, establishment_id=establishment.id).values(
                "school_class_id"
            )
        )
        .values_list("pk", "name")
    )
    made = 0
    if missing:
        quota = spaces.territory_settings(establishment.territory_id).class_space_quota_bytes
        rows = [
            Space(
                kind=Space.Kind.CLASS,
                establishment_id=establishment.id,
                school_class_id=pk,
                territory_id=establishment.territory_id,
                name=_("Class %(name)s") % {"name": name},
                quota_bytes=quota,
            )
            for pk, name in missing
        ]
        try:
            with transaction.atomic():
                made = len(_create_spaces(rows))
        except IntegrityError:
            made = 0  # another request made them meanwhile
    spaces.team_space_for(establishment.id, establishment.territory_id)
    return made


def spaces_ensure_here(scope: Scope) -> None:
    """The spaces page's lazy creation: the current establishment's class and team spaces."""
    if scope.establishment is not None and access.may_use(scope):
        class_spaces_ensure(scope.establishment)


def personal_spaces_ensure(
    user_ids: Sequence[int], *, territory_id: int | None, kind: str = "student"
) -> dict[int, Space]:
    """The personal spaces of these people, made in bulk when missing (a hand-out to a class)."""
    found = {
        space.owner_id: space
        for space in Space.objects.select_related("root").filter(kind=Space.Kind.PERSONAL, owner_id__in=list(user_ids))
    }
    missing = [pk for pk in dict.fromkeys(user_ids) if pk not in found]
    if missing:
        quota = spaces.effective_quota(kind, spaces.territory_settings(territory_id), None)
        rows = [
            Space(
                kind=Space.Kind.PERSONAL,
                owner_id=pk,
                territory_id=territory_id,
                name=_("My documents"),
                quota_bytes=quota,
            )
            for pk in missing
        ]
        with transaction.atomic():
            _create_spaces(rows)
        found.update({space.owner_id: space for space in rows})
    return found  # type: ignore[return-value]


# -- Hand-outs -----------------------------------------------------------------------------


def point_at_first_versions(nodes: list[Node]) -> None:
    """Make new file nodes point at their (only) version: one ``UPDATE`` per thousand nodes."""
    first = FileVersion.objects.filter(node=OuterRef("pk"), number=1).values("pk")[:1]
    for start in range(0, len(nodes), 1000):
        Node.objects.filter(pk__in=[n.pk for n in nodes[start : start + 1000]]).update(current=Subquery(first))


def _received_folders(roots: dict[int, Node], now: datetime.datetime, actor: int | None) -> dict[int, Node]:
    """The "Received" folder of each space's root (by root id), made in bulk when missing."""
    name = _("Received")
    keys = [names.name_key(name), names.name_key(names.numbered(name, 2))]
    folders: dict[int, Node] = {}
    taken: set[int] = set()
    for node in Node.objects.filter(parent_id__in=list(roots), name_key__in=keys, trashed_at__isnull=True).order_by(
        "name_key"
    ):
        assert node.parent_id is not None
        if node.is_folder and node.parent_id not in folders:
            folders[node.parent_id] = node
        elif not node.is_folder:
            taken.add(node.parent_id)
    new = [
        Node(
            space_id=root.space_id,
            parent=root,
            path=root.descendants_prefix,
            is_folder=True,
            name=names.numbered(name, 2) if root_id in taken else name,
            name_key=keys[1] if root_id in taken else keys[0],
            search_key=names.search_key(name),
            created_by_id=actor,
            created_at=now,
            modified_at=now,
        )
        for root_id, root in roots.items()
        if root_id not in folders
    ]
    Node.objects.bulk_create(new, batch_size=500)
    folders.update({node.parent_id: node for node in new})  # type: ignore[misc]
    return folders


def _check_audience(scope: Scope, tokens: Sequence[str]) -> list[str]:
    allowed = {choice.token for choice in access.distributable_groups(scope)}
    chosen = list(dict.fromkeys(tokens))
    if not chosen:
        raise ApplicationError(_("Choose a class or a group."), extra={"code": "empty"})
    if any(token not in allowed for token in chosen):
        raise ApplicationError(
            _("You may hand out only to the classes and groups you teach."), extra={"code": "forbidden_audience"}
        )
    return chosen


@transaction.atomic
def handout_distribute(*, scope: Scope, node: Node, tokens: Sequence[str]) -> int:
    """Hand a file out to classes or groups: a read-only copy for each student; return how many got it.

    Students who already received this file are left as they are. The copies share the file's
    stored bytes and count in no quota.
    """
    if not access.may_distribute(scope):
        raise ApplicationError(_("You may not hand documents out."), extra={"code": "forbidden"})
    found = access.find_node(scope, node.pk)
    if found is None or found.node.is_folder or found.node.current_id is None:
        raise ApplicationError(_("Choose a file to hand out."), extra={"code": "not_file"})
    original = found.node
    chosen = _check_audience(scope, tokens)
    students = sorted(set(access.audience_ids(scope.establishment_id, chosen)))
    if not students:
        raise ApplicationError(_("Nobody is in the classes or groups chosen."), extra={"code": "empty"})
    assert scope.establishment is not None
    current = FileVersion.objects.get(pk=original.current_id)
    now = timezone.now()
    personal = personal_spaces_ensure(students, territory_id=scope.establishment.territory_id)
    roots = {space.root_id: space.root for space in personal.values()}
    received = _received_folders(roots, now, scope.user_id)  # type: ignore[arg-type]
    folder_of = {owner: received[space.root_id] for owner, space in personal.items()}  # type: ignore[index]
    folder_ids = [f.pk for f in folder_of.values()]
    already = set(
        Node.objects.filter(parent_id__in=folder_ids, origin=original, trashed_at__isnull=True).values_list(
            "parent_id", flat=True
        )
    )
    names_in: dict[int, set[str]] = {}
    for parent_id, key in Node.objects.filter(parent_id__in=folder_ids, trashed_at__isnull=True).values_list(
        "parent_id", "name_key"
    ):
        names_in.setdefault(parent_id, set()).add(key)
    copies: list[Node] = []
    owners: list[int] = []
    for student in students:
        folder = folder_of[student]
        if folder.pk in already:
            continue
        name, n = original.name, 1
        while names.name_key(name) in names_in.get(folder.pk, set()):
            n += 1
            name = names.numbered(original.name, n)
        copies.append(
            Node(
                space_id=folder.space_id,
                parent=folder,
                path=folder.descendants_prefix,
                is_folder=False,
                name=name,
                name_key=names.name_key(name),
                search_key=names.search_key(name),
                created_by_id=scope.user_id,
                created_at=now,
                modified_at=now,
                size_bytes=original.size_bytes,
                content_type=original.content_type,
                is_read_only=True,
                origin=original,
            )
        )
        owners.append(student)
    Node.objects.bulk_create(copies, batch_size=500)
    versions = [
        FileVersion(
            node=copy,
            blob_id=current.blob_id,
            number=1,
            size_bytes=current.size_bytes,
            uploaded_by_id=scope.user_id,
            uploaded_at=now,
        )
        for copy in copies
    ]
    FileVersion.objects.bulk_create(versions, batch_size=500)
    point_at_first_versions(copies)
    teacher = full_name(scope.user_id)
    notify_many(
        HANDOUT_KIND,
        [
            Batch([owner], {"name": original.name, "teacher": teacher}, reverse("documents:node-open", args=[copy.pk]))
            for owner, copy in zip(owners, copies, strict=True)
        ],
        establishment_id=scope.establishment_id,
        actor_id=scope.user_id,
    )
    audit_record(
        scope=scope,
        action="documents.hand_out",
        target=original,
        node=original.pk,
        tokens=" ".join(chosen),
        count=len(copies),
    )
    return len(copies)


# -- Collections ---------------------------------------------------------------------------


def _child_folder(parent: Node, name: str, *, actor: int | None, now: datetime.datetime) -> Node:
    """The folder ``name`` in ``parent``, made when missing (a file of that name: "name (2)"...)."""
    existing = Node.objects.filter(parent=parent, name_key=names.name_key(name), trashed_at__isnull=True).first()
    if existing is not None and existing.is_folder:
        return existing
    free = services._free_name(parent, name)
    return services._insert(services._new_node(parent=parent, name=free, is_folder=True, actor=actor, now=now))


def _personal_space_of(user_id: int, territory_id: int | None) -> Space:
    return personal_spaces_ensure([user_id], territory_id=territory_id, kind="teacher")[user_id]


def _open(
    *,
    establishment: Establishment | EstablishmentRef,
    teacher_id: int,
    title: str,
    school_class_id: int | None,
    teaching_group_id: int | None,
    due_at: datetime.datetime,
    source: str = "",
) -> Collection:
    now = timezone.now()
    space = _personal_space_of(teacher_id, establishment.territory_id)
    assert space.root is not None
    collected = _child_folder(space.root, _("Collected work"), actor=teacher_id, now=now)
    folder = services._insert(
        services._new_node(
            parent=collected,
            name=services._free_name(collected, names.clean_name(title)),
            is_folder=True,
            actor=teacher_id,
            now=now,
        )
    )
    return Collection.objects.create(
        establishment_id=establishment.id,
        title=title,
        school_class_id=school_class_id,
        teaching_group_id=teaching_group_id,
        due_at=due_at,
        folder=folder,
        created_by_id=teacher_id,
        source=source,
    )


@transaction.atomic
def collection_create(*, scope: Scope, title: str, token: str, due_at: datetime.datetime) -> Collection:
    """Open a hand-in folder for a class or a group the teacher teaches."""
    if not access.may_distribute(scope):
        raise ApplicationError(_("You may not collect work."), extra={"code": "forbidden"})
    (chosen,) = _check_audience(scope, [token])
    kind, pk = access.parse_token(chosen)
    assert scope.establishment is not None and scope.user_id is not None
    collection = _open(
        establishment=scope.establishment,
        teacher_id=scope.user_id,
        title=title.strip()[:150],
        school_class_id=pk if kind == "class-students" else None,
        teaching_group_id=pk if kind == "group" else None,
        due_at=due_at,
    )
    audit_record(scope=scope, action="documents.collection_open", target=collection, collection=collection.pk)
    return collection


def _dropbox(collection: Collection, student_id: int, name: str, now: datetime.datetime) -> Dropbox:
    box = Dropbox.objects.select_related("folder").filter(collection=collection, student_id=student_id).first()
    if box is not None:
        return box
    folder = _child_folder(collection.folder, name, actor=student_id, now=now)
    Share.objects.get_or_create(
        node=folder,
        kind=Share.Kind.USER,
        user_id=student_id,
        defaults={
            "right": Right.CONTRIBUTE,
            "establishment_id": collection.establishment_id,
            "granted_by_id": collection.created_by_id,
        },
    )
    return Dropbox.objects.create(
        collection=collection, student_id=student_id, folder=folder, first_at=now, last_at=now
    )


@atomic_with_files()
def collection_drop(
    *, scope: Scope, collection: Collection, upload: UploadedFile, now: datetime.datetime | None = None
) -> Node:
    """Hand a file in to a collection (a student of its class or group); a file of the same name gets a new version.

    After the due date the work is still taken, and marked late.
    """
    if not scope.is_student or not access.visible_collections(scope).filter(pk=collection.pk).exists():
        raise ApplicationError(_("This collection is not for you."), extra={"code": "forbidden"})
    assert scope.user_id is not None
    now = now or timezone.now()
    box = _dropbox(collection, scope.user_id, full_name(scope.user_id), now)
    node = services.file_upload(scope=scope, folder=box.folder, upload=upload, replace=True)
    box.last_at = now
    box.is_late = box.is_late or now > collection.due_at
    box.save(update_fields=["last_at", "is_late"])
    return node


def homework_hand_in(
    *,
    scope: Scope,
    source: str,
    title: str,
    teacher_id: int | None,
    school_class_id: int | None,
    teaching_group_id: int | None,
    due_at: datetime.datetime,
    upload: UploadedFile,
    now: datetime.datetime | None = None,
) -> Node | None:
    """Put a homework hand-in in its teacher's collection too (``source``: ``homework:<id>``).

    Called by the homework service after storing the hand-in. Does nothing where the documents
    service is off or the student may not use it; a refusal (the teacher's space is full) is
    logged and leaves the hand-in itself as it is.
    """
    if SERVICE not in scope.services or not access.may_use(scope) or teacher_id is None or scope.establishment is None:
        return None
    try:
        with atomic_with_files():
            collection = Collection.objects.filter(establishment_id=scope.establishment_id, source=source).first()
            if collection is None:
                collection = _open(
                    establishment=scope.establishment,
                    teacher_id=teacher_id,
                    title=title,
                    school_class_id=school_class_id,
                    teaching_group_id=teaching_group_id,
                    due_at=due_at,
                    source=source,
                )
            return collection_drop(scope=scope, collection=collection, upload=upload, now=now)
    except ApplicationError as error:
        logger.warning("documents: the hand-in %s did not reach the teacher's collection: %s", source, error)
        return None
