"""Territory admins saving one client at the same instant: one save wins, the others are shown it (PostgreSQL)."""

from __future__ import annotations

from typing import Any

from romsie.core.models import AuditEvent
from romsie.core.testing.concurrency import committed_db, run_concurrently, skip_unless_postgresql
from romsie.core.testing.world import World
from romsie.openid.models import ClientRegistration

from .support import REDIRECT_URI, register

pytestmark = committed_db

COUNT = 4


def test_simultaneous_edits_of_one_client_save_one_and_show_it_to_the_others(world: World, client_for: Any) -> None:
    skip_unless_postgresql()
    registered = register(world.territory_admin, world.north, scopes="openid profile establishment")
    url = f"/administration/territoire/applications/{registered.registration.pk}/modifier/"
    admins = [client_for(world.territory_admin) for _ in range(COUNT)]

    def save(index: int) -> Any:
        return admins[index].post(
            url,
            {
                "name": f"Manuels {index}",
                "redirect_uris": REDIRECT_URI,
                "scopes": ["openid", "profile"] if index % 2 else ["openid", "establishment"],
                "version": 0,
            },
        )

    results = run_concurrently(COUNT, save)

    errors = [result for result in results if isinstance(result, BaseException)]
    assert errors == [], f"no request may fail (500): {errors[:3]}"
    saved = [index for index, result in enumerate(results) if result.status_code == 302]
    assert len(saved) == 1, [result.status_code for result in results]
    winner = saved[0]
    registration = ClientRegistration.objects.select_related("application").get()
    assert registration.version == 1
    assert registration.application.name == f"Manuels {winner}"
    assert registration.scopes == (["openid", "profile"] if winner % 2 else ["openid", "establishment"])
    for index, result in enumerate(results):
        if index != winner:
            assert result.status_code == 200
            assert result.context["form"].conflict is not None
            assert f"Manuels {index}" in result.content.decode()  # what they typed is kept
    assert AuditEvent.objects.filter(action="openid.client_updated").count() == 1
