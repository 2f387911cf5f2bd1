"""A student allows a textbook platform on the consent screen, is sent back to it, then disconnects it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from romsie.core.testing.world import World
from romsie.openid.models import ClientRegistration, Consent
from romsie.openid.tests.support import REDIRECT_URI, authorize_url, pkce_pair, register

from .support import Guard, Journey


@pytest.mark.parametrize("viewport", ["phone"])
def test_a_student_allows_a_client_and_disconnects_it(
    journey: Journey, world: World, guard: Guard, viewport: str
) -> None:
    registered = register(world.territory_admin, world.north, name="Manuels numériques")
    page = journey.page
    journey.sign_in(world.a.student.username)
    _verifier, challenge = pkce_pair()
    client_id = registered.registration.application.client_id
    page.goto(journey.base_url + authorize_url(client_id, challenge, scope="openid profile establishment"))
    journey.check()  # the consent screen: axe, reflow at 360 px, CSP
    expect(page.locator("main h1")).to_contain_text("Manuels numériques")

    # Allow: the form's redirect to the client's origin is allowed by the page's form-action. The
    # made-up host does not resolve: the client's answer is played here, so that the browser
    # lands on a page (an error page still loading would interrupt the next navigation).
    client_site = REDIRECT_URI.rsplit("/", 1)[0] + "/**"
    landing = "<!doctype html><title>Manuels</title><link rel=icon href='data:,'>"  # no favicon request
    page.route(client_site, lambda route: route.fulfill(status=200, content_type="text/html", body=landing))
    with page.expect_request(lambda request: request.url.startswith(REDIRECT_URI)) as sent:
        page.click("main button[name=allow]")
    page.wait_for_url(REDIRECT_URI + "*")
    page.unroute(client_site)
    assert "code=" in sent.value.url and "state=state-123" in sent.value.url
    client_origin = REDIRECT_URI.rsplit("/", 1)[0]
    guard.foreign_requests[:] = [url for url in guard.foreign_requests if not url.startswith(client_origin)]
    assert Consent.objects.filter(user=world.a.student).exists()

    journey.open("openid:connected-apps")
    expect(page.locator("main")).to_contain_text("Manuels numériques")
    journey.submit("main form button[type=submit]")
    journey.assert_at("openid:connected-apps")
    journey.check()
    assert not Consent.objects.filter(user=world.a.student).exists()


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_a_territory_admin_edits_a_client_from_the_list(journey: Journey, world: World, viewport: str) -> None:
    registered = register(world.territory_admin, world.north, name="Manuels")
    page = journey.page
    journey.sign_in(world.territory_admin.username)
    journey.open("openid:client-list")
    journey.follow(f"main a[href='{journey.route('openid:client-edit', registered.registration.pk)}']")

    # A plain-http address is refused beside the field; what was typed stays.
    page.fill("#id_name", "Manuels numériques")
    page.fill("#id_redirect_uris", f"{REDIRECT_URI}\nhttp://manuels.example.test/autre")
    journey.submit("main .form-actions button[type=submit]")
    expect(page.locator("main .field-invalid")).to_have_count(1)
    expect(page.locator("#id_name")).to_have_value("Manuels numériques")
    journey.check()

    page.fill("#id_redirect_uris", f"{REDIRECT_URI}\nhttps://manuels.example.test/autre")
    page.uncheck("input[name=scopes][value=email]")
    journey.submit("main .form-actions button[type=submit]")
    journey.assert_at("openid:client-list")
    journey.check()
    expect(page.locator("main table")).to_contain_text("Manuels numériques")
    registration = ClientRegistration.objects.select_related("application").get()
    assert registration.scopes == ["openid", "profile", "establishment"]
    assert registration.application.redirect_uris.split() == [REDIRECT_URI, "https://manuels.example.test/autre"]
