"""A folder as the entries of a ZIP, streamed by ``core.archives`` (never held whole)."""

from __future__ import annotations

from romsie.core.archives import ZipEntry

from .models import Node


def entries(folder: Node) -> list[tuple[Node, str]]:
    """The files and folders under ``folder`` out of the trash, with their path in the archive (one query)."""
    below = list(
        Node.objects.filter(path__startswith=folder.descendants_prefix)
        .select_related("current__blob")
        .order_by("path", "name_key")
    )
    names = {folder.pk: ""}
    trashed = {node.pk for node in below if node.trashed_at is not None}
    found: list[tuple[Node, str]] = []
    for node in sorted(below, key=lambda n: (len(n.ancestor_ids), n.path, n.name_key)):
        if node.pk in trashed or trashed.intersection(node.ancestor_ids) or node.parent_id not in names:
            continue
        arcname = f"{names[node.parent_id]}{node.name}"  # type: ignore[index]
        if node.is_folder:
            names[node.pk] = f"{arcname}/"
            found.append((node, f"{arcname}/"))
        else:
            found.append((node, arcname))
    return found


def zip_entries(folder: Node) -> list[ZipEntry]:
    """The folder's content as entries of a ZIP (``core.archives``), one query."""
    found: list[ZipEntry] = []
    for node, arcname in entries(folder):
        if node.is_folder:
            found.append(ZipEntry(arcname, None, node.modified_at))
        elif (current := node.current) is not None:
            found.append(
                ZipEntry(arcname, current.blob.file.open, node.modified_at, node.content_type, current.size_bytes)
            )
    return found
