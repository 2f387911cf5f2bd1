"""Two people change the messaging settings at once: the later save is refused, never silently overwriting.

Both load the establishment's (or the territory's) settings page, the first saves, the second's save
is refused with the other's version shown, the second's typed values stay in the page, and the
database holds the first's (``romsie/core/concurrency.py``). When no policy was ever saved, the
page creates it: that form has no version, and a second creation is refused the same way.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from romsie.core.testing import factories as f
from romsie.core.testing.editing import REFUSAL, page_text, race_on_form
from romsie.core.testing.world import World
from romsie.messaging.models import Policy

FIRST = {"mode": "staff_only", "parent_hourly_recipients": "3", "student_hourly_recipients": "11"}
SECOND = {"mode": "suspended", "parent_hourly_recipients": "9", "student_hourly_recipients": ""}


def _second_territory_admin(mworld: World) -> Any:
    admin = f.UserFactory(username="territory.admin2", last_name="Territoire-Deux")
    f.TerritoryAdminFactory(territory=mworld.north, user=admin)
    return admin


def _case(mworld: World, page: str) -> tuple[str, Any, Any, dict[str, Any], dict[str, Any]]:
    """Return (url, first person, second person, owner of the policy, extra posted data)."""
    if page == "establishment":
        a = mworld.a
        return reverse("messaging:policy"), a.head, a.people["digital_lead"], {"establishment": a.establishment}, {}
    owner = {"territory": mworld.north}
    return (
        reverse("messaging:territory-policy"),
        mworld.territory_admin,
        _second_territory_admin(mworld),
        owner,
        {"territory": mworld.north.pk},
    )


def _assert_second_kept_and_first_shown(page: str) -> None:
    assert REFUSAL in page
    # The second's typed values are still in the form...
    assert 'name="parent_hourly_recipients" value="9"' in page
    assert re.search(r'<input type="radio" name="mode" value="suspended"[^>]* checked>', page)
    # ...below the first's version, as it is saved now.
    assert "<dd>Only staff and teachers may send</dd>" in page and "<dd>3</dd>" in page and "<dd>11</dd>" in page


@pytest.mark.parametrize("page", ["establishment", "territory"])
def test_a_stale_policy_edit_is_refused_and_the_typed_values_kept(mworld: World, client_for: Any, page: str) -> None:
    url, first, second, owner, extra = _case(mworld, page)
    Policy.objects.create(**owner, mode=Policy.Mode.OPEN)
    refused = race_on_form(
        url,
        first=client_for(first),
        second=client_for(second),
        first_data={**extra, **FIRST},
        second_data={**extra, **SECOND},
    )
    _assert_second_kept_and_first_shown(page_text(refused))
    saved = Policy.objects.get(**owner)
    assert (saved.mode, saved.parent_hourly_recipients, saved.student_hourly_recipients, saved.version) == (
        "staff_only",
        3,
        11,
        1,
    )


@pytest.mark.parametrize("page", ["establishment", "territory"])
def test_a_second_first_policy_is_refused_and_saving_again_replaces_it_knowingly(
    mworld: World, client_for: Any, page: str
) -> None:
    """No policy saved yet: both forms create (no version); the second is refused, not merged."""
    url, first, second, owner, extra = _case(mworld, page)
    first_client, second_client = client_for(first), client_for(second)
    for client in (first_client, second_client):
        assert "version" not in client.get(url).context["form"].fields
    assert first_client.post(url, {**extra, **FIRST}).status_code == 302

    refused = second_client.post(url, {**extra, **SECOND})

    assert refused.status_code == 200
    _assert_second_kept_and_first_shown(page_text(refused))
    saved = Policy.objects.get(**owner)
    assert (saved.mode, saved.parent_hourly_recipients, saved.version) == ("staff_only", 3, 0)
    # The refused page now carries the first's version: saving again knowingly replaces it.
    version = refused.context["form"]["version"].value()
    assert second_client.post(url, {**extra, **SECOND, "version": version}).status_code == 302
    saved.refresh_from_db()
    assert (saved.mode, saved.parent_hourly_recipients, saved.version) == ("suspended", 9, 1)
