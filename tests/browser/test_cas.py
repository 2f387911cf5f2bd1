"""A territory admin registers a CAS service on a phone; a student signs out through the CAS logout."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from romsie.cas.models import CasService
from romsie.core.testing.world import World

from .support import Journey


@pytest.mark.parametrize("viewport", ["phone"])
def test_a_territory_admin_registers_a_cas_service(journey: Journey, world: World, live_server: Any) -> None:
    page = journey.page
    journey.sign_in(world.territory_admin.username)
    journey.open("administration:territory-home")
    journey.follow(f"main a[href='{journey.route('cas:service-list', world.north.pk)}']")
    journey.follow(f"main a[href='{journey.route('cas:service-create', world.north.pk)}']")

    # A pattern that would match any host is refused, beside the field.
    page.fill("#id_name", "Catalogue du CDI")
    page.select_option("#id_match", "regex")
    page.fill("#id_pattern", ".*")
    journey.submit("main .form-actions button[type=submit]")
    expect(page.locator("main .field-invalid")).to_have_count(1)
    journey.check()
    assert not CasService.objects.exists()

    page.select_option("#id_match", "prefix")
    page.fill("#id_pattern", "https://cdi.example.test/")
    page.check("input[name=attributes][value=ENTPersonJointure]")
    page.check("input[name=attributes][value=ENTStructureUAI]")
    journey.submit("main .form-actions button[type=submit]")
    journey.assert_at("cas:service-list", world.north.pk)
    journey.check()
    expect(page.locator("main table")).to_contain_text("Catalogue du CDI")
    service = CasService.objects.get()
    assert service.attributes == ["ENTPersonJointure", "ENTStructureUAI"]


def test_a_student_signs_out_through_the_cas_logout(journey: Journey, world: World, live_server: Any) -> None:
    journey.sign_in(world.a.student.username)
    journey.open("cas:logout")
    journey.submit("main form button[type=submit]")
    journey.assert_at("identity:sign-in")
    journey.check()
