"""Writes of the documents service: folders, uploads and versions, rename, move, copy, trash.

Every page and the WebDAV endpoint go through these functions: they take the actor's ``scope``
and the node(s) concerned, re-read the node and check the person's right through
:mod:`romsie.documents.access` (a node they may not see is "no longer there", one they may not
change an ``ApplicationError``), and refuse with a message the person can act on (name taken,
quota exceeded, not allowed).

Quota: ``Space.used_bytes`` counts every version of every node of the space (trashed or not)
until purged, received hand-outs (``is_read_only``) excepted. Each write that changes it holds
the space's row (``select_for_update``) from the check to the commit, so two uploads at once
cannot together overrun the quota. Writes that store a file run in ``atomic_with_files``: a failed
write or transaction leaves neither file nor row. Rename, move and new versions take the version
the person saw (``claim_version``); ``None`` (WebDAV) takes the latest.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, Max, OuterRef, Q, Sum, Value
from django.db.models.functions import Concat, Length, Substr
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from romsie.core.access.scope import Scope
from romsie.core.antivirus import ScanStatus
from romsie.core.concurrency import claim_version
from romsie.core.errors import ApplicationError
from romsie.core.uploads import ALLOWED_WIDE, CheckedUpload, atomic_with_files, inspect_upload, store_upload
from romsie.establishments.models import Establishment
from romsie.identity.models import RoleAssignment

from . import access, names, spaces
from .models import QUOTA_KINDS, Blob, DocumentSettings, EstablishmentDocumentSettings, FileVersion, Node, Right, Space

#: deepest folder nesting accepted (``Node.path`` holds the ancestors' ids)
MAX_DEPTH = 40


# -- Helpers -------------------------------------------------------------------------------


def _gone() -> ApplicationError:
    return ApplicationError(
        _("This document is no longer there: it was moved, deleted or is no longer shared with you."),
        extra={"code": "not_found"},
    )


def _name_taken(name: str) -> ApplicationError:
    return ApplicationError(
        _("“%(name)s” already exists in this folder: choose another name.") % {"name": name},
        extra={"code": "name_taken"},
    )


def _fresh(scope: Scope, node: Node | int, right: Right, *, trashed: bool = False) -> access.NodeAccess:
    """Re-read the node and check the person's right on it (inside the service's transaction)."""
    found = access.find_node(scope, node if isinstance(node, int) else node.pk, trashed=trashed)
    if found is None:
        raise _gone()
    access.require(found, right)
    return found


def _folder(scope: Scope, folder: Node | int, right: Right = Right.CONTRIBUTE) -> access.NodeAccess:
    found = _fresh(scope, folder, right)
    if not found.node.is_folder:
        raise ApplicationError(
            _("“%(name)s” is not a folder.") % {"name": found.node.name}, extra={"code": "not_folder"}
        )
    return found


def _lock_spaces(*space_ids: int) -> dict[int, Space]:
    """Hold the spaces' rows until the transaction ends (in id order: no deadlock)."""
    locked = Space.objects.select_for_update().filter(pk__in=set(space_ids)).order_by("pk")
    return {space.pk: space for space in locked}


def _claim(node: Node, version: int | None) -> None:
    """The edit's right to change ``node``: the version seen (stale → ``StaleEdit``), or the latest."""
    if version is None:
        Node.objects.filter(pk=node.pk).update(version=F("version") + 1)
        node.version += 1
    else:
        claim_version(node, version)


def _check_room(space: Space, adding: int) -> None:
    if adding > 0 and space.used_bytes + adding > space.quota_bytes:
        raise ApplicationError(
            _("Not enough room: %(space)s uses %(used)s of %(quota)s, and this needs %(needed)s more.")
            % {
                "space": space.name,
                "used": filesizeformat(space.used_bytes),
                "quota": filesizeformat(space.quota_bytes),
                "needed": filesizeformat(adding),
            },
            extra={"code": "quota", "used": space.used_bytes, "quota": space.quota_bytes, "needed": adding},
        )


def _add_used(space: Space, delta: int) -> None:
    if delta:
        Space.objects.filter(pk=space.pk).update(used_bytes=F("used_bytes") + delta)
        space.used_bytes += delta


def _child(folder: Node, name: str) -> Node | None:
    """The live node named ``name`` (whatever its case) in ``folder``."""
    return Node.objects.filter(parent=folder, name_key=names.name_key(name), trashed_at__isnull=True).first()


