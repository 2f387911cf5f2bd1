"""Files people upload (message attachments, homework files, hand-ins, documents) and how they are served.

Every upload is checked the same way (:func:`check_upload`, or :func:`inspect_upload` for the
details): a clean name (:func:`clean_file_name`), an allowed extension, a size limit, leading bytes
that agree with the extension (a renamed executable is refused), for a zip-based file (zip, Office
and OpenDocument files) an archive that unpacks to a sane size and count of entries with no path
leaving it (a zip bomb is refused), and the antivirus where one is configured
(:mod:`romsie.core.antivirus`). The checks read the head of the file, the archive's directory
and, for the antivirus, the file in chunks: a large upload (on disk beyond
``FILE_UPLOAD_MAX_MEMORY_SIZE``) is never loaded into memory.

Files are served only as downloads, never rendered by the browser: ``Content-Disposition:
attachment``, ``X-Content-Type-Options: nosniff`` and a sandboxing Content-Security-Policy; SVG
and HTML files are stored and served as ``application/octet-stream``. Downloads stream from the
storage (local disk or S3) in chunks.

Files are written by :func:`store_upload` inside :func:`atomic_with_files`: a write that fails
(disk full) and a transaction that fails after the write both leave neither file nor row, and
the person reads that the server could not store the file. A worker killed between the write and
the commit leaves an orphan file that ``manage.py sweep_orphan_files`` removes (see
:mod:`romsie.core.orphans`).
"""

from __future__ import annotations

import itertools
import logging
import re
import struct
import unicodedata
import zipfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import IO, Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import Storage
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from . import antivirus
from .antivirus import ScanResult, ScanStatus
from .errors import ApplicationError

logger = logging.getLogger(__name__)

MAX_BYTES = 10 * 1024 * 1024
MAX_FILES = 5
MAX_NAME_LENGTH = 255

# A leading-bytes signature: bytes the file starts with, or (offset, bytes) found at that offset.
Magic = bytes | tuple[int, bytes]
_ZIP: tuple[Magic, ...] = (b"PK\x03\x04",)
_OFFICE_ZIP = _ZIP
_OFFICE_OLE: tuple[Magic, ...] = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)
_ISO_MEDIA: tuple[Magic, ...] = ((4, b"ftyp"),)
# Served as a download of unknown type: never rendered, whatever a browser or a preview would do.
OPAQUE = "application/octet-stream"

# extension -> (content type served, accepted leading bytes; None: text)
ALLOWED: dict[str, tuple[str, tuple[Magic, ...] | None]] = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "gif": ("image/gif", (b"GIF87a", b"GIF89a")),
    "webp": ("image/webp", (b"RIFF",)),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", _OFFICE_ZIP),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _OFFICE_ZIP),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", _OFFICE_ZIP),
    "odt": ("application/vnd.oasis.opendocument.text", _OFFICE_ZIP),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", _OFFICE_ZIP),
    "odp": ("application/vnd.oasis.opendocument.presentation", _OFFICE_ZIP),
    "doc": ("application/msword", _OFFICE_OLE),
    "xls": ("application/vnd.ms-excel", _OFFICE_OLE),
    "ppt": ("application/vnd.ms-powerpoint", _OFFICE_OLE),
    "txt": ("text/plain", None),
    "csv": ("text/csv", None),
    "mp3": ("audio/mpeg", (b"ID3", b"\xff\xfb", b"\xff\xf3")),
}

#: Every kind a storage space accepts (documents): ``ALLOWED`` plus archives, drawings, audio and
#: video, and SVG and HTML pages, which are stored and served as opaque downloads, never inline.
ALLOWED_WIDE: dict[str, tuple[str, tuple[Magic, ...] | None]] = {
    **ALLOWED,
    "zip": ("application/zip", (b"PK\x03\x04", b"PK\x05\x06")),
    "odg": ("application/vnd.oasis.opendocument.graphics", _OFFICE_ZIP),
    "svg": (OPAQUE, None),
    "html": (OPAQUE, None),
    "htm": (OPAQUE, None),
    "mp4": ("video/mp4", _ISO_MEDIA),
    "m4a": ("audio/mp4", _ISO_MEDIA),
    "ogg": ("audio/ogg", (b"OggS",)),
    "webm": ("video/webm", (b"\x1a\x45\xdf\xa3",)),
    # No extension (``README``) or a number for one (``notes.1``, a copy a program keeps), as
    # WebDAV clients write them: kept when it is text, as an opaque download.
    "": (OPAQUE, None),
}

