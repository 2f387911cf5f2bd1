"""Reads of sharing, spaces and hand-outs: a node's shares, "shared with me", "my spaces", collections.

Everything starts from :mod:`romsie.documents.access`. Lists cost the same number of queries
whatever their length.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from romsie.core.access.profiles import Profile
from romsie.core.access.scope import Scope
from romsie.core.pagination import KeysetPage, keyset_page
from romsie.identity.models import User
from romsie.identity.selectors import BY_NAME

from . import access
from .models import Collection, Dropbox, Node, Right, Share, Space

SHARED_PAGE_SIZE = 30


def share_label(share: Share) -> str:
    """How a share's audience reads (``share`` with its user, class and group loaded)."""
    if share.kind == Share.Kind.USER and share.user is not None:
        return share.user.get_full_name()
    if share.kind == Share.Kind.STAFF:
        return _("All staff and teachers")
    if share.kind == Share.Kind.GROUP and share.teaching_group is not None:
        return _("Group %(name)s") % {"name": share.teaching_group.name}
    name = share.school_class.name if share.school_class is not None else ""
    label: str = {
        Share.Kind.CLASS_STUDENTS: _("Students of %(name)s"),
        Share.Kind.CLASS_GUARDIANS: _("Guardians of %(name)s"),
        Share.Kind.CLASS_ALL: _("Students and guardians of %(name)s"),
    }.get(share.kind, "%(name)s") % {"name": name}  # type: ignore[call-overload]
    return label


def node_shares(scope: Scope, node: Node) -> list[Share]:
    """The node's shares of the current establishment, with their labels (one query)."""
    shares = list(
        Share.objects.filter(node=node, establishment_id=scope.establishment_id)
        .select_related("user", "school_class", "teaching_group", "granted_by")
        .order_by("kind", "pk")
    )
    for share in shares:
        share.label = share_label(share)  # type: ignore[attr-defined]
    return shares


def shared_with_me(scope: Scope, *, cursor: str = "") -> KeysetPage[Share]:
    """What others shared with the person here, newest first (one query a page).

    Shares of the person's own documents, and of documents in the trash, are left out; a
    document reached through several shares shows once.
    """
    rows = (
        access.matching_shares(scope)
        .exclude(node__space__owner_id=scope.user_id)
        .filter(node__trashed_at__isnull=True)
        .select_related("node", "granted_by")
    )
    page = keyset_page(rows, time_field="created_at", cursor=cursor, size=SHARED_PAGE_SIZE)
    seen: set[int] = set()
    entries = []
    for share in page.entries:
        if share.node_id not in seen:
            seen.add(share.node_id)
            entries.append(share)
    page.entries = entries
    return page


@dataclass
class SpaceRow:
    space: Space
    right: Right


def my_spaces(scope: Scope) -> list[SpaceRow]:
    """The person's spaces here: their own, their classes' (or their children's, when the school
    allows) and the team's, each with the person's right (three queries)."""
    found = list(access.visible_spaces(scope).select_related("school_class", "root").order_by("kind", "name"))
    taught: set[int] = set()
    if scope.is_teacher and any(s.kind == Space.Kind.CLASS for s in found):
        taught = set(access.taught_class_ids(scope).values_list("school_class_id", flat=True))
    head = Profile.STAFF_HEAD in scope.profiles
    rows = []
    for space in found:
        if space.kind == Space.Kind.PERSONAL:
            right = Right.MANAGE
        elif space.kind == Space.Kind.TEAM:
            right = Right.MANAGE if head or Profile.STAFF_DIGITAL_LEAD in scope.profiles else Right.CONTRIBUTE
        elif space.kind == Space.Kind.GROUP:
            right = access.group_right(scope, space) or Right.READ
        elif head or (space.school_class is not None and space.school_class.homeroom_teacher_id == scope.user_id):
            right = Right.MANAGE
        elif space.school_class_id in taught:
            right = Right.CONTRIBUTE
        else:
            right = Right.READ
        rows.append(SpaceRow(space, right))
    order = {Space.Kind.PERSONAL: 0, Space.Kind.CLASS: 1, Space.Kind.TEAM: 2, Space.Kind.GROUP: 3}
    rows.sort(key=lambda r: (order.get(r.space.kind, 3), r.space.name))  # type: ignore[call-overload]
    return rows


# -- Collections ---------------------------------------------------------------------------


def collections_for(scope: Scope) -> list[Collection]:
    """The collections the person sees, latest due first (one query)."""
    return list(
        access.visible_collections(scope)
        .select_related("school_class", "teaching_group", "created_by")
        .order_by("-due_at", "-pk")[:100]
    )


@dataclass
class CollectedRow:
    student: User
    dropbox: Dropbox | None
    files: list[Node] = field(default_factory=list)


def collection_rows(collection: Collection) -> list[CollectedRow]:
    """Every student of the collection's class or group, with what they handed in (three queries)."""
    token = (
        f"class-students:{collection.school_class_id}"
        if collection.school_class_id
        else f"group:{collection.teaching_group_id}"
    )
    students = list(
        User.objects.filter(pk__in=access.audience_ids(collection.establishment_id, [token])).order_by(*BY_NAME)
    )
    live = Node.objects.filter(trashed_at__isnull=True, is_folder=False).order_by("name_key")
    boxes = {
        box.student_id: box
        for box in Dropbox.objects.filter(collection=collection)
        .select_related("folder")
        .prefetch_related(Prefetch("folder__children", queryset=live, to_attr="files"))
    }
    rows = [CollectedRow(s, boxes.get(s.pk)) for s in students]
    for row in rows:
        if row.dropbox is not None:
            row.files = row.dropbox.folder.files  # type: ignore[attr-defined]
    return rows


def own_drop(scope: Scope, collection: Collection) -> CollectedRow | None:
    """The student's own work in a collection (two queries)."""
    student = User.objects.filter(pk=scope.user_id).first()
    if student is None:
        return None
    box = Dropbox.objects.select_related("folder").filter(collection=collection, student_id=scope.user_id).first()
    row = CollectedRow(student, box)
    if box is not None:
        row.files = list(
            Node.objects.filter(parent=box.folder, trashed_at__isnull=True, is_folder=False).order_by("name_key")
        )
    return row


def collected_files(collection: Collection) -> list[tuple[str, Node]]:
    """Every file handed in, with its name in a ZIP (``Student name/file``), for the teacher (two queries)."""
    boxes = {
        box.folder_id: box.folder.name for box in Dropbox.objects.filter(collection=collection).select_related("folder")
    }
    files = (
        Node.objects.filter(parent_id__in=list(boxes), trashed_at__isnull=True, is_folder=False)
        .select_related("current__blob")
        .order_by("parent_id", "name_key")
    )
    return [(f"{boxes[node.parent_id]}/{node.name}", node) for node in files]  # type: ignore[index]