def _free_name(folder: Node, name: str) -> str:
    """``name``, or ``name (2)``... when taken in ``folder`` (restore, copy beside the original)."""
    taken = set(Node.objects.filter(parent=folder, trashed_at__isnull=True).values_list("name_key", flat=True))
    candidate, n = name, 1
    while names.name_key(candidate) in taken:
        n += 1
        candidate = names.numbered(name, n)
    return candidate


def _insert(node: Node) -> Node:
    """Save a new node; a name taken meanwhile (unique constraint) is refused as such."""
    try:
        with transaction.atomic():
            node.save()
    except IntegrityError as error:
        raise _name_taken(node.name) from error
    return node


def _touch(folder_id: int | None, now: datetime.datetime) -> None:
    if folder_id is not None:
        Node.objects.filter(pk=folder_id).update(modified_at=now)


def _new_node(*, parent: Node, name: str, is_folder: bool, actor: int | None, now: datetime.datetime) -> Node:
    if len(parent.ancestor_ids) + 1 >= MAX_DEPTH:
        raise ApplicationError(
            _("Folders can be nested %(max)d deep at most.") % {"max": MAX_DEPTH}, extra={"code": "too_deep"}
        )
    return Node(
        space_id=parent.space_id,
        parent=parent,
        path=parent.descendants_prefix,
        is_folder=is_folder,
        name=name,
        name_key=names.name_key(name),
        search_key=names.search_key(name),
        created_by_id=actor,
        created_at=now,
        modified_at=now,
    )


def subtree(node: Node) -> Q:
    """The node and everything below it."""
    return Q(pk=node.pk) | Q(path__startswith=node.descendants_prefix)


def _kept_bytes(node: Node) -> int:
    """What the node and its descendants count in their space's quota (every version)."""
    total = FileVersion.objects.filter(
        node__in=Node.objects.filter(subtree(node), is_read_only=False).values("pk")
    ).aggregate(total=Sum("size_bytes"))["total"]
    return int(total or 0)


def _check_file(upload: UploadedFile, max_bytes: int) -> CheckedUpload:
    """Check the file as every upload is (kind by content, size, archive, antivirus), with the wide kinds of a space."""
    try:
        return inspect_upload(upload, max_bytes=max_bytes, allowed=ALLOWED_WIDE)
    except ValidationError as error:
        raise ApplicationError(" ".join(error.messages), extra={"code": "refused_file"}) from error


