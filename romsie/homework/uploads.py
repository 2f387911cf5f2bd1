"""Checks of the files joined to the log and handed in: size, extension and content must agree."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

MAX_BYTES = 10 * 1024 * 1024
MAX_FILES = 5

_OFFICE_ZIP = (b"PK\x03\x04",)
_OFFICE_OLE = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)
# extension -> (content type recorded, accepted leading bytes; None: text)
ALLOWED: dict[str, tuple[str, tuple[bytes, ...] | None]] = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "gif": ("image/gif", (b"GIF87a", b"GIF89a")),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", _OFFICE_ZIP),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _OFFICE_ZIP),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", _OFFICE_ZIP),
    "odt": ("application/vnd.oasis.opendocument.text", _OFFICE_ZIP),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", _OFFICE_ZIP),
    "odp": ("application/vnd.oasis.opendocument.presentation", _OFFICE_ZIP),
    "doc": ("application/msword", _OFFICE_OLE),
    "xls": ("application/vnd.ms-excel", _OFFICE_OLE),
    "txt": ("text/plain", None),
    "mp3": ("audio/mpeg", (b"ID3", b"\xff\xfb", b"\xff\xf3")),
}


def check_upload(upload: UploadedFile) -> str:
    """Return the file's content type, or raise ``ValidationError`` with a clear message."""
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
