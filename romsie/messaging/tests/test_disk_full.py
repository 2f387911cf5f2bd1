"""A full disk: the upload fails cleanly, the person keeps what they typed, nothing is left behind.

``small_disk`` mounts a real 256 KiB tmpfs as the file storage (root only, skipped otherwise).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from romsie.core.errors import ApplicationError
from romsie.core.testing.fixtures import SmallDisk
from romsie.core.testing.world import World
from romsie.messaging import services
from romsie.messaging.models import Attachment, Delivery, Message

from .helpers import scope_of

SUBJECT = "Sortie au musée jeudi"
BODY = "Rendez-vous à 8 h 15 devant le collège, avec un pique-nique."


def _pdf(name: str = "programme.pdf", size: int = 1024) -> SimpleUploadedFile:
    head = b"%PDF-1.7\n"
    return SimpleUploadedFile(name, head + b"x" * (size - len(head)), content_type="application/pdf")


def _compose(client: Any, recipient: Any, *files: SimpleUploadedFile) -> Any:
    return client.post(
        reverse("messaging:compose"),
        {"subject": SUBJECT, "body": BODY, "recipients": [f"user:{recipient.pk}"], "attachments": list(files)},
    )


def _assert_refused_and_kept(response: Any, recipient: Any) -> None:
    assert response.status_code == 200
    page = response.content.decode()
    assert "The server could not store your file" in page and "try again later" in page
    assert SUBJECT in page and BODY in page
    assert f'value="user:{recipient.pk}" id="id_recipients-user{recipient.pk}" checked' in page
    assert not Message.objects.exists() and not Attachment.objects.exists() and not Delivery.objects.exists()


def test_attachment_larger_than_the_free_space_leaves_no_file_and_keeps_the_text(
    mworld: World, client_for: Any, small_disk: SmallDisk
) -> None:
    a = mworld.a
    client = client_for(a.teacher)
    small_disk.fill(leave=32 * 1024)

    _assert_refused_and_kept(_compose(client, a.parent, _pdf(size=100 * 1024)), a.parent)
    assert small_disk.stored_files() == []

    # A disk with no room at all: the next upload leaves no empty file either.
    small_disk.fill()
    _assert_refused_and_kept(_compose(client, a.parent, _pdf()), a.parent)
    assert small_disk.stored_files() == []

    small_disk.free()
    response = _compose(client, a.parent, _pdf())
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert small_disk.stored_files() == [attachment.file.name]
    assert attachment.message.subject == SUBJECT and attachment.size_bytes == 1024


def test_files_written_before_a_failed_one_are_removed_with_the_transaction(
    mworld: World, client_for: Any, small_disk: SmallDisk
) -> None:
    a = mworld.a
    small_disk.fill(leave=64 * 1024)
    first, second = _pdf("plan.pdf", 16 * 1024), _pdf("programme.pdf", 100 * 1024)

    _assert_refused_and_kept(_compose(client_for(a.teacher), a.parent, first, second), a.parent)
    assert small_disk.stored_files() == []


def test_a_draft_saved_on_a_full_disk_is_refused_without_leftovers(mworld: World, small_disk: SmallDisk) -> None:
    a = mworld.a
    small_disk.fill()
    with pytest.raises(ApplicationError, match="could not store your file"):
        services.message_save(
            scope=scope_of(a.teacher), subject=SUBJECT, body=BODY, tokens=[], send=False, files=[_pdf()]
        )
    assert not Message.objects.exists() and small_disk.stored_files() == []