def _sha256(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def _delete_orphan_blobs(blob_ids: Iterable[int]) -> None:
    """Delete the blobs no version points at any more, and their files once committed."""
    orphans = Blob.objects.filter(pk__in=set(blob_ids)).exclude(Exists(FileVersion.objects.filter(blob=OuterRef("pk"))))
    files = [blob.file for blob in orphans]
    orphans.delete()
    for file in files:
        storage, name = file.storage, file.name
        if name:
            transaction.on_commit(lambda storage=storage, name=name: storage.delete(name))


# -- Folders and files ---------------------------------------------------------------------


@transaction.atomic
def folder_create(*, scope: Scope, parent: Node, name: str) -> Node:
    """Create a folder in ``parent`` (contribute right)."""
    clean = names.clean_name(name)
    folder = _folder(scope, parent).node
    if _child(folder, clean) is not None:
        raise _name_taken(clean)
    now = timezone.now()
    node = _insert(_new_node(parent=folder, name=clean, is_folder=True, actor=scope.user_id, now=now))
    _touch(folder.pk, now)
    return node


@atomic_with_files()
def file_upload(
    *,
    scope: Scope,
    folder: Node,
    upload: UploadedFile,
    name: str | None = None,
    replace: bool = False,
    version: int | None = None,
) -> Node:
    """Store a file in ``folder``: a new file, or a new version of the file of that name if ``replace``.

    ``name`` defaults to the uploaded file's. Checked by content, size (the territory's largest
    file), name and the space's quota. ``version``: the file's version the person saw, when
    replacing from a form.
    """
    clean = names.clean_name(name if name is not None else upload.name or "")
    upload.name = clean
    parent = _folder(scope, folder).node
    space = _lock_spaces(parent.space_id)[parent.space_id]
    settings = spaces.territory_settings(
        space.territory_id or (scope.establishment.territory_id if scope.establishment else None)
    )
    checked = _check_file(upload, settings.max_file_bytes)
    content_type = checked.content_type
    upload.name = clean  # the checks clean names their own way; the space keeps the one it checked
    size = int(upload.size or 0)
    existing = _child(parent, clean)
    if existing is not None and (existing.is_folder or not replace):
        raise _name_taken(clean)
    if existing is not None and existing.is_read_only:
        raise ApplicationError(
            _("“%(name)s” was handed out to you: it is read only.") % {"name": existing.name},
            extra={"code": "forbidden"},
        )
    _check_room(space, size)
    blob = Blob(
        name=clean[:150],
        content_type=content_type,
        size_bytes=size,
        sha256=_sha256(upload),
        scan_status=checked.scan.status,
        scanned_at=timezone.now() if checked.scan.status != ScanStatus.NOT_SCANNED else None,
    )
    store_upload(blob, upload)
    blob.save()
    now = timezone.now()
    if existing is None:
        node = _insert(_new_node(parent=parent, name=clean, is_folder=False, actor=scope.user_id, now=now))
        number = 1
    else:
        node = existing
        _claim(node, version)
        number = (node.versions.aggregate(last=Max("number"))["last"] or 0) + 1
    file_version = FileVersion.objects.create(
        node=node, blob=blob, number=number, size_bytes=size, uploaded_by_id=scope.user_id, uploaded_at=now
    )
    node.current = file_version
    node.size_bytes, node.content_type, node.modified_at = size, content_type, now
    node.save(update_fields=["current", "size_bytes", "content_type", "modified_at"])
    _add_used(space, size)
    _touch(parent.pk, now)
    return node


@transaction.atomic
def node_rename(*, scope: Scope, node: Node, name: str, version: int | None = None) -> Node:
    """Rename a folder or file (manage right; not a space's root)."""
    clean = names.clean_name(name)
    found = _fresh(scope, node, Right.MANAGE).node
    if found.is_root:
        raise ApplicationError(_("A space's top folder cannot be renamed."), extra={"code": "root"})
    _claim(found, version)
    if clean == found.name:
        return found
    other = _child(found.parent, clean) if found.parent else None
    if other is not None and other.pk != found.pk:
        raise _name_taken(clean)
    found.name, found.name_key, found.search_key = clean, names.name_key(clean), names.search_key(clean)
    found.modified_at = timezone.now()
    try:
        with transaction.atomic():
            found.save(update_fields=["name", "name_key", "search_key", "modified_at"])
    except IntegrityError as error:
        raise _name_taken(clean) from error
    return found


@transaction.atomic
def node_move(*, scope: Scope, node: Node, target: Node, name: str | None = None, version: int | None = None) -> Node:
    """Move a node into the folder ``target`` (manage right on the node, contribute on the target).

    Between spaces, what the node keeps moves from one quota to the other (refused when the target
    has no room). ``name``: a new name at the same time (WebDAV's MOVE).
    """
    moving = _fresh(scope, node, Right.MANAGE).node
    destination = _folder(scope, target).node
    if moving.is_root:
        raise ApplicationError(_("A space's top folder cannot be moved."), extra={"code": "root"})
    if destination.pk == moving.pk or destination.path.startswith(moving.descendants_prefix):
        raise ApplicationError(
            _("“%(name)s” cannot be moved into itself.") % {"name": moving.name}, extra={"code": "into_itself"}
        )
    clean = names.clean_name(name) if name is not None else moving.name
    other = _child(destination, clean)
    if other is not None and other.pk != moving.pk:
        raise _name_taken(clean)
    _claim(moving, version)
    old_prefix, new_path = moving.descendants_prefix, destination.descendants_prefix
    depth_below = 0
    if moving.is_folder:
        paths = Node.objects.filter(path__startswith=old_prefix).values_list("path", flat=True).distinct()
        depth_below = max((p.count("/") - old_prefix.count("/") + 1 for p in paths), default=0)
    if len(destination.ancestor_ids) + 1 + depth_below >= MAX_DEPTH:
        raise ApplicationError(
            _("Folders can be nested %(max)d deep at most.") % {"max": MAX_DEPTH}, extra={"code": "too_deep"}
        )
    if destination.space_id != moving.space_id:
        locked = _lock_spaces(moving.space_id, destination.space_id)
        kept = _kept_bytes(moving)
        _check_room(locked[destination.space_id], kept)
        Node.objects.filter(path__startswith=old_prefix).update(space_id=destination.space_id)
        _add_used(locked[moving.space_id], -kept)
        _add_used(locked[destination.space_id], kept)
    now = timezone.now()
    previous_parent = moving.parent_id
    moving.parent, moving.space_id, moving.path = destination, destination.space_id, new_path
    moving.name, moving.name_key, moving.search_key = clean, names.name_key(clean), names.search_key(clean)
    moving.modified_at = now
    try:
        with transaction.atomic():
            moving.save(update_fields=["parent", "space", "path", "name", "name_key", "search_key", "modified_at"])
    except IntegrityError as error:
        raise _name_taken(clean) from error
    if moving.is_folder:
        # One UPDATE rewrites the start of every descendant's path.
        Node.objects.filter(path__startswith=old_prefix).update(
            path=Concat(Value(moving.descendants_prefix), Substr("path", len(old_prefix) + 1))
        )
    _touch(previous_parent, now)
    _touch(destination.pk, now)
    return moving


@transaction.atomic
def node_copy(*, scope: Scope, node: Node, target: Node, name: str | None = None) -> Node:
    """Copy a node (a folder with everything in it) into ``target`` (read right on the node).

    Copies keep the current version only and share its stored bytes; they count in the target's
    quota. Copied beside the original without a new name, the copy is named "name (2)".
    """
    source = _fresh(scope, node, Right.READ).node
    destination = _folder(scope, target).node
    if source.is_folder and (destination.pk == source.pk or destination.path.startswith(source.descendants_prefix)):
        raise ApplicationError(
            _("“%(name)s” cannot be copied into itself.") % {"name": source.name}, extra={"code": "into_itself"}
        )
    if name is not None:
        clean = names.clean_name(name)
        if _child(destination, clean) is not None:
            raise _name_taken(clean)
    else:
        clean = _free_name(destination, source.name)
    nodes = list(
        Node.objects.filter(subtree(source), trashed_at__isnull=True)
        .select_related("current")
        .order_by(Length("path"), "pk")
    )
    space = _lock_spaces(destination.space_id)[destination.space_id]
    _check_room(space, sum(n.size_bytes for n in nodes if not n.is_folder))
    now = timezone.now()
    copies: dict[int, Node] = {}
    added = 0
    for original in nodes:
        if original.pk != source.pk and original.parent_id not in copies:
            continue  # under a trashed folder of the copied tree
        parent = destination if original.pk == source.pk else copies[original.parent_id]  # type: ignore[index]
        copy = _new_node(
            parent=parent,
            name=clean if original.pk == source.pk else original.name,
            is_folder=original.is_folder,
            actor=scope.user_id,
            now=now,
        )
        _insert(copy)
        copies[original.pk] = copy
        if not original.is_folder and original.current is not None:
            current = FileVersion.objects.create(
                node=copy,
                blob_id=original.current.blob_id,
                number=1,
                size_bytes=original.current.size_bytes,
                uploaded_by_id=scope.user_id,
                uploaded_at=now,
            )
            copy.current, copy.size_bytes, copy.content_type = current, original.size_bytes, original.content_type
            copy.save(update_fields=["current", "size_bytes", "content_type"])
            added += current.size_bytes
    _add_used(space, added)
    _touch(destination.pk, now)
    return copies[source.pk]


# -- Trash ---------------------------------------------------------------------------------


@transaction.atomic
def node_trash(*, scope: Scope, node: Node) -> Node:
    """Put a node (and what is in it) in its space's trash (manage right; not a root)."""
    found = _fresh(scope, node, Right.MANAGE).node
    if found.is_root:
        raise ApplicationError(_("A space's top folder cannot be put in the trash."), extra={"code": "root"})
    now = timezone.now()
    found.trashed_at, found.trashed_by_id = now, scope.user_id
    found.save(update_fields=["trashed_at", "trashed_by"])
    _touch(found.parent_id, now)
    return found


@transaction.atomic
def node_restore(*, scope: Scope, node: Node) -> Node:
    """Take a node out of the trash, back in its folder (or the space's top folder when its folder is
    in the trash too); renamed "name (2)" when its name was taken meanwhile."""
    found = _fresh(scope, node, Right.MANAGE, trashed=True)
    restored = found.node
    parent = Node.objects.get(pk=restored.parent_id)
    if any(a.trashed_at is not None for a in found.ancestors):
        root = Node.objects.get(pk=restored.space.root_id)
        old_prefix = restored.descendants_prefix
        restored.parent, restored.path, parent = root, root.descendants_prefix, root
        if restored.is_folder:
            Node.objects.filter(path__startswith=old_prefix).update(
                path=Concat(Value(restored.descendants_prefix), Substr("path", len(old_prefix) + 1))
            )
    clean = _free_name(parent, restored.name)
    restored.name, restored.name_key, restored.search_key = clean, names.name_key(clean), names.search_key(clean)
    restored.trashed_at, restored.trashed_by = None, None
    try:
        with transaction.atomic():
            restored.save(
                update_fields=["parent", "path", "name", "name_key", "search_key", "trashed_at", "trashed_by"]
            )
    except IntegrityError as error:
        raise _name_taken(clean) from error
    _touch(parent.pk, timezone.now())
    return restored


def _purge(space: Space, tops: list[Node]) -> int:
    """Delete these trashed nodes and everything below them for good; return the bytes freed."""
    if not tops:
        return 0
    scope_q = Q()
    for top in tops:
        scope_q |= subtree(top)
    doomed = Node.objects.filter(scope_q, space=space)
    versions = FileVersion.objects.filter(node__in=doomed.values("pk"))
    freed = int(versions.filter(node__is_read_only=False).aggregate(total=Sum("size_bytes"))["total"] or 0)
    blob_ids = list(versions.values_list("blob_id", flat=True).distinct())
    # Children first would take one query per level: clear the links, then delete in one go.
    doomed.update(current=None)
    versions.delete()
    Node.objects.filter(pk__in=list(doomed.values_list("pk", flat=True))).delete()
    _delete_orphan_blobs(blob_ids)
    _add_used(space, -freed)
    return freed


@transaction.atomic
def node_purge(*, scope: Scope, node: Node) -> int:
    """Delete for good a node that is in the trash (manage right); return the bytes freed."""
    found = _fresh(scope, node, Right.MANAGE, trashed=True).node
    space = _lock_spaces(found.space_id)[found.space_id]
    return _purge(space, [found])


@transaction.atomic
def trash_empty(*, scope: Scope, space: Space) -> int:
    """Delete for good everything in the space's trash (manage right on the space); return the bytes freed."""
    if access.space_right(scope, space) != Right.MANAGE:
        raise ApplicationError(_("You may not empty this trash."), extra={"code": "forbidden"})
    locked = _lock_spaces(space.pk)[space.pk]
    return _purge(locked, list(Node.objects.filter(space=locked, trashed_at__isnull=False)))


# -- Versions ------------------------------------------------------------------------------


@transaction.atomic
def version_restore(*, scope: Scope, node: Node, number: int, version: int | None = None) -> Node:
    """Make an earlier version current again: a new version pointing at its stored bytes."""
    found = _fresh(scope, node, Right.CONTRIBUTE).node
    old = FileVersion.objects.filter(node=found, number=number).first()
    if found.is_folder or old is None:
        raise _gone()
    space = _lock_spaces(found.space_id)[found.space_id]
    _claim(found, version)
    _check_room(space, old.size_bytes)
    now = timezone.now()
    last = found.versions.aggregate(last=Max("number"))["last"] or 0
    new = FileVersion.objects.create(
        node=found,
        blob_id=old.blob_id,
        number=last + 1,
        size_bytes=old.size_bytes,
        uploaded_by_id=scope.user_id,
        uploaded_at=now,
    )
    found.current, found.size_bytes, found.modified_at = new, new.size_bytes, now
    found.content_type = old.blob.content_type
    found.save(update_fields=["current", "size_bytes", "content_type", "modified_at"])
    _add_used(space, new.size_bytes)
    return found


# -- Purge of old trash and versions (cron: ``manage.py purge_documents``) ------------------


@dataclass(frozen=True)
class PurgeReport:
    nodes: int
    versions: int
    bytes_freed: int


def purge_expired(*, now: datetime.datetime | None = None) -> PurgeReport:
    """Delete what stayed in the trash longer than its territory's ``trash_days``, and versions
    replaced longer than ``version_days`` ago (the current version is always kept)."""
    now = now or timezone.now()
    nodes = versions = freed = 0
    territory_ids = set(Space.objects.values_list("territory_id", flat=True).distinct())
    for territory_id in territory_ids:
        settings = spaces.territory_settings(territory_id)
        trash_cutoff = now - datetime.timedelta(days=settings.trash_days)
        version_cutoff = now - datetime.timedelta(days=settings.version_days)
        expired = Node.objects.filter(space__territory_id=territory_id, trashed_at__lt=trash_cutoff)
        for space_id in set(expired.values_list("space_id", flat=True)):
            with transaction.atomic():
                space = _lock_spaces(space_id)[space_id]
                tops = list(Node.objects.filter(space=space, trashed_at__lt=trash_cutoff))
                nodes += len(tops)
                freed += _purge(space, tops)
        replaced = (
            FileVersion.objects.filter(
                node__space__territory_id=territory_id,
                node__trashed_at__isnull=True,
            )
            .filter(
                Exists(
                    FileVersion.objects.filter(
                        node=OuterRef("node"), number__gt=OuterRef("number"), uploaded_at__lt=version_cutoff
                    )
                )
            )
            .exclude(node__current=F("pk"))
        )
        for space_id in set(replaced.values_list("node__space_id", flat=True)):
            with transaction.atomic():
                space = _lock_spaces(space_id)[space_id]
                old = replaced.filter(node__space_id=space_id)
                count = old.count()
                bytes_ = int(old.filter(node__is_read_only=False).aggregate(total=Sum("size_bytes"))["total"] or 0)
                blob_ids = list(old.values_list("blob_id", flat=True))
                FileVersion.objects.filter(pk__in=list(old.values_list("pk", flat=True))).delete()
                _delete_orphan_blobs(blob_ids)
                _add_used(space, -bytes_)
                versions += count
                freed += bytes_
    return PurgeReport(nodes=nodes, versions=versions, bytes_freed=freed)


# -- Settings ------------------------------------------------------------------------------

_QUOTA_FIELDS = tuple(f"{kind}_quota_bytes" for kind in QUOTA_KINDS)


def _people_of(establishment_ids: Iterable[int]) -> list[int]:
    return list(
        RoleAssignment.objects.filter(establishment_id__in=list(establishment_ids), is_active=True)
        .values_list("user_id", flat=True)
        .distinct()
    )


@transaction.atomic
def territory_settings_update(
    *, scope: Scope, settings: DocumentSettings, values: dict[str, int], version: int | None
) -> DocumentSettings:
    """Save a territory's defaults (territory admins) and refresh the quotas they change."""
    if settings.territory_id not in scope.territory_ids:
        raise ApplicationError(_("You do not administer this territory."), extra={"code": "forbidden"})
    if settings.pk is not None:
        claim_version(settings, version)
    for field, value in values.items():
        setattr(settings, field, value)
    if any(getattr(settings, f) > settings.ceiling_bytes for f in _QUOTA_FIELDS):
        raise ApplicationError(
            _("A default quota is above the highest quota: raise the highest quota or lower the default."),
            extra={"code": "above_ceiling"},
        )
    settings.save()
    establishment_ids = Establishment.objects.filter(territory_id=settings.territory_id).values_list("pk", flat=True)
    Space.objects.filter(territory_id=settings.territory_id, kind=Space.Kind.CLASS).update(
        quota_bytes=settings.class_space_quota_bytes
    )
    Space.objects.filter(territory_id=settings.territory_id, kind__in=[Space.Kind.TEAM, Space.Kind.GROUP]).update(
        quota_bytes=settings.team_space_quota_bytes
    )
    spaces.refresh_quotas(_people_of(establishment_ids))
    return settings


@transaction.atomic
def establishment_settings_update(
    *,
    scope: Scope,
    settings: EstablishmentDocumentSettings,
    values: dict[str, Any],
    version: int | None,
) -> EstablishmentDocumentSettings:
    """Save the establishment's quotas (within the territory's ceiling) and the class spaces' switch."""
    if scope.establishment is None or settings.establishment_id != scope.establishment_id:
        raise ApplicationError(_("You may not change these settings."), extra={"code": "forbidden"})
    territory = spaces.territory_settings(scope.establishment.territory_id)
    above = [f for f in _QUOTA_FIELDS if values.get(f) is not None and values[f] > territory.ceiling_bytes]
    if above:
        raise ApplicationError(
            _("A quota is above the territory's highest quota (%(ceiling)s).")
            % {"ceiling": filesizeformat(territory.ceiling_bytes)},
            extra={"code": "above_ceiling", "fields": above},
        )
    if settings.pk is not None:
        claim_version(settings, version)
    for field, value in values.items():
        setattr(settings, field, value)
    settings.save()
    spaces.refresh_quotas(_people_of([settings.establishment_id]))
    return settings
