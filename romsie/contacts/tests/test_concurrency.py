"""One person's imports of the same file at once (two tabs, a double click): no error, no duplicate.

Real requests from threads, each with its own connection, on PostgreSQL; skipped on SQLite.
"""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from romsie.contacts.models import Contact, ContactGroup
from romsie.core.testing.concurrency import committed_db, run_concurrently, skip_unless_postgresql

from .test_vcard import VCARD_30, VCARD_40

pytestmark = committed_db

COUNT = 8


def test_concurrent_imports_of_one_file_add_each_card_once(world, client_for):
    skip_unless_postgresql()
    url = reverse("contacts:contact-import")
    clients = [client_for(world.a.parent) for _ in range(COUNT)]

    def work(i: int):
        upload = SimpleUploadedFile("contacts.vcf", (VCARD_30 + VCARD_40).encode(), content_type="text/vcard")
        return clients[i].post(url, {"file": upload})

    results = run_concurrently(COUNT, work)
    errors = [r for r in results if isinstance(r, BaseException)]
    assert errors == [], f"no request may fail (500): {errors[:3]}"
    assert all(r.status_code == 302 for r in results)
    assert Contact.objects.filter(owner=world.a.parent).count() == 2
    assert ContactGroup.objects.filter(owner=world.a.parent).count() == 2
