"""Benchmark the inbox's first page with 100 and 10,000 messages, in a fresh SQLite database.

Run: ``.venv/bin/python benchmarks/messaging.py``. Fills two parents' mailboxes (100 and
10,000 messages, bulk inserts), then requests each inbox's first page many times through
the whole middleware stack and reports the time per page, the queries, and the ratio of the
10,000-message case to the 100-message case measured in the same run (1.0 means the mailbox
size does not matter). Also times a send to 1,500 guardians. ``BENCH_SHOW_QUERIES=1`` prints the
queries of each first page. Not part of the test suite.
"""

from __future__ import annotations

import datetime
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROUNDS, REQUESTS = 5, 100
SIZES = (100, 10_000)


def main() -> None:
    var = tempfile.mkdtemp(prefix="romsie-bench-")
    os.environ["ROMSIE_VAR_DIR"] = var
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    for name in ("DATABASE_URL", "REDIS_URL"):
        os.environ.pop(name, None)
    os.environ["DEBUG"] = "false"
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from romsie.core.testing import factories as f
    from romsie.core.testing.world import build_world
    from romsie.core.text import fold
    from romsie.identity.models import Guardianship, Role, RoleAssignment, User
    from romsie.messaging import services
    from romsie.messaging.models import Delivery, Message
    from romsie.messaging.tests.helpers import enable_messaging, scope_of
    from romsie.schooling.models import Enrollment

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        world = build_world()
    enable_messaging(world)
    est = world.a.establishment
    owners = {100: world.a.parent, 10_000: world.a.parent2}
    start = timezone.now() - datetime.timedelta(days=60)
    for size, owner in owners.items():
        messages = Message.objects.bulk_create(
            Message(
                establishment=est,
                sender=world.a.teacher,
                subject=f"Message {n}",
                body=f"<p>Texte {n}</p>",
                search_text=f"message {n}",
                sent_at=start + datetime.timedelta(minutes=n),
                is_draft=False,
                recipient_count=1,
            )
            for n in range(size)
        )
        Delivery.objects.bulk_create(
            Delivery(
                establishment=est,
                message=m,
                recipient=owner,
                sent_at=m.sent_at,
                read_at=None if n >= size - 20 else m.sent_at,
            )
            for n, m in enumerate(messages)
        )

    from django.db.models import Count

    from romsie.messaging import selectors

    owner_scope = scope_of(owners[10_000])
    page_query = (
        Delivery.objects.filter(recipient=owners[10_000], establishment=est, folder="inbox")
        .select_related("message", "message__sender")
        .order_by("-sent_at", "-id")[:26]
    )
    print("plan of the page query:", page_query.explain())
    print("unread:", selectors.mailbox_summary(owner_scope).unread)
    unread_query = (
        Delivery.objects.filter(recipient=owners[10_000], establishment=est, read_at__isnull=True)
        .values_list("folder", "personal_folder_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    print("plan of the unread count:", unread_query.explain())

    clients = {}
    for size, owner in owners.items():
        client = Client()
        client.force_login(owner)
        clients[size] = client
    url = reverse("messaging:inbox")
    queries = {}
    for size, client in clients.items():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        queries[size] = len(captured)
        if os.environ.get("BENCH_SHOW_QUERIES"):
            for q in captured.captured_queries:
                print(size, q["time"], q["sql"][:200])
        for _ in range(20):
            client.get(url)
    timings: dict[int, list[float]] = {size: [] for size in SIZES}
    ratios = []
    for _ in range(ROUNDS):
        for size in SIZES:
            client = clients[size]
            began = time.perf_counter()
            for _ in range(REQUESTS):
                client.get(url)
            timings[size].append((time.perf_counter() - began) / REQUESTS)
        ratios.append(timings[10_000][-1] / timings[100][-1])

    # A send to the guardians of 1,500 students.
    school_class = f.SchoolClassFactory(establishment=est, name="Tous", code="TOUS")
    students = [User(username=f"b.s.{n}", last_name=f"S{n}", search_name=fold(f"s{n}")) for n in range(1500)]
    parents = [User(username=f"b.p.{n}", last_name=f"P{n}", search_name=fold(f"p{n}")) for n in range(1500)]
    User.objects.bulk_create(students + parents)
    RoleAssignment.objects.bulk_create(
        [RoleAssignment(establishment=est, user=s, role=Role.STUDENT) for s in students]
        + [RoleAssignment(establishment=est, user=p, role=Role.PARENT) for p in parents]
    )
    Enrollment.objects.bulk_create(
        Enrollment(establishment=est, school_class=school_class, student=s) for s in students
    )
    Guardianship.objects.bulk_create(
        Guardianship(establishment=est, guardian=p, student=s) for s, p in zip(students, parents, strict=True)
    )
    scope = scope_of(world.a.teacher)
    with CaptureQueriesContext(connection) as captured:
        began = time.perf_counter()
        message = services.message_save(
            scope=scope, subject="Sortie", body="Bonjour", tokens=[f"class-guardians:{school_class.pk}"], send=True
        )
        send_seconds = time.perf_counter() - began

    for size in SIZES:
        median = statistics.median(timings[size])
        print(f"inbox first page, {size:>6} messages: {median * 1000:6.2f} ms, {queries[size]} queries")
    print(f"ratio 10,000 / 100 messages (median of {ROUNDS} rounds of {REQUESTS}): {statistics.median(ratios):.2f}")
    print(
        f"send to {message.recipient_count} guardians: {send_seconds * 1000:.0f} ms, {len(captured)} queries "
        "(notifications are written after commit, by a task)"
    )


if __name__ == "__main__":
    main()
