"""Bookmarks: one's own, those the establishment pushes, the territory's family-service links."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from romsie.bookmarks.models import Bookmark, FamilyLink, PushedBookmark
from romsie.core import versions
from romsie.schooling.models import Level

from .helpers import make_bookmark, make_family_link, make_pushed


def dashboard(client) -> str:
    response = client.get(reverse("core:dashboard"))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://example.org/", "file:///etc/passwd", "pas une adresse"])
def test_only_web_addresses_are_bookmarked(world, client_for, url):
    response = client_for(world.a.parent).post(reverse("bookmarks:bookmark-create"), {"title": "X", "url": url})
    assert response.status_code == 200
    assert not Bookmark.objects.exists()


def test_a_bookmark_goes_to_the_end_of_its_folder_and_moves_up(world, client_for):
    client = client_for(world.a.student)
    for title in ("Un", "Deux"):
        client.post(
            reverse("bookmarks:bookmark-create"), {"title": title, "url": "https://example.org/", "folder": "Maths"}
        )
    deux = Bookmark.objects.get(title="Deux")
    client.post(reverse("bookmarks:bookmark-move", args=[deux.pk]), {"direction": "up"})
    assert list(Bookmark.objects.order_by("position").values_list("title", flat=True)) == ["Deux", "Un"]


def test_pushed_bookmark_reaches_its_audience_only(world, client_for):
    head = client_for(world.a.head)
    response = head.post(
        reverse("bookmarks:pushed-create"),
        {
            "title": "Manuel numérique",
            "url": "https://manuel.example.org/",
            "position": 0,
            "audience_roles": ["students"],
            "audience_groups": [f"class:{world.a.school_class.pk}"],
        },
    )
    assert response.status_code == 302
    pushed = PushedBookmark.objects.get()
    assert pushed.for_students and not pushed.for_parents and pushed.is_narrowed
    assert "Manuel numérique" in dashboard(client_for(world.a.student))
    assert "Manuel numérique" not in dashboard(client_for(world.a.student2))  # the other class
    assert "Manuel numérique" not in dashboard(client_for(world.a.parent))
    assert "Manuel numérique" not in dashboard(client_for(world.c.student))


def test_a_class_of_another_establishment_cannot_be_chosen(world, client_for):
    response = client_for(world.a.head).post(
        reverse("bookmarks:pushed-create"),
        {
            "title": "X",
            "url": "https://example.org/",
            "position": 0,
            "audience_groups": [f"class:{world.c.school_class.pk}"],
        },
    )
    assert response.status_code == 200 and not PushedBookmark.objects.exists()


def test_family_links_reach_the_families_of_their_establishments_and_levels(world, client_for):
    sixth = world.a.school_class.level
    cm2 = Level.objects.get(code="CM2")
    everywhere = make_family_link(world.north, title="Paiement de la cantine")
    make_family_link(world.south, title="Transport du Sud")
    make_family_link(world.north, title="Écoles seulement", reach=FamilyLink.Reach.PRIMARY)
    make_family_link(world.north, title="Collèges seulement", reach=FamilyLink.Reach.LOWER_SECONDARY)
    chosen = make_family_link(world.north, title="Choisi", reach=FamilyLink.Reach.CHOSEN)
    chosen.establishments.set([world.a.establishment])
    make_family_link(world.north, title="Bourses de 6e").levels.set([sixth])
    make_family_link(world.north, title="Aide CM2").levels.set([cm2])
    make_family_link(world.north, title="Pass élèves", for_guardians=False, for_students=True)

    parent = dashboard(client_for(world.a.parent))
    for title in ("Paiement de la cantine", "Collèges seulement", "Choisi", "Bourses de 6e"):
        assert title in parent
    for title in ("Transport du Sud", "Écoles seulement", "Aide CM2", "Pass élèves"):
        assert title not in parent
    student = dashboard(client_for(world.a.student))
    assert "Pass élèves" in student and "Paiement de la cantine" not in student
    teacher = client_for(world.a.teacher).get(reverse("bookmarks:bookmark-list")).content.decode()
    assert "Paiement de la cantine" not in teacher  # for families only
    school = dashboard(client_for(world.b.parent))
    assert "Écoles seulement" in school and "Collèges seulement" not in school and "Choisi" not in school
    assert everywhere.title in school


def test_territory_admin_adds_a_link_shown_at_once(world, client_for, django_capture_on_commit_callbacks):
    parent = client_for(world.a.parent)
    assert "Transport scolaire" not in dashboard(parent)  # the widget is now cached
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world.territory_admin).post(
            reverse("bookmarks:family-link-create"),
            {
                "territory": world.north.pk,
                "title": "Transport scolaire",
                "url": "transport.example.org",
                "category": "transport",
                "reach": "all",
                "for_guardians": "on",
                "position": 0,
            },
        )
    assert response.status_code == 302
    assert FamilyLink.objects.get().url == "https://transport.example.org"
    assert "Transport scolaire" in dashboard(parent)


def test_territory_admin_cannot_target_another_territory(world, client_for):
    response = client_for(world.territory_admin).post(
        reverse("bookmarks:family-link-create"),
        {
            "territory": world.south.pk,
            "title": "X",
            "url": "https://x.example.org",
            "category": "other",
            "reach": "chosen",
            "establishments": [world.c.establishment.pk],
            "for_guardians": "on",
            "position": 0,
        },
    )
    assert response.status_code == 200 and not FamilyLink.objects.exists()


def test_own_bookmark_shows_at_once_in_the_widget(world, client_for, django_capture_on_commit_callbacks):
    client = client_for(world.a.teacher)
    assert "Mon dictionnaire" not in dashboard(client)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("bookmarks:bookmark-create"), {"title": "Mon dictionnaire", "url": "https://dico.example.org"}
        )
    assert "Mon dictionnaire" in dashboard(client)
    bookmark = Bookmark.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("bookmarks:bookmark-delete", args=[bookmark.pk]))
    assert "Mon dictionnaire" not in dashboard(client)


def bookmarks_queries(captured) -> int:
    return sum('"bookmarks_' in q["sql"] for q in captured.captured_queries)


@pytest.mark.parametrize("rows", [1, 50])
def test_links_widget_costs_the_same_with_1_and_50_links(world, client_for, rows):
    for i in range(rows):
        make_bookmark(world.a.parent, title=f"Lien {i}")
        make_pushed(world.a.establishment, title=f"Diffusé {i}")
        make_family_link(world.north, title=f"Service {i}")
    client = client_for(world.a.parent)
    with CaptureQueriesContext(connection) as cold:
        assert "Service 0" in dashboard(client)
    assert bookmarks_queries(cold) == 3  # family links, pushed, own
    with CaptureQueriesContext(connection) as warm:
        dashboard(client)
    assert bookmarks_queries(warm) == 0


@pytest.mark.parametrize("rows", [1, 50])
def test_bookmark_page_costs_the_same_with_1_and_50(world, client_for, django_assert_num_queries, rows):
    for i in range(rows):
        make_bookmark(world.a.parent, title=f"Lien {i}", folder="Dossier" if i % 2 else "")
        make_pushed(world.a.establishment, title=f"Diffusé {i}")
        make_family_link(world.north, title=f"Service {i}")
    client = client_for(world.a.parent)
    client.get(reverse("bookmarks:bookmark-list"))
    versions.bump(versions.Kind.BOOKMARKS, world.a.parent.pk)
    with django_assert_num_queries(5):  # session, user, own, family links, pushed
        assert client.get(reverse("bookmarks:bookmark-list")).status_code == 200
    with django_assert_num_queries(2):  # session, user: the list comes from the cache
        page = client.get(reverse("bookmarks:bookmark-list")).content.decode()
    assert page.count('class="bookmark-title"') == rows


def test_the_bookmark_page_shows_a_change_at_once(world, client_for, django_capture_on_commit_callbacks):
    client = client_for(world.a.parent)
    url = reverse("bookmarks:bookmark-list")
    assert "Nouveau lien" not in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("bookmarks:bookmark-create"), {"title": "Nouveau lien", "url": "https://example.org/"})
    assert "Nouveau lien" in client.get(url).content.decode()


@pytest.mark.parametrize("rows", [1, 50])
def test_family_link_admin_page_costs_the_same_with_1_and_50(world, client_for, django_assert_num_queries, rows):
    for i in range(rows):
        link = make_family_link(world.north, title=f"Service {i}", reach=FamilyLink.Reach.CHOSEN)
        link.establishments.set([world.a.establishment])
    client = client_for(world.territory_admin)
    client.get(reverse("bookmarks:family-link-list"))
    with django_assert_num_queries(5):  # session, user, links with territory, establishments, levels
        assert client.get(reverse("bookmarks:family-link-list")).status_code == 200


@pytest.mark.parametrize("rows", [1, 50])
def test_pushed_list_costs_the_same_with_1_and_50(world, client_for, django_assert_num_queries, rows):
    for i in range(rows):
        make_pushed(world.a.establishment, title=f"Diffusé {i}")
    client = client_for(world.a.head)
    client.get(reverse("bookmarks:pushed-list"))
    with django_assert_num_queries(5):  # session, user, pushed, their levels, their classes
        assert client.get(reverse("bookmarks:pushed-list")).status_code == 200
