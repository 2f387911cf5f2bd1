"""A ticket presented twice at the same instant validates once (PostgreSQL)."""

from __future__ import annotations

from romsie.core.testing.concurrency import committed_db, run_concurrently, skip_unless_postgresql
from romsie.core.testing.factories import scope_of
from romsie.core.testing.world import World

from .. import services
from .builders import SERVICE_URL, register


@committed_db
def test_a_ticket_raced_by_four_validations_succeeds_once(world: World) -> None:
    skip_unless_postgresql()
    service = register(world.north)
    student = world.a.student
    ticket = services.ticket_issue(
        scope=scope_of(student),
        user=student,
        service=service,
        service_url=SERVICE_URL,
        session_key="",
        from_new_login=False,
    ).ticket

    results = run_concurrently(4, lambda _index: services.ticket_validate(ticket=ticket, service_url=SERVICE_URL))

    outcomes = [result for result in results if isinstance(result, services.Validation)]
    assert len(outcomes) == 4, results
    assert sorted(outcome.ok for outcome in outcomes) == [False, False, False, True]
