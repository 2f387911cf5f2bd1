"""Content safety: sanitised rich text, attachments checked and served as downloads."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from romsie.core import uploads
from romsie.core.errors import ApplicationError
from romsie.core.richtext import clean_rich_text
from romsie.core.testing.world import World
from romsie.messaging.models import Attachment, Message

from .helpers import send

HOSTILE = (
    '<p onclick="steal()">Bonjour <script>alert(1)</script><b>important</b></p>'
    '<img src=x onerror="alert(2)"><a href="javascript:alert(3)">lien</a>'
    '<a href="https://example.org/sortie">programme</a><iframe src="https://evil"></iframe>'
    "<style>body{display:none}</style><ul><li>un</li></ul>"
)


def test_no_stored_script_survives(mworld: World, client_for: Any) -> None:
    a = mworld.a
    message = send(a.teacher, [f"user:{a.parent.pk}"], body=HOSTILE)
    stored = Message.objects.get(pk=message.pk).body
    for forbidden in ("<script", "onclick", "onerror", "javascript:", "<iframe", "<style", "<img", "alert("):
        assert forbidden not in stored
    assert "<b>important</b>" in stored and "<ul><li>un</li></ul>" in stored
    assert 'href="https://example.org/sortie"' in stored and 'rel="noopener noreferrer nofollow"' in stored
    page = client_for(a.parent).get(reverse("messaging:message-detail", args=[message.pk])).content.decode()
    assert "<script>alert" not in page and "<b>important</b>" in page


def test_plain_text_becomes_escaped_paragraphs() -> None:
    assert (
        clean_rich_text("Bonjour,\n\nÀ demain <3 & bonne soirée")
        == "<p>Bonjour,</p>\n\n<p>À demain &lt;3 &amp; bonne soirée</p>"
    )


def _pdf(name: str = "sortie.pdf", content: bytes = b"%PDF-1.7\n1 0 obj\n") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_attachments_are_served_as_downloads_to_recipients_only(mworld: World, client_for: Any) -> None:
    a = mworld.a
    message = send(a.teacher, [f"user:{a.parent.pk}"], files=[_pdf()])
    attachment = Attachment.objects.get(message=message)
    assert attachment.content_type == "application/pdf" and "sortie" not in attachment.file.name
    url = reverse("messaging:attachment-download", args=[attachment.pk])
    response = client_for(a.parent).get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;") and "sortie.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == b"%PDF-1.7\n1 0 obj\n"  # type: ignore[attr-defined]
    assert client_for(a.parent2).get(url).status_code == 404
    assert client_for(mworld.c.parent).get(url).status_code == 404


@pytest.mark.parametrize(
    ("upload", "error"),
    [
        (SimpleUploadedFile("virus.exe", b"MZ\x90\x00"), "is not accepted"),
        (SimpleUploadedFile("page.html", b"<script>"), "is not accepted"),
        (SimpleUploadedFile("fake.pdf", b"<html><script>alert(1)</script>"), "does not contain what its name says"),
        (SimpleUploadedFile("photo.png", b"GIF89a...."), "does not contain what its name says"),
        (SimpleUploadedFile("notes.txt", b"abc\x00def"), "does not look like a text file"),
    ],
)
def test_unsafe_or_mislabelled_files_are_refused(mworld: World, upload: Any, error: str) -> None:
    a = mworld.a
    with pytest.raises(ApplicationError, match=error):
        send(a.teacher, [f"user:{a.parent.pk}"], files=[upload])
    assert not Message.objects.exists() and not Attachment.objects.exists()


def test_too_large_files_are_refused_with_a_clear_message(mworld: World, client_for: Any, monkeypatch: Any) -> None:
    a = mworld.a
    monkeypatch.setattr(uploads, "MAX_BYTES", 10)
    response = client_for(a.teacher).post(
        reverse("messaging:compose"),
        {"subject": "x", "body": "y", "recipients": [f"user:{a.parent.pk}"], "attachments": [_pdf()]},
    )
    assert "sortie.pdf is too large" in response.content.decode()
    assert not Message.objects.exists()


def test_forwarding_keeps_the_attachments(mworld: World, client_for: Any) -> None:
    a = mworld.a
    message = send(a.teacher, [f"user:{a.head.pk}"], files=[_pdf()])
    forwarded = send(a.head, [f"user:{a.parent.pk}"], subject="Fwd", forward_id=message.pk)
    copy = Attachment.objects.get(message=forwarded)
    assert copy.file.name == Attachment.objects.get(message=message).file.name
    assert client_for(a.parent).get(reverse("messaging:attachment-download", args=[copy.pk])).status_code == 200
