"""Files people upload (message attachments, homework files, hand-ins) and how they are served.

Every upload is checked the same way: an allowed extension, a size limit, and leading bytes
that agree with the extension (a renamed executable is refused). Files are served only as
downloads, never rendered by the browser: ``Content-Disposition: attachment``,
``X-Content-Type-Options: nosniff`` and a sandboxing Content-Security-Policy.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

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


def check_upload(upload: UploadedFile) -> str:
    """Return the content type to serve the file with, or raise ``ValidationError``."""
    name = upload.name or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ALLOWED:
        raise ValidationError(
            _("%(name)s: this kind of file is not accepted (allowed: %(kinds)s).")
            % {"name": name, "kinds": ", ".join(sorted(ALLOWED))}
        )
    if (upload.size or 0) > MAX_BYTES:
        raise ValidationError(
            _("%(name)s is too large (%(size)s; at most %(max)s).")
            % {"name": name, "size": filesizeformat(upload.size or 0), "max": filesizeformat(MAX_BYTES)}
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


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field, at most ``MAX_FILES``; cleans to a list."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            if len(data) > MAX_FILES:
                raise forms.ValidationError(_("Attach at most %(max)d files.") % {"max": MAX_FILES})
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