# Archives (zip-based files): what an archive may hold once unpacked.
MAX_ARCHIVE_ENTRIES = 10_000
MAX_ARCHIVE_BYTES = 1024 * 1024 * 1024
# An entry, or the whole archive, that unpacks to more than this many times its compressed size
# is a bomb, once it unpacks to more than ARCHIVE_RATIO_FLOOR (a small very compressible file,
# a blank spreadsheet, is harmless).
MAX_ARCHIVE_RATIO = 100
ARCHIVE_RATIO_FLOOR = 64 * 1024 * 1024

# Windows cannot hold these names (whatever the extension): a file downloaded under one is lost.
_RESERVED_NAMES = frozenset(
    ["con", "prn", "aux", "nul", "conin$", "conout$"]
    + [f"{device}{n}" for device in ("com", "lpt") for n in (*"123456789", "\u00b9", "\u00b2", "\u00b3")]
)
# Characters that reorder the text around them: "photo\u202egnp.exe" reads "photoexe.png".
_BIDI_CONTROLS = frozenset("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_DRIVE = re.compile(r"^[A-Za-z]:")


def clean_file_name(name: str) -> str:
    """Return the name a file is kept under, or raise ``ValidationError`` saying what is wrong.

    Keeps the last part of a path (``../../x.pdf`` and ``C:\\Users\\x.pdf`` give ``x.pdf``),
    normalises it to NFC (the same name typed on a Mac and on Windows compares equal) and strips
    surrounding spaces and trailing dots (Windows drops them). Refuses an empty name, ``.`` and
    ``..``, control and text-direction characters, names over 255 characters and the device
    names Windows reserves (``CON``, ``NUL``, ``COM1``...).
    """
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    if name.strip() in {".", ".."}:
        raise ValidationError(_("“%(name)s” is not a file name.") % {"name": name.strip()}, code="file_name")
    name = name.strip().rstrip(". ")
    if not name:
        raise ValidationError(_("A file needs a name."), code="file_name")
    if any(unicodedata.category(c) in {"Cc", "Cs"} or c in _BIDI_CONTROLS for c in name):
        raise ValidationError(
            _("%(name)s: a file name cannot contain control characters.")
            % {"name": "".join(c if c.isprintable() else "?" for c in name)},
            code="file_name",
        )
    if len(name) > MAX_NAME_LENGTH:
        raise ValidationError(
            _("%(name)s…: a file name has at most %(max)d characters.") % {"name": name[:40], "max": MAX_NAME_LENGTH},
            code="file_name",
        )
    if name.split(".", 1)[0].rstrip().lower() in _RESERVED_NAMES:
        raise ValidationError(
            _("%(name)s: this name is reserved by Windows, choose another one.") % {"name": name}, code="file_name"
        )
    return name


def _matches(head: bytes, signatures: tuple[Magic, ...]) -> bool:
    for signature in signatures:
        offset, expected = signature if isinstance(signature, tuple) else (0, signature)
        if head[offset : offset + len(expected)] == expected:
            return True
    return False


def _is_zip_kind(signatures: tuple[Magic, ...] | None) -> bool:
    return signatures is not None and any(s == b"PK\x03\x04" for s in signatures)


def _end_of_central_directory(file: IO[bytes], size: int) -> tuple[int, int] | None:
    """The number of entries and the size of the archive's directory, read from its end record."""
    tail_size = min(size, 22 + 65535 + 20)
    file.seek(size - tail_size)
    tail = file.read(tail_size)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or at + 22 > len(tail):
        return None
    entries = int.from_bytes(tail[at + 10 : at + 12], "little")
    directory = int.from_bytes(tail[at + 12 : at + 16], "little")
    locator = at - 20
    if (entries == 0xFFFF or directory == 0xFFFFFFFF) and locator >= 0 and tail[locator : locator + 4] == b"PK\x06\x07":
        # Zip64: the real figures are in the zip64 end record the locator points to.
        file.seek(int.from_bytes(tail[locator + 8 : locator + 16], "little"))
        record = file.read(56)
        if record[:4] == b"PK\x06\x06" and len(record) == 56:
            entries = int.from_bytes(record[32:40], "little")
            directory = int.from_bytes(record[40:48], "little")
    return entries, directory


def check_archive(upload: IO[bytes], *, name: str, size: int) -> None:
    """Refuse a zip-based file that is damaged, holds too many entries, unpacks to too much
    (a zip bomb: by total, by ratio, or entries overlapping each other) or holds a path leaving it.

    Reads only the archive's directory (its last bytes), never the entries' content.
    """
    extension = name.rsplit(".", 1)[-1].lower()
    damaged = ValidationError(
        _("%(name)s is damaged: it cannot be read as a .%(extension)s file.") % {"name": name, "extension": extension},
        code="archive",
    )
    too_many = _("%(name)s holds too many files (%(count)s; at most %(max)s).")
    try:
        end = _end_of_central_directory(upload, size)
        if end is None:
            raise damaged
        entries, directory = end
        # Refused before reading the directory: a million entries would be a million objects.
        if entries > MAX_ARCHIVE_ENTRIES or directory > MAX_ARCHIVE_ENTRIES * 1024:
            raise ValidationError(
                too_many % {"name": name, "count": entries, "max": MAX_ARCHIVE_ENTRIES}, code="archive"
            )
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, OSError, struct.error) as error:
        raise damaged from error
    finally:
        upload.seek(0)
    if len(infos) > MAX_ARCHIVE_ENTRIES:
        raise ValidationError(
            too_many % {"name": name, "count": len(infos), "max": MAX_ARCHIVE_ENTRIES}, code="archive"
        )
    bomb = ValidationError(
        _("%(name)s unpacks to far more than its size (an archive bomb?): it is refused.") % {"name": name},
        code="archive",
    )
    total = 0
    for info in infos:
        path = info.filename.replace("\\", "/")
        if path.startswith("/") or _DRIVE.match(path) or ".." in path.split("/"):
            raise ValidationError(
                _("%(name)s holds a file whose path leaves the archive (%(entry)s): it is refused.")
                % {"name": name, "entry": info.filename[:100]},
                code="archive",
            )
        total += info.file_size
        if info.file_size > ARCHIVE_RATIO_FLOOR and info.file_size > MAX_ARCHIVE_RATIO * max(info.compress_size, 1):
            raise bomb
    if total > MAX_ARCHIVE_BYTES:
        raise ValidationError(
            _("%(name)s would take %(size)s once unpacked (at most %(max)s).")
            % {"name": name, "size": filesizeformat(total), "max": filesizeformat(MAX_ARCHIVE_BYTES)},
            code="archive",
        )
    if total > ARCHIVE_RATIO_FLOOR and total > MAX_ARCHIVE_RATIO * max(size, 1):
        raise bomb
    # Entries sharing their compressed data (the "overlapping" bomb) unpack the same bytes many times.
    spans = sorted((info.header_offset, info.compress_size) for info in infos)
    for (offset, length), (following, _length) in itertools.pairwise([*spans, (size, 0)]):
        if offset + length > following:
            raise bomb


