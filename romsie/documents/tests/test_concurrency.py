"""Two uploads at once cannot together overrun the quota (PostgreSQL: row locks)."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from romsie.core.errors import ApplicationError
from romsie.core.testing.concurrency import committed_db, run_concurrently, skip_unless_postgresql
from romsie.core.testing.factories import scope_of
from romsie.documents import services, spaces
from romsie.documents.models import Node, Space

PDF = b"%PDF-1.4\n" + b"x" * 591  # 600 bytes


@committed_db
def test_concurrent_uploads_never_overrun_the_quota(world):
    skip_unless_postgresql()
    teacher = world.a.teacher
    space = spaces.personal_space_for(scope_of(teacher))
    Space.objects.filter(pk=space.pk).update(quota_bytes=1000)
    root = space.root

    def work(index: int) -> str:
        upload = SimpleUploadedFile(f"file{index}.pdf", PDF)
        try:
            services.file_upload(scope=scope_of(teacher), folder=root, upload=upload)
        except ApplicationError as error:
            return str(error.extra.get("code"))
        return "stored"

    results = run_concurrently(4, work)
    assert sorted(map(str, results)) == ["quota", "quota", "quota", "stored"]
    assert Space.objects.get(pk=space.pk).used_bytes == 600
    assert Node.objects.filter(parent=root).count() == 1
