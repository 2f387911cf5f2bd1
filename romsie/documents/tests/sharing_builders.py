"""Builders of the sharing, spaces and hand-out tests."""

from __future__ import annotations

import base64

from django.core.files.uploadedfile import SimpleUploadedFile

from romsie.core.testing.factories import scope_of
from romsie.documents import services, spaces
from romsie.documents.models import Node, Space

#: the smallest valid PNG (1 x 1, transparent)
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


def pdf(name: str = "notes.pdf", size: int = 100) -> SimpleUploadedFile:
    head = b"%PDF-1.4\n"
    return SimpleUploadedFile(name, head + b"x" * (size - len(head)), content_type="application/pdf")


def space_of(user) -> Space:
    return spaces.personal_space_for(scope_of(user))


def upload(user, name: str = "notes.pdf", size: int = 100, folder: Node | None = None) -> Node:
    target = folder if folder is not None else space_of(user).root
    return services.file_upload(scope=scope_of(user), folder=target, upload=pdf(name, size))