def scan_upload(upload: IO[bytes], *, name: str) -> ScanResult:
    """Scan the file with the antivirus; refuse it (``ValidationError``) when infected, or when it
    could not be scanned and ``CLAMD_REQUIRED`` is set. Every refusal is logged (warning)."""
    result = antivirus.scan(upload)
    size = getattr(upload, "size", None)
    if result.status is ScanStatus.INFECTED:
        logger.warning("upload refused: %r (%s bytes) is infected: %s", name, size, result.signature)
        raise ValidationError(
            _("%(name)s was refused: the antivirus found a threat in it (%(signature)s).")
            % {"name": name, "signature": result.signature},
            code="infected",
        )
    if result.status is ScanStatus.NOT_SCANNED and getattr(settings, "CLAMD_REQUIRED", False):
        logger.warning("upload refused: %r (%s bytes) could not be scanned: %s", name, size, result.reason)
        raise ValidationError(
            _("%(name)s could not be checked by the antivirus: nothing was saved, try again later.") % {"name": name},
            code="not_scanned",
        )
    return result


@dataclass(frozen=True)
class CheckedUpload:
    """An upload that passed every check: its clean name, the content type to serve it with, its
    size and what the antivirus said (``scan.status`` is ``clean`` or, if allowed, ``not_scanned``)."""

    name: str
    content_type: str
    size: int
    scan: ScanResult


