"""Reads of the documents service: folder listings, breadcrumbs, the trash, versions, quota use.

Everything starts from :mod:`romsie.documents.access`: a folder is listed only once the person's
access to it is known (``access.get_folder``). A listing costs the same number of queries for
10 or 1,000 entries.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import CharField, Exists, F, OuterRef, QuerySet, Value
from django.db.models.functions import Cast, Concat, Lower
from django.db.models.lookups import StartsWith

from romsie.core.access.scope import Scope
from romsie.core.pagination import KeysetPage, keyset_page
from romsie.core.text import fold

from . import access, spaces
from .models import FileVersion, Node, Right, Space

#: the sorts a listing offers: key → (fields, descending)
SORTS = {
    "name": ("name_key",),
    "-name": ("-name_key",),
    "size": ("size_bytes", "name_key"),
    "-size": ("-size_bytes", "name_key"),
    "modified": ("modified_at", "name_key"),
    "-modified": ("-modified_at", "name_key"),
}
DEFAULT_SORT = "name"


@dataclass(frozen=True)
class Crumb:
    pk: int
    name: str


def personal_space(scope: Scope) -> Space:
    """The person's personal space (created on first use)."""
    return spaces.personal_space_for(scope)


def breadcrumbs(scope: Scope, found: access.NodeAccess) -> list[Crumb]:
    """The folders from the top of what the person may open down to the node.

    Someone who reaches a node only through a share starts at the topmost folder they may open,
    not at the owner's space (whose other folders they may not see): one query for the shares.
    """
    chain = [Crumb(a.pk, a.name) for a in found.ancestors] + [Crumb(found.node.pk, found.node.name)]
    if access.space_right(scope, found.space) is not None:
        return chain
    shared = set(
        access.matching_shares(scope).filter(node_id__in=[c.pk for c in chain]).values_list("node_id", flat=True)
    )
    for index, crumb in enumerate(chain):
        if crumb.pk in shared:
            return chain[index:]
    return chain[-1:]


def children(folder: Node, *, sort: str = DEFAULT_SORT) -> QuerySet[Node]:
    """The folder's entries out of the trash, folders first, in the chosen order (one query)."""
    fields = SORTS.get(sort, SORTS[DEFAULT_SORT])
    return Node.objects.filter(parent=folder, trashed_at__isnull=True).order_by("-is_folder", *fields, "pk")


@dataclass(frozen=True)
class QuotaUse:
    used_bytes: int
    quota_bytes: int

    @property
    def percent(self) -> int:
        if self.quota_bytes <= 0:
            return 100
        return min(100, round(100 * self.used_bytes / self.quota_bytes))

    @property
    def high(self) -> int:
        """Where the meter turns to a warning: 90 % of the quota."""
        return self.quota_bytes * 9 // 10

    @property
    def free_bytes(self) -> int:
        return max(0, self.quota_bytes - self.used_bytes)


def quota_use(space: Space) -> QuotaUse:
    """What the space uses against its quota (no query: the space carries both)."""
    return QuotaUse(used_bytes=space.used_bytes, quota_bytes=space.quota_bytes)


def trash(scope: Scope, space: Space) -> QuerySet[Node]:
    """What was put in the space's trash, newest first (nothing when the person does not manage it)."""
    if access.space_right(scope, space) != Right.MANAGE:
        return Node.objects.none()
    return (
        Node.objects.filter(space=space, trashed_at__isnull=False)
        .select_related("trashed_by")
        .order_by("-trashed_at", "pk")
    )


def versions(node: Node) -> QuerySet[FileVersion]:
    """A file's versions, newest first (the node comes from the gate)."""
    return node.versions.select_related("uploaded_by", "blob").order_by("-number")


def get_version(found: access.NodeAccess, number: int) -> FileVersion | None:
    """One version of a file the person may read."""
    return versions(found.node).filter(number=number).first()


def folders_for_move(scope: Scope, space: Space) -> QuerySet[Node]:
    """The folders of a space out of the trash (a folder chooser), by path then name."""
    if access.space_right(scope, space) is None:
        return Node.objects.none()
    return (
        Node.objects.filter(space=space, is_folder=True, trashed_at__isnull=True)
        .exclude(_under_trash())
        .order_by(F("path"), Lower("name"))
    )


SEARCH_PAGE_SIZE = 30


def _under_trash() -> Exists:
    """Whether a folder above the node (in its space) is in the trash (a correlated subquery)."""
    return Exists(
        Node.objects.filter(space_id=OuterRef("space_id"), is_folder=True, trashed_at__isnull=False)
        .annotate(prefix=Concat("path", Cast("pk", CharField()), Value("/")))
        .filter(StartsWith(OuterRef("path"), F("prefix")))
    )


def search(scope: Scope, query: str, *, cursor: str = "") -> KeysetPage[Node]:
    """Nodes whose name holds ``query`` (case and accents ignored), among everything the person may
    see: the spaces they open and what is shared with them. Most recently changed first.

    Index-backed: the spaces' nodes through ``(space, search_key)``, the shared folders' through
    the ``path`` prefix index; one ``UNION`` of them (see "one idiom per job").
    """
    words = fold(query).split()
    if not words or not access.may_use(scope):
        return KeysetPage(entries=[])

    def named(rows: QuerySet[Node]) -> QuerySet[Node]:
        for word in words:
            rows = rows.filter(search_key__contains=word)
        return rows

    found = named(Node.objects.filter(space_id__in=access.visible_spaces(scope).values("pk"))).values("pk").order_by()
    shared = list(access.matching_shares(scope).values_list("node_id", "node__path"))
    if shared:
        found = found.union(named(Node.objects.filter(pk__in=[pk for pk, _ in shared])).values("pk").order_by())
        for pk, path in shared:
            found = found.union(named(Node.objects.filter(path__startswith=f"{path}{pk}/")).values("pk").order_by())
    rows = (
        Node.objects.filter(pk__in=found, trashed_at__isnull=True, parent__isnull=False)
        .exclude(_under_trash())
        .select_related("space", "parent")
    )
    return keyset_page(rows, time_field="modified_at", cursor=cursor, size=SEARCH_PAGE_SIZE)
