"""Where does one page's time go? Queries, SQL time, template rendering and Python, for one person.

Usage::

    .venv/bin/python benchmarks/profile_page.py /emploi-du-temps/                  # default demo
    .venv/bin/python benchmarks/profile_page.py --size territory --role parent /
    .venv/bin/python benchmarks/profile_page.py --explain /annuaire/               # EXPLAIN ANALYZE each query
    .venv/bin/python benchmarks/profile_page.py --profile 25 /cahier-de-textes/a-faire/
    .venv/bin/python benchmarks/profile_page.py --cold --role parent /                # Monday's first visit

It runs in-process (``django.test.Client``) on the database ``benchmarks/http_pages.py``
built (``romsie_bench_<size>``, with the production settings and Redis), so the numbers are
CPU costs of the application alone: no HTTP, no gunicorn. Each page is requested a few times
to warm the caches, then ``--repeat`` times measured: wall and CPU time per request, the
number of queries and their time, and with ``--profile N`` the N most expensive functions.
``--cold`` forgets the person's cached parts (dashboard widgets, page fragments) before each
request, as on the first visit of the day; the shared version stamps stay warm.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--size", choices=("default", "territory"), default="default")
    parser.add_argument("--role", choices=("student", "parent", "teacher"), default="student")
    parser.add_argument("--person", type=int, default=0, help="which person of the role (0 = first)")
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--profile", type=int, default=0, help="print the N most expensive functions")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE every query once")
    parser.add_argument("--queries", action="store_true", help="print every query once")
    parser.add_argument("--cold", action="store_true", help="forget the cached parts before each request")
    args = parser.parse_args()

    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY="benchmark-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        ALLOWED_HOSTS="testserver",
        SECURE_SSL_REDIRECT="false",
        DATABASE_URL=os.environ.get("DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/romsie_bench_{args.size}"),
        REDIS_URL=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/14"),
        LOG_LEVEL="WARNING",
        STATIC_ROOT=str(BASE_DIR / "var" / "bench-static"),
    )
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from redis import Redis

    redis = Redis.from_url(os.environ["REDIS_URL"])

    def forget_fragments() -> None:
        if args.cold:
            keys = list(redis.scan_iter(match="*romsie:fragment:*", count=1000))
            if keys:
                redis.delete(*keys)

    from romsie.identity.models import RoleAssignment
    from romsie.identity.scope import SESSION_ESTABLISHMENT

    assignment = (
        RoleAssignment.objects.filter(role=args.role, is_active=True, user__charter_accepted_at__isnull=False)
        .select_related("user")
        .order_by("establishment_id", "user_id")[args.person]
    )
    client = Client(HTTP_HOST="testserver", secure=True)
    client.force_login(assignment.user)
    session = client.session  # sign in where the role is (a person may have roles in several places)
    session[SESSION_ESTABLISHMENT] = assignment.establishment_id
    session.save()
    print(f"{args.role} {assignment.user.username} of establishment {assignment.establishment_id}")
    for path in args.paths:
        for _ in range(3):
            response = client.get(path, secure=True)
        if response.status_code != 200:
            print(f"{path}: {response.status_code}")
            continue
        forget_fragments()
        with CaptureQueriesContext(connection) as captured:
            client.get(path, secure=True)
        queries = list(captured.captured_queries)
        sql_ms = sum(float(query["time"]) for query in queries) * 1000
        wall = cpu = 0.0
        profiler = cProfile.Profile() if args.profile else None
        for _ in range(args.repeat):
            forget_fragments()
            started, started_cpu = time.perf_counter(), time.process_time()
            if profiler:
                profiler.enable()
            client.get(path, secure=True)
            if profiler:
                profiler.disable()
            wall += time.perf_counter() - started
            cpu += time.process_time() - started_cpu
        wall = wall * 1000 / args.repeat
        cpu = cpu * 1000 / args.repeat
        print(
            f"{path}: {wall:.2f} ms wall, {cpu:.2f} ms CPU per request; "
            f"{len(queries)} queries, {sql_ms:.2f} ms SQL; {len(response.content):,} bytes"
        )
        if args.queries or args.explain:
            for query in queries:
                print(f"  [{float(query['time']) * 1000:.2f} ms] {query['sql'][:400]}")
                if args.explain and query["sql"].lstrip().upper().startswith("SELECT"):
                    with connection.cursor() as cursor:
                        cursor.execute("EXPLAIN ANALYZE " + query["sql"])
                        for (line,) in cursor.fetchall():
                            print(f"      {line}")
        if profiler:
            stats = pstats.Stats(profiler)
            if os.environ.get("PROFILE_DUMP"):
                stats.dump_stats(os.environ["PROFILE_DUMP"])
            stats.sort_stats(os.environ.get("PROFILE_SORT", "cumulative")).print_stats(args.profile)
    return 0


if __name__ == "__main__":
    sys.exit(main())
