"""Two administrators save the social features' table at the same moment: one wins, the other is told.

Real concurrent service calls, each with its own connection, on PostgreSQL; skipped on SQLite.
"""

from __future__ import annotations

from romsie.core.concurrency import StaleEdit
from romsie.core.testing.concurrency import committed_db, run_concurrently, skip_unless_postgresql
from romsie.core.testing.factories import scope_of
from romsie.core.testing.world import World
from romsie.schooling import services
from romsie.schooling.models import Level, SocialSettings, SocialSwitch

pytestmark = committed_db


def _race(world: World, version: int | None) -> list[object]:
    scopes = [scope_of(world.a.head), scope_of(world.a.digital_lead)]
    levels = [Level.objects.get(code="6E").pk, Level.objects.get(code="5E").pk]

    def work(i: int) -> object:
        return services.social_switches_set(scope=scopes[i], enabled={(levels[i], "forums")}, version=version)

    return run_concurrently(2, work)


def _assert_one_won(world: World, results: list[object]) -> None:
    assert sum(isinstance(r, SocialSettings) for r in results) == 1, results
    assert sum(isinstance(r, StaleEdit) for r in results) == 1, results
    switches = SocialSwitch.objects.filter(establishment=world.a.establishment)
    assert switches.count() == 7 * 4  # one table, never two mixed
    assert switches.filter(enabled=True).count() == 1


def test_two_first_saves_at_once_keep_one_table(world: World) -> None:
    skip_unless_postgresql()
    _assert_one_won(world, _race(world, None))


def test_two_saves_of_the_same_version_at_once_keep_one_table(world: World) -> None:
    skip_unless_postgresql()
    services.social_switches_set(scope=scope_of(world.a.head), enabled=set(), version=None)
    version = SocialSettings.objects.get(establishment=world.a.establishment).version
    _assert_one_won(world, _race(world, version))
