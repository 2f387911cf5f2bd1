"""Two heads edit one news item: the later save is refused, not silently overwriting the first's."""

from __future__ import annotations

from django.urls import reverse

from romsie.core.testing.editing import page_text, race_on_form
from romsie.core.testing.factories import person
from romsie.identity.models import Role
from romsie.news.models import NewsItem

from .helpers import make_item
from .test_writing import post_data


def test_the_second_heads_stale_save_is_refused_and_their_text_kept(news, client_for):
    item = make_item(news.a, title="Réunion", body="<p>Jeudi à 18 h.</p>")
    other_head = person(news.a.establishment, Role.STAFF, "head")
    url = reverse("news:item-update", args=[item.pk])
    refused = race_on_form(
        url,
        first=client_for(news.a.head),
        second=client_for(other_head),
        first_data=post_data(title="Réunion reportée", body="Reportée à vendredi."),
        second_data=post_data(title="Réunion maintenue", body="Texte tapé par la seconde personne."),
    )
    text = page_text(refused)
    assert "Texte tapé par la seconde personne." in text  # their typed text is still in the form
    assert 'value="Réunion maintenue"' in text
    assert "Reportée à vendredi." in text  # the first's version is shown
    item.refresh_from_db()
    assert (item.title, item.body, item.version) == ("Réunion reportée", "<p>Reportée à vendredi.</p>", 1)
    # The refused form now carries the current version: saving again, knowingly, is accepted.
    again = client_for(other_head).post(
        url, post_data(title="Réunion maintenue", version=refused.context["form"]["version"].value())
    )
    assert again.status_code == 302
    assert NewsItem.objects.get(pk=item.pk).title == "Réunion maintenue"


def test_a_save_of_a_news_item_deleted_meanwhile_is_refused(news, client_for):
    item = make_item(news.a)
    client = client_for(news.a.head)
    url = reverse("news:item-update", args=[item.pk])
    version = client.get(url).context["form"]["version"].value()
    NewsItem.objects.filter(pk=item.pk).update(title="Changé ailleurs", version=5)
    refused = client.post(url, post_data(title="Le mien", version=version))
    assert refused.status_code == 200
    assert "Changé ailleurs" in page_text(refused)
    assert NewsItem.objects.get(pk=item.pk).title == "Changé ailleurs"


def test_a_publication_date_in_year_one_is_a_form_error_not_a_crash(news, client_for):
    client = client_for(news.a.head)
    for typed in ("0001-01-01T00:00", "9999-12-31T23:59"):
        response = client.post(reverse("news:item-create"), post_data(published_at=typed))
        assert response.status_code == 200
        assert response.context["form"].has_error("published_at", "year_out_of_bounds")
        assert "Enter a date between the years 1900 and 2100." in page_text(response)
    response = client.post(reverse("news:item-create"), post_data(expires_at="0001-01-01T00:00"))
    assert response.context["form"].has_error("expires_at", "year_out_of_bounds")
    assert not NewsItem.objects.exists()


def test_a_sticky_notes_expiry_in_year_one_is_a_form_error(news, client_for):
    data = {"text": "Cahier", "school_class": news.a.school_class.pk, "expires_at": "0001-01-01T00:00"}
    response = client_for(news.a.teacher).post(reverse("news:note-create"), data)
    assert response.status_code == 200
    assert response.context["form"].has_error("expires_at", "year_out_of_bounds")
