"""A worker killed in the middle of a write: run as a program by ``test_orphans``, never imported by Django.

Stores a file and saves its row inside ``atomic_with_files`` (the attachment of a message, in a
SQLite database of its own), prints the stored name, then waits to be killed (SIGKILL) before
its transaction commits: the file stays on disk, no row names it.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
os.environ.pop("DATABASE_URL", None)  # an in-memory SQLite database of its own

import django

django.setup()

from django.core.files.base import ContentFile  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

from romsie.core.uploads import atomic_with_files, store_upload  # noqa: E402
from romsie.messaging.models import Attachment  # noqa: E402

media = sys.argv[1]
storage = {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": media}}
with override_settings(STORAGES={"default": storage}, MEDIA_ROOT=media):
    with connection.schema_editor() as editor:
        editor.create_model(Attachment)
    connection.disable_constraint_checking()  # the message and establishment tables are not created here
    with atomic_with_files():
        attachment = Attachment(
            establishment_id=1, message_id=1, name="notes.txt", content_type="text/plain", size_bytes=7
        )
        store_upload(attachment, ContentFile(b"bonjour", name="notes.txt"))
        attachment.save()
        print(attachment.file.name, flush=True)
        time.sleep(120)
print("committed", flush=True)
