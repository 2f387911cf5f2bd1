"""Owners leaving at once: a community always keeps one owner (row locks, on PostgreSQL).

These fire real requests from threads, each with its own connection; skipped on SQLite.
"""

from __future__ import annotations

from django.urls import reverse

from romsie.communities.models import Membership
from romsie.core.testing.concurrency import committed_db, run_concurrently, skip_unless_postgresql

from . import builders as b

pytestmark = committed_db


def test_owners_leaving_at_once_leave_exactly_one_owner(world, client_for):
    skip_unless_postgresql()
    b.enable(world)
    a = world.a
    found = b.community(a, members=False)
    owners = [a.teacher, a.head, a.people["school_life"], a.people["librarian"]]
    for person in owners[1:]:
        b.member(found, person, role=Membership.Role.OWNER)
    clients = [client_for(person) for person in owners]
    url = reverse("communities:community-leave", args=[found.pk])

    results = run_concurrently(len(owners), lambda i: clients[i].post(url))

    errors = [r for r in results if isinstance(r, BaseException)]
    assert errors == [], f"no request may fail (500): {errors[:3]}"
    assert Membership.objects.filter(community=found, role=Membership.Role.OWNER).count() == 1
