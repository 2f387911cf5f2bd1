"""The wiki: pages, links between pages, history and restore, simultaneous edits never lost."""

from __future__ import annotations

from django.urls import reverse

from romsie.communities.models import WikiPage
from romsie.core.testing.editing import page_text, race_on_form
from romsie.core.testing.world import World

from . import builders as b


def test_links_between_pages_lead_to_the_page_or_to_creating_it(communities: World, client_for) -> None:
    w = communities
    found = b.community(w.a)
    b.page(found, "Décors", author=w.a.teacher)
    page = b.page(found, "Accueil", body="<p>Voir [[Décors]] et [[Costumes & accessoires]].</p>", author=w.a.teacher)
    html = client_for(w.a.student).get(reverse("communities:wiki-page", args=[found.pk, page.slug])).content.decode()
    assert f'href="{reverse("communities:wiki-page", args=[found.pk, "decors"])}"' in html
    assert 'class="wiki-missing"' in html and "titre=Costumes" in html
    assert "Costumes &amp; accessoires</a>" in html


def test_every_save_is_a_revision_and_restoring_one_adds_a_revision(communities: World, client_for) -> None:
    w = communities
    found = b.community(w.a)
    client = client_for(w.a.teacher)
    client.post(reverse("communities:wiki-create", args=[found.pk]), {"title": "Planning", "body": "<p>Un</p>"})
    page = WikiPage.objects.get(community=found, slug="planning")
    edit = reverse("communities:wiki-edit", args=[found.pk, page.slug])
    client.post(edit, {"body": "<p>Deux</p>", "version": page.version})
    page.refresh_from_db()
    assert page.body == "<p>Deux</p>"
    client.post(reverse("communities:wiki-restore", args=[found.pk, page.slug, 1]))
    page.refresh_from_db()
    assert page.body == "<p>Un</p>"
    assert list(page.revisions.values_list("number", "restored_from")) == [(3, 1), (2, None), (1, None)]
    old = client.get(reverse("communities:wiki-revision", args=[found.pk, page.slug, 2]))
    assert "Deux" in old.content.decode()


def test_simultaneous_edits_show_the_others_version_and_keep_what_one_typed(communities: World, client_for) -> None:
    w = communities
    found = b.community(w.a)
    page = b.page(found, "Distribution", author=w.a.teacher)
    refused = race_on_form(
        reverse("communities:wiki-edit", args=[found.pk, page.slug]),
        first=client_for(w.a.teacher),
        second=client_for(w.a.partner),
        first_data={"body": "<p>Roméo : Léo</p>"},
        second_data={"body": "<p>Juliette : Inès</p>"},
    )
    text = page_text(refused)
    assert "Roméo : Léo" in text and "Juliette : Inès" in text
    page.refresh_from_db()
    assert page.body == "<p>Roméo : Léo</p>"


def test_a_page_title_already_taken_is_refused(communities: World, client_for) -> None:
    w = communities
    found = b.community(w.a)
    b.page(found, "Décors")
    response = client_for(w.a.teacher).post(
        reverse("communities:wiki-create", args=[found.pk]), {"title": "décors", "body": ""}
    )
    assert response.status_code == 200 and "already exists" in page_text(response)
    assert WikiPage.objects.filter(community=found).count() == 1
