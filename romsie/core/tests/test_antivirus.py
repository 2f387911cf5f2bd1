"""Antivirus: a real clamd (started by the test session with a signature of the EICAR test file).

Skipped, with the reason, where clamd (Debian package clamav-daemon) is not installed.
"""

from __future__ import annotations

import io
import logging
import zipfile
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from romsie.core import antivirus
from romsie.core.antivirus import ScanStatus
from romsie.core.testing.servers import EICAR, EICAR_SIGNATURE, free_port
from romsie.core.testing.world import World
from romsie.core.uploads import ALLOWED_WIDE, check_upload, inspect_upload


@pytest.fixture(autouse=True)
def _english(english: None) -> None:
    """The messages are read in English."""


def test_the_eicar_test_file_is_refused_with_a_clear_message_and_a_log_line(clamd: Any, caplog: Any) -> None:
    with (
        caplog.at_level(logging.WARNING, logger="romsie.core.uploads"),
        pytest.raises(
            ValidationError, match=f"eicar.txt was refused: the antivirus found a threat in it \\({EICAR_SIGNATURE}\\)"
        ),
    ):
        check_upload(SimpleUploadedFile("eicar.txt", EICAR))
    assert f"upload refused: 'eicar.txt' (68 bytes) is infected: {EICAR_SIGNATURE}" in caplog.text


def test_a_threat_inside_an_archive_is_found_too(clamd: Any) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("cours/lisez-moi.txt", b"Bonjour")
        archive.writestr("cours/outil.com", EICAR)
    with pytest.raises(ValidationError, match="the antivirus found a threat"):
        check_upload(SimpleUploadedFile("cours.zip", buffer.getvalue()), allowed=ALLOWED_WIDE)


def test_a_clean_file_is_accepted_and_said_clean(clamd: Any) -> None:
    checked = inspect_upload(SimpleUploadedFile("notes.txt", b"Rien de dangereux ici.\n" * 1000))
    assert checked.scan.status is ScanStatus.CLEAN and checked.content_type == "text/plain"


def test_with_clamd_stopped_a_file_is_accepted_as_not_scanned_and_the_error_logged(clamd: Any, caplog: Any) -> None:
    clamd.stop()
    with caplog.at_level(logging.ERROR, logger="romsie.core.antivirus"):
        checked = inspect_upload(SimpleUploadedFile("notes.txt", b"Bonjour"))
    assert checked.scan.status is ScanStatus.NOT_SCANNED and "cannot connect to clamd" in checked.scan.reason
    assert "antivirus: file not scanned: cannot connect to clamd" in caplog.text


def test_with_clamd_stopped_and_required_a_file_is_refused(clamd: Any, settings: Any) -> None:
    settings.CLAMD_REQUIRED = True
    clamd.stop()
    with pytest.raises(
        ValidationError, match="could not be checked by the antivirus: nothing was saved, try again later"
    ):
        check_upload(SimpleUploadedFile("notes.txt", b"Bonjour"))


def test_a_file_larger_than_clamd_takes_is_not_scanned(clamd: Any, settings: Any) -> None:
    settings.CLAMD_MAX_BYTES = 1000
    checked = inspect_upload(SimpleUploadedFile("notes.txt", b"x" * 1001))
    assert checked.scan.status is ScanStatus.NOT_SCANNED and "more than CLAMD_MAX_BYTES" in checked.scan.reason


def test_a_stream_longer_than_clamd_accepts_is_not_scanned(clamd: Any, settings: Any) -> None:
    settings.CLAMD_MAX_BYTES = 100 * 1024 * 1024  # more than the StreamMaxLength (30M) clamd was given
    result = antivirus.scan(io.BytesIO(b"x" * (31 * 1024 * 1024)))
    assert result.status is ScanStatus.NOT_SCANNED and "size limit exceeded" in result.reason


def test_over_tcp_a_port_where_nothing_listens_is_not_scanned_at_once() -> None:
    result = antivirus.scan(io.BytesIO(b"x"), url=f"tcp://127.0.0.1:{free_port()}")
    assert result.status is ScanStatus.NOT_SCANNED and "cannot connect" in result.reason


def test_a_malformed_address_is_not_scanned() -> None:
    result = antivirus.scan(io.BytesIO(b"x"), url="http://clamd")
    assert result.status is ScanStatus.NOT_SCANNED and "unix:///path or tcp://host:port" in result.reason


def test_a_message_with_an_infected_attachment_is_refused_and_nothing_saved(
    world: World, client_for: Any, clamd: Any
) -> None:
    from romsie.messaging.models import Attachment, Message
    from romsie.messaging.tests.helpers import enable_messaging

    enable_messaging(world)
    a = world.a
    response = client_for(a.teacher).post(
        reverse("messaging:compose"),
        {
            "subject": "Sortie",
            "body": "Le programme",
            "recipients": [f"user:{a.parent.pk}"],
            "attachments": [SimpleUploadedFile("programme.txt", EICAR)],
        },
    )
    assert response.status_code == 200
    assert "the antivirus found a threat in it" in response.content.decode()
    assert not Message.objects.exists() and not Attachment.objects.exists()
