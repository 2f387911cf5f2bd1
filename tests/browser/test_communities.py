"""A partner joins a community from their invitation and posts on its wall; a teacher edits a wiki page."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import expect

from romsie.communities.models import Membership, WallPost, WikiPage
from romsie.communities.tests import builders as b
from romsie.core.testing.world import World

from .support import Journey, editor


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_partner_joins_a_community_and_posts_and_a_teacher_edits_the_wiki(
    journey: Journey, world: World, another_journey: Callable[[str], Journey], viewport: str
) -> None:
    a = world.a
    b.enable(world)
    workshop = b.community(a, members=False)
    b.member(workshop, a.student)
    b.post(workshop, a.teacher, body="<p>Première séance jeudi à 13 h.</p>")
    b.member(workshop, a.partner, invited=True)
    page_row = b.page(workshop, "Distribution", body="<p>Roméo : à choisir.</p>", author=a.teacher)
    page = journey.page

    # The partner finds the invitation on their communities page and joins.
    journey.sign_in(a.partner.username)
    journey.open_menu()
    journey.follow(f"nav.services-nav a[href='{journey.route('communities:community-list')}']")
    expect(page.locator("main")).to_contain_text("Atelier théâtre")
    journey.submit("main form[action$='/accepter/'] button[type=submit]")
    journey.assert_at("communities:community-detail", workshop.pk)
    journey.check()
    expect(page.locator("main")).to_contain_text("Première séance jeudi")
    assert Membership.objects.get(community=workshop, user=a.partner).status == Membership.Status.ACTIVE

    # They write on the wall with the editor.
    page.fill(editor("id_body"), "Bonjour à tous, la compagnie arrive jeudi avec les costumes.")
    journey.submit("main form.form button[type=submit]")
    journey.assert_at("communities:community-detail", workshop.pk)
    journey.check()
    expect(page.locator("ol.wall li").first).to_contain_text("la compagnie arrive jeudi")
    assert WallPost.objects.filter(community=workshop, author=a.partner).exists()

    # The teacher edits a wiki page of the community.
    teacher = another_journey(viewport)
    teacher.sign_in(a.teacher.username)
    teacher.open("communities:wiki-page", workshop.pk, page_row.slug)
    teacher.follow(f"main a[href='{teacher.route('communities:wiki-edit', workshop.pk, page_row.slug)}']")
    teacher.page.fill(editor("id_body"), "Roméo : Léo. Juliette : Inès.")
    teacher.submit("main form.form button[type=submit]")
    teacher.assert_at("communities:wiki-page", workshop.pk, page_row.slug)
    teacher.check()
    expect(teacher.page.locator("main .wiki-body")).to_contain_text("Juliette : Inès")
    assert "Inès" in WikiPage.objects.get(pk=page_row.pk).body