def inspect_upload(
    upload: UploadedFile | File[Any],
    *,
    max_bytes: int | None = None,
    allowed: Mapping[str, tuple[str, tuple[Magic, ...] | None]] | None = None,
) -> CheckedUpload:
    """Check an upload (name, kind, size, content, archive, antivirus), or raise ``ValidationError``.

    ``max_bytes`` (default ``MAX_BYTES``) and ``allowed`` (default ``ALLOWED``; ``ALLOWED_WIDE``
    for a storage space) let a caller accept more. The upload's ``name`` becomes the clean one.
    """
    max_bytes = MAX_BYTES if max_bytes is None else max_bytes
    allowed = ALLOWED if allowed is None else allowed
    name = clean_file_name(upload.name or "")
    upload.name = name
    extension = name.lstrip(".").rsplit(".", 1)[-1].lower() if "." in name.lstrip(".") else ""
    if extension.isdigit():
        extension = ""
    if extension not in allowed:
        raise ValidationError(
            _("%(name)s: this kind of file is not accepted (allowed: %(kinds)s).")
            % {"name": name, "kinds": ", ".join(sorted(k for k in allowed if k))},
            code="kind",
        )
    size = upload.size or 0
    if size > max_bytes:
        raise ValidationError(
            _("%(name)s is too large (%(size)s; at most %(max)s).")
            % {"name": name, "size": filesizeformat(size), "max": filesizeformat(max_bytes)},
            code="size",
        )
    content_type, signatures = allowed[extension]
    upload.seek(0)
    head = upload.read(2048)
    upload.seek(0)
    if signatures is None:
        if b"\x00" in head:
            raise ValidationError(_("%(name)s does not look like a text file.") % {"name": name}, code="content")
    elif not _matches(head, signatures):
        raise ValidationError(
            _("%(name)s does not contain what its name says (.%(extension)s).")
            % {"name": name, "extension": extension},
            code="content",
        )
    if _is_zip_kind(signatures) and head.startswith(b"PK"):
        check_archive(upload, name=name, size=size)
    scan = scan_upload(upload, name=name)
    return CheckedUpload(name=name, content_type=content_type, size=size, scan=scan)


def check_upload(
    upload: UploadedFile | File[Any],
    *,
    max_bytes: int | None = None,
    allowed: Mapping[str, tuple[str, tuple[Magic, ...] | None]] | None = None,
) -> str:
    """Return the content type to serve the file with, or raise ``ValidationError`` (see :func:`inspect_upload`)."""
    return inspect_upload(upload, max_bytes=max_bytes, allowed=allowed).content_type


# What store_upload wrote inside the innermost atomic_with_files block (None: outside any).
_written: ContextVar[list[tuple[Storage, str]] | None] = ContextVar("romsie_uploads_written", default=None)


def _discard(storage: Storage, name: str) -> None:
    try:
        storage.delete(name)
    except OSError as error:
        logger.error("upload: could not remove %s after a failed write or transaction: %s", name, error)


