from django.urls import reverse

from romsie.news import demo
from romsie.news.models import NewsItem, StickyNote


def test_demo_content_is_seen_by_the_families_and_added_once(news, client_for):
    assert demo.populate(news.a.establishment) == 6
    assert demo.populate(news.b.establishment) == 5
    assert demo.populate(news.a.establishment) == 0
    assert NewsItem.objects.filter(establishment=news.a.establishment, requires_confirmation=True).count() == 1
    assert StickyNote.objects.filter(establishment=news.b.establishment).count() == 1
    page = client_for(news.a.parent).get(reverse("core:dashboard")).content.decode()
    assert "Sortie au musée" in page and "affaires de sport" in page
    shown = client_for(news.b.parent).get(reverse("news:item-list")).context["page_obj"].object_list
    assert [i.title for i in shown] == [
        "Exercice de mise en sûreté : à lire",
        "Photo de classe",
        "Fête de l'école",
    ]
