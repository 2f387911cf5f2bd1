"""A space's uploads go through the same checks as every upload: the antivirus, and its state kept."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from romsie.core.errors import ApplicationError
from romsie.core.testing.factories import scope_of
from romsie.core.testing.servers import EICAR
from romsie.documents import services, spaces
from romsie.documents.models import Blob, Node


def test_an_infected_file_is_refused_and_nothing_is_kept(world, clamd):
    teacher = world.a.teacher
    space = spaces.personal_space_for(scope_of(teacher))
    with pytest.raises(ApplicationError) as refused:
        services.file_upload(
            scope=scope_of(teacher), folder=space.root, upload=SimpleUploadedFile("eicar.txt", EICAR, "text/plain")
        )
    assert "antivirus" in refused.value.message
    assert not Node.objects.filter(space=space, is_folder=False).exists()
    assert not Blob.objects.exists()


def test_a_clean_file_is_marked_checked_and_without_an_antivirus_not_scanned(world, clamd, settings):
    teacher = world.a.teacher
    space = spaces.personal_space_for(scope_of(teacher))
    scope = scope_of(teacher)
    node = services.file_upload(
        scope=scope, folder=space.root, upload=SimpleUploadedFile("notes.txt", b"hello", "text/plain")
    )
    assert node.current.blob.scan_status == Blob.ScanStatus.CLEAN and node.current.blob.scanned_at
    settings.CLAMD_URL = ""
    other = services.file_upload(
        scope=scope, folder=space.root, upload=SimpleUploadedFile("more.txt", b"hello", "text/plain")
    )
    assert other.current.blob.scan_status == Blob.ScanStatus.NOT_SCANNED and other.current.blob.scanned_at is None


def test_a_space_takes_the_wide_kinds_but_keeps_an_svg_opaque(world):
    teacher = world.a.teacher
    space = spaces.personal_space_for(scope_of(teacher))
    svg = SimpleUploadedFile("logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'></svg>", "image/svg+xml")
    node = services.file_upload(scope=scope_of(teacher), folder=space.root, upload=svg)
    assert node.content_type == "application/octet-stream"
