"""Sticky notes and the dashboard widgets: who sees what, and at which query cost."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from romsie.core.testing.factories import GuardianshipFactory, person
from romsie.identity.models import Role
from romsie.news.models import Confirmation, StickyNote

from .helpers import make_item, make_note


def dashboard(client) -> str:
    response = client.get(reverse("core:dashboard"))
    assert response.status_code == 200
    return response.content.decode()


def test_teacher_pins_a_note_on_their_class_seen_by_students_and_their_parents(news, client_for):
    response = client_for(news.a.teacher).post(
        reverse("news:note-create"), {"text": "Apportez vos crayons de couleur", "school_class": news.a.school_class.pk}
    )
    assert response.status_code == 302
    note = StickyNote.objects.get()
    assert (note.author, note.school_class, note.establishment) == (
        news.a.teacher,
        news.a.school_class,
        news.a.establishment,
    )
    for reader in (news.a.student, news.a.parent):
        assert "Apportez vos crayons de couleur" in dashboard(client_for(reader))
    for outsider in (news.a.student2, news.a.parent2, news.a.librarian, news.c.student):
        assert "Apportez vos crayons" not in dashboard(client_for(outsider))


def test_note_on_a_person_is_seen_by_them_and_their_guardians_only(news, client_for):
    make_note(news.a, author=news.a.school_life, person=news.a.student2, text="Passe au bureau de la vie scolaire")
    make_note(news.a, author=news.a.head, person=news.a.teacher, text="Conseil de classe déplacé")
    assert "Passe au bureau" in dashboard(client_for(news.a.student2))
    assert "Passe au bureau" in dashboard(client_for(news.a.parent2))
    assert "Passe au bureau" not in dashboard(client_for(news.a.student))
    assert "Conseil de classe déplacé" in dashboard(client_for(news.a.teacher))
    assert "Conseil de classe déplacé" not in dashboard(client_for(news.a.school_life))


def test_parent_sees_the_notes_of_the_current_child_only(news, client_for):
    GuardianshipFactory(establishment=news.a.establishment, guardian=news.a.parent, student=news.a.student2)
    make_note(news.a, person=news.a.student, text="Note pour l'aîné")
    make_note(news.a, author=news.a.head, person=news.a.student2, text="Note pour le cadet")
    client = client_for(news.a.parent)
    session = client.session
    session["romsie_child"] = news.a.student2.pk
    session.save()
    shown = dashboard(client)
    assert "Note pour le cadet" in shown and "Note pour l&#x27;aîné" not in shown
    session = client.session
    session["romsie_child"] = news.a.student.pk
    session.save()
    shown = dashboard(client)
    assert "Note pour l&#x27;aîné" in shown and "Note pour le cadet" not in shown


def test_expired_notes_are_hidden(news, client_for):
    make_note(news.a, text="Périmée", expires_at=timezone.now() - datetime.timedelta(minutes=1))
    assert "Périmée" not in dashboard(client_for(news.a.student))


def test_teacher_may_address_only_their_classes_and_students(news, client_for):
    client = client_for(news.a.teacher)
    form = client.get(reverse("news:note-create")).context["form"]
    assert list(form.fields["school_class"].queryset) == [news.a.school_class]
    people = [pk for _, group in form.fields["person"].choices[1:] for pk, _ in group]
    assert people == [news.a.student.pk]
    for data in ({"school_class": news.a.class2.pk}, {"person": news.a.student2.pk}, {"person": news.c.student.pk}):
        response = client.post(reverse("news:note-create"), {"text": "Hors de portée", **data})
        assert response.status_code == 200 and response.context["form"].errors
    assert not StickyNote.objects.exists()


def test_staff_may_address_any_class_or_person(news, client_for):
    client = client_for(news.a.school_life)
    form = client.get(reverse("news:note-create")).context["form"]
    assert set(form.fields["school_class"].queryset) == {news.a.school_class, news.a.class2}
    response = client.post(reverse("news:note-create"), {"text": "Bonjour", "person": news.a.teacher.pk})
    assert response.status_code == 302


def test_note_form_validates_target_and_expiry(news, client_for):
    client = client_for(news.a.school_life)
    both = client.post(
        reverse("news:note-create"),
        {"text": "x", "school_class": news.a.school_class.pk, "person": news.a.student.pk},
    )
    assert both.context["form"].non_field_errors() == ["Choose a class or a person, not both."]
    neither = client.post(reverse("news:note-create"), {"text": "x"})
    assert neither.context["form"].non_field_errors() == ["Choose a class or a person."]
    long = client.post(reverse("news:note-create"), {"text": "x" * 501, "school_class": news.a.school_class.pk})
    assert "text" in long.context["form"].errors
    past = client.post(
        reverse("news:note-create"),
        {"text": "x", "school_class": news.a.school_class.pk, "expires_at": "2020-01-01T08:00"},
    )
    assert past.context["form"].errors["expires_at"] == ["The expiry is already past."]
    assert not StickyNote.objects.exists()


def test_only_the_author_removes_a_note(news, client_for):
    note = make_note(news.a, author=news.a.teacher, text="À retirer")
    assert client_for(news.a.school_life).post(reverse("news:note-delete", args=[note.pk])).status_code == 404
    other = make_note(news.c)
    assert client_for(news.a.teacher).post(reverse("news:note-delete", args=[other.pk])).status_code == 404
    assert StickyNote.objects.count() == 2
    client = client_for(news.a.teacher)
    assert "À retirer" in dashboard(client_for(news.a.student))
    assert client.post(reverse("news:note-delete", args=[note.pk])).status_code == 302
    assert not StickyNote.objects.filter(pk=note.pk).exists()
    assert "À retirer" not in dashboard(client_for(news.a.student))


def test_to_confirm_widget_shows_the_notice_until_confirmed(news, client_for):
    notice = make_item(
        news.a, title="Autorisation", classes=[news.a.school_class], for_parents=True, requires_confirmation=True
    )
    client = client_for(news.a.parent)
    shown = dashboard(client)
    assert 'id="widget-news-to-confirm"' in shown and reverse("news:item-confirm", args=[notice.pk]) in shown
    response = client.post(reverse("news:item-confirm", args=[notice.pk]), {"next": reverse("core:dashboard")})
    assert response.url == reverse("core:dashboard")
    assert 'id="widget-news-to-confirm"' not in dashboard(client)  # the cached widget followed at once


def test_confirm_button_of_the_widget_works_with_htmx_from_another_browser(news, client_for):
    notice = make_item(news.a, title="Autorisation", for_parents=True, requires_confirmation=True)
    dashboard(client_for(news.a.parent))  # cached by a first browser
    second = Client(enforce_csrf_checks=True)
    second.force_login(news.a.parent)
    shown = second.get(reverse("core:dashboard"))
    token = shown.cookies["csrftoken"].value
    response = second.post(
        reverse("news:item-confirm", args=[notice.pk]), {"next": "/"}, HTTP_HX_REQUEST="true", HTTP_X_CSRFTOKEN=token
    )
    assert response.status_code == 200 and "your reading is recorded" in response.content.decode()
    assert Confirmation.objects.filter(item=notice, user=news.a.parent).exists()


def test_news_widget_follows_a_new_item_at_once(news, client_for):
    client = client_for(news.a.parent)
    assert "Kermesse" not in dashboard(client)
    client_for(news.a.head).post(
        reverse("news:item-create"),
        {"title": "Kermesse", "body": "Samedi", "audience": "establishment", "roles": ["parent"], "action": "publish"},
    )
    assert "Kermesse" in dashboard(client)


def news_queries(captured) -> int:
    return sum('"news_' in q["sql"] for q in captured.captured_queries)


# The news widgets add one query each to a cold dashboard (latest news, notices to
# confirm, notes) and none to a warm one (their HTML comes from the cache, checked against
# version stamps), so they leave the warm dashboard at its two queries (session and user).
# Without the news service switched on (the case of tests/test_query_budgets.py) they add
# nothing. Counting the news queries apart keeps this test independent of other widgets.
@pytest.mark.parametrize("role", ["teacher", "parent", "student", "head"])
def test_dashboard_query_count_with_news(news, client_for, role):
    make_item(
        news.a,
        classes=[news.a.school_class],
        for_parents=True,
        for_students=True,
        for_teachers=True,
        requires_confirmation=True,
    )
    make_item(news.a, title="Pour tous")
    make_note(news.a)
    client = client_for(news.a.people[role])
    with CaptureQueriesContext(connection) as cold:
        assert client.get(reverse("core:dashboard")).status_code == 200
    assert news_queries(cold) == 3
    with CaptureQueriesContext(connection) as warm:
        assert client.get(reverse("core:dashboard")).status_code == 200
    assert news_queries(warm) == 0


@pytest.mark.parametrize("extra", [1, 50])
def test_dashboard_widgets_cost_the_same_with_1_and_50_items(news, client_for, extra):
    for i in range(extra):
        make_item(news.a, title=f"Info {i}", requires_confirmation=bool(i % 2))
        make_note(news.a, text=f"Note {i}")
    with CaptureQueriesContext(connection) as cold:
        assert client_for(news.a.student).get(reverse("core:dashboard")).status_code == 200
    assert news_queries(cold) == 3


def test_pin_note_page_query_count(news, client_for, django_assert_num_queries):
    for i in range(5):
        person(news.a.establishment, Role.TEACHER, username=f"prof.{i}")
    client = client_for(news.a.school_life)
    client.get(reverse("news:note-list"))
    # session, user, classes, students by class, teachers and staff
    with django_assert_num_queries(5):
        assert client.get(reverse("news:note-create")).status_code == 200
