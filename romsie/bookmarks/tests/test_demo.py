from django.urls import reverse

from romsie.bookmarks import demo
from romsie.bookmarks.models import Bookmark, FamilyLink, PushedBookmark


def test_demo_links_are_seen_by_the_families_and_written_once(world, client_for):
    ids = [world.a.establishment.pk, world.b.establishment.pk]
    assert demo.populate(ids) > 0
    assert demo.populate(ids) == 0
    assert FamilyLink.objects.filter(territory=world.north).count() == 3
    assert PushedBookmark.objects.filter(establishment=world.a.establishment).count() == 2
    assert Bookmark.objects.filter(owner=world.a.parent).count() == 2
    page = client_for(world.a.parent).get(reverse("core:dashboard")).content.decode()
    assert "Paiement de la cantine" in page and "Bourses de collège" in page and "Catalogue du CDI" in page
    school = client_for(world.b.parent).get(reverse("core:dashboard")).content.decode()
    assert "Paiement de la cantine" in school and "Bourses de collège" not in school
