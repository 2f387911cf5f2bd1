"""Files people upload (message attachments, homework files, hand-ins) and how they are served.

Every upload is checked the same way: an allowed extension, a size limit, and leading bytes
that agree with the extension (a renamed executable is refused). Files are served only as
downloads, never rendered by the browser: ``Content-Disposition: attachment``,
``X-Content-Type-Options: nosniff`` and a sandboxing Content-Security-Policy.

Files are written by :func:`store_upload` inside :func:`atomic_with_files`: a write that fails
(disk full) and a transaction that fails after the write both leave neither file nor row, and
the person reads that the server could not store the file.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import Storage
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from .errors import ApplicationError

logger = logging.getLogger(__name__)

MAX_BYTES = 10 * 1024 * 1024
MAX_FILES = 5

_OFFICE_ZIP = (b"PK\x03\x04",)
_OFFICE_OLE = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)
# extension -> (content type served, accepted leading bytes; None: text)
ALLOWED: dict[str, tuple[str, tuple[bytes, ...] | None]] = {
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


def check_upload(upload: UploadedFile, *, max_bytes: int | None = None) -> str:
    """Return the content type to serve the file with, or raise ``ValidationError``.

    ``max_bytes``: the largest size accepted (``MAX_BYTES`` by default; documents take the
    territory's limit).
    """
    if max_bytes is None:
        max_bytes = MAX_BYTES
    name = upload.name or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ALLOWED:
        raise ValidationError(
            _("%(name)s: this kind of file is not accepted (allowed: %(kinds)s).")
            % {"name": name, "kinds": ", ".join(sorted(ALLOWED))}
        )
    if (upload.size or 0) > max_bytes:
        raise ValidationError(
            _("%(name)s is too large (%(size)s; at most %(max)s).")
            % {"name": name, "size": filesizeformat(upload.size or 0), "max": filesizeformat(max_bytes)}
        )
    content_type, signatures = ALLOWED[extension]
    upload.seek(0)
    head = upload.read(2048)
    upload.seek(0)
    if signatures is None:
        if b"\x00" in head:
            raise ValidationError(_("%(name)s does not look like a text file.") % {"name": name})
    elif not head.startswith(signatures):
        raise ValidationError(
            _("%(name)s does not contain what its name says (.%(extension)s).") % {"name": name, "extension": extension}
        )
    return content_type


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


def download_response(file: Any, name: str, content_type: str) -> FileResponse:
    """Serve a stored file as a download, never rendered by the browser; 404 if it is gone."""
    try:
        handle = file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    response = FileResponse(handle, as_attachment=True, filename=name, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