def store_upload(instance: models.Model, upload: File[Any], *, field: str = "file") -> None:
    """Write ``upload`` to the storage of ``instance.<field>`` now, before the row is saved.

    The stored name comes from the field's ``upload_to``. A write that fails (disk full, storage
    unreachable) removes its partial file and raises ``ApplicationError`` with a message for the
    person; inside :func:`atomic_with_files`, the file is also removed if the transaction fails
    afterwards.
    """
    file_field = instance._meta.get_field(field)
    assert isinstance(file_field, models.FileField)
    storage = file_field.storage
    # The name is fixed before writing (a random one, see the models' upload_to), so that a
    # failed write knows which partial file to remove.
    name = storage.get_available_name(
        file_field.generate_filename(instance, upload.name or "file"), max_length=file_field.max_length
    )
    try:
        stored = storage.save(name, upload, max_length=file_field.max_length)
    except OSError as error:
        logger.error("upload: could not store %s (%s bytes): %s", name, upload.size, error)
        _discard(storage, name)
        raise ApplicationError(
            _("The server could not store your file %(name)s: nothing was saved, try again later.")
            % {"name": upload.name or ""},
            extra={"code": "not_stored"},
        ) from error
    setattr(instance, field, stored)
    written = _written.get()
    if written is not None:
        written.append((storage, stored))


@contextmanager
def atomic_with_files(using: str | None = None) -> Iterator[None]:
    """Run a ``transaction.atomic`` block that removes the files stored in it if it fails.

    Django has no rollback hook: the block notes what :func:`store_upload` wrote and deletes it
    when the block ends with an exception, raised inside it or by the commit itself. A block
    nested in another one hands its files to the outer one. Use it as a decorator on services
    that store files: ``@atomic_with_files()``.
    """
    written: list[tuple[Storage, str]] = []
    token = _written.set(written)
    try:
        with transaction.atomic(using=using):
            yield
    except BaseException:
        for storage, name in written:
            _discard(storage, name)
        raise
    finally:
        _written.reset(token)
    outer = _written.get()
    if outer is not None:
        outer.extend(written)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field, at most ``max_files`` (``MAX_FILES`` by default); cleans to a list."""

    def __init__(self, *args: Any, max_files: int = MAX_FILES, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)
        self.max_files = max_files

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            if len(data) > self.max_files:
                raise forms.ValidationError(_("Attach at most %(max)d files.") % {"max": self.max_files})
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


# Downloads are read and sent in blocks of this size (FileResponse's default is 4 KiB).
DOWNLOAD_BLOCK_BYTES = 256 * 1024


def open_stored(file: Any) -> tuple[IO[bytes], int | None]:
    """Open a stored file (a ``FieldFile``) to read it from its start in chunks, and its size if known.

    On local disk this is the file itself. On S3 (django-storages), opening a file for reading
    would first copy the whole object into a temporary file; the object's body is read as it
    comes instead, so a 500 MB download costs a few blocks of memory. ``FileNotFoundError`` if
    the file is gone.
    """
    file.open("rb")
    handle = file.file
    obj = getattr(handle, "obj", None)  # django-storages' S3File, not yet read
    if obj is not None and getattr(handle, "_file", None) is None:
        from botocore.exceptions import ClientError

        try:
            answer = obj.get()
        except ClientError as error:
            if error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") == 404:
                raise FileNotFoundError(file.name) from error
            raise
        return answer["Body"], int(answer["ContentLength"])
    try:
        size = int(file.size)
    except (OSError, TypeError, ValueError):
        size = None
    return file, size


def download_response(file: Any, name: str, content_type: str) -> FileResponse:
    """Serve a stored file as a download, never rendered by the browser, streamed; 404 if it is gone."""
    try:
        stream, size = open_stored(file)
    except FileNotFoundError as missing:
        raise Http404 from missing
    response = FileResponse(stream, as_attachment=True, filename=name, content_type=content_type)
    response.block_size = DOWNLOAD_BLOCK_BYTES
    if size is not None and not response.has_header("Content-Length"):
        response["Content-Length"] = str(size)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
