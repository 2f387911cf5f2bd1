"""A folder as a ZIP, streamed: written to a non-seekable stream chunk by chunk, never held whole.

``zipfile`` writes to a stream it cannot seek by putting each entry's sizes and checksum after
its data (a data descriptor); every reader of ZIP files understands it. Memory stays at one
read buffer plus what the compressor holds, whatever the size of the folder.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator

from .models import Node

CHUNK = 256 * 1024
#: already compressed content: stored as it is rather than compressed again
_STORED = ("image/", "audio/", "video/", "application/zip", "application/vnd.openxmlformats", "application/vnd.oasis")


class _Pipe:
    """A write-only stream whose written bytes are taken out by the generator (no ``tell``, no ``seek``)."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data, self.parts = b"".join(self.parts), []
        return data


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


def stream_zip(folder: Node) -> Iterator[bytes]:
    """Yield the ZIP of the folder's content, a chunk at a time."""
    pipe = _Pipe()
    with zipfile.ZipFile(pipe, "w", allowZip64=True) as archive:  # type: ignore[call-overload]
        for node, arcname in entries(folder):
            stamp = node.modified_at.timetuple()[:6]
            if node.is_folder:
                archive.writestr(zipfile.ZipInfo(arcname, date_time=stamp), b"")
                yield pipe.take()
                continue
            if node.current is None:
                continue
            info = zipfile.ZipInfo(arcname, date_time=stamp)
            info.compress_type = zipfile.ZIP_STORED if node.content_type.startswith(_STORED) else zipfile.ZIP_DEFLATED
            info.file_size = node.current.size_bytes
            with node.current.blob.file.open("rb") as source, archive.open(info, "w", force_zip64=True) as target:
                while chunk := source.read(CHUNK):
                    target.write(chunk)
                    if data := pipe.take():
                        yield data
            yield pipe.take()
    yield pipe.take()
