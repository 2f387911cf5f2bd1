"""The address book: one's own contacts and groups, the ENT person behind a contact, vCard files."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from romsie.contacts.models import Contact, ContactGroup
from romsie.core import versions
from romsie.core.testing.editing import race_on_form

from .helpers import make_contact, make_group
from .test_vcard import VCARD_30, VCARD_40


def test_parent_adds_a_contact_to_a_group_linked_to_their_childs_teacher(world, client_for):
    group = make_group(world.a.parent, "Équipe de 6e")
    client = client_for(world.a.parent)
    response = client.post(
        reverse("contacts:contact-create"),
        {
            "first_name": "Paul",
            "last_name": "Professeur",
            "emails": "paul@example.org\npaul.p@example.net",
            "phones": "06 00 00 00 00",
            "groups": [group.pk],
            "person": [f"user:{world.a.teacher.pk}"],
        },
    )
    contact = Contact.objects.get(owner=world.a.parent)
    assert response.status_code == 302 and response.url == reverse("contacts:contact-detail", args=[contact.pk])
    assert contact.person == world.a.teacher
    assert contact.emails == ["paul@example.org", "paul.p@example.net"]
    assert list(contact.groups.all()) == [group]
    assert "Paul Professeur" in client.get(reverse("contacts:contact-list"), {"q": "profes"}).content.decode()


def test_a_contact_cannot_stand_for_someone_the_directory_hides(world, client_for):
    # A parent finds their children, teachers and staff: never another family.
    response = client_for(world.a.parent).post(
        reverse("contacts:contact-create"),
        {"first_name": "Autre", "person": [f"user:{world.a.parent2.pk}"]},
    )
    assert response.status_code == 200 and "You may not link this contact to this person." in response.content.decode()
    assert not Contact.objects.exists()


def test_a_contact_needs_something_to_reach_and_valid_emails(world, client_for):
    client = client_for(world.a.parent)
    empty = client.post(reverse("contacts:contact-create"), {"notes": "rien"})
    assert "Give the contact at least a name" in empty.content.decode()
    wrong = client.post(reverse("contacts:contact-create"), {"first_name": "A", "emails": "pas-une-adresse"})
    assert wrong.status_code == 200 and "valid email" in wrong.content.decode()
    assert not Contact.objects.exists()


def test_someone_elses_group_cannot_be_chosen(world, client_for):
    theirs = make_group(world.a.teacher, "Collègues")
    response = client_for(world.a.parent).post(
        reverse("contacts:contact-create"), {"first_name": "A", "groups": [theirs.pk]}
    )
    assert response.status_code == 200 and not Contact.objects.exists()


def test_two_edits_of_the_same_contact_the_second_is_told(world, client_for):
    contact = make_contact(world.a.parent, first_name="Anne")
    url = reverse("contacts:contact-update", args=[contact.pk])
    race_on_form(
        url,
        first=client_for(world.a.parent),
        second=client_for(world.a.parent),
        first_data={"first_name": "Annie"},
        second_data={"first_name": "Anna"},
    )
    contact.refresh_from_db()
    assert contact.first_name == "Annie" and contact.version == 1


def test_import_adds_cards_and_their_categories_then_updates_on_a_second_import(world, client_for):
    client = client_for(world.a.parent)
    upload = SimpleUploadedFile("contacts.vcf", (VCARD_30 + VCARD_40).encode(), content_type="text/vcard")
    response = client.post(reverse("contacts:contact-import"), {"file": upload}, follow=True)
    assert "2 contacts added, 0 updated." in response.content.decode()
    dupont = Contact.objects.get(owner=world.a.parent, uid="abc-123")
    assert sorted(g.name for g in dupont.groups.all()) == ["Parents délégués", "Sortie"]
    again = SimpleUploadedFile("contacts.vcf", VCARD_30.replace("Mairie de Melun", "Mairie").encode())
    response = client.post(reverse("contacts:contact-import"), {"file": again}, follow=True)
    assert "0 contacts added, 1 updated." in response.content.decode()
    dupont.refresh_from_db()
    assert dupont.organisation == "Mairie" and dupont.version == 1
    assert Contact.objects.filter(owner=world.a.parent).count() == 2
    assert ContactGroup.objects.filter(owner=world.a.parent).count() == 2


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("contacts.exe", b"MZ", "this kind of file is not accepted"),
        ("contacts.vcf", b"not a card at all", "This file holds no contact."),
        ("contacts.vcf", b"BEGIN:VCARD\r\nVERSION:3.0\r\nN:;;\r\nEND:VCARD\r\n", "not an address book"),
    ],
)
def test_a_bad_file_is_refused_and_nothing_is_saved(world, client_for, name, content, message):
    upload = SimpleUploadedFile(name, content)
    response = client_for(world.a.parent).post(reverse("contacts:contact-import"), {"file": upload})
    assert response.status_code == 200 and message in response.content.decode()
    assert not Contact.objects.exists() and not ContactGroup.objects.exists()


def test_export_gives_every_card_with_its_uid_and_groups(world, client_for):
    group = make_group(world.a.parent, "Sortie")
    mine = make_contact(world.a.parent, last_name="Durand", groups=[group])
    make_contact(world.a.teacher, last_name="Secret")
    response = client_for(world.a.parent).get(reverse("contacts:contact-export"))
    text = response.content.decode()
    assert response["Content-Type"].startswith("text/vcard")
    assert f"UID:{mine.uid}" in text and "Durand" in text and "CATEGORIES:Sortie" in text
    assert "Secret" not in text


def test_deleting_a_group_keeps_its_contacts(world, client_for):
    group = make_group(world.a.parent)
    contact = make_contact(world.a.parent, groups=[group])
    client_for(world.a.parent).post(reverse("contacts:group-delete", args=[group.pk]))
    assert not ContactGroup.objects.exists()
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_group_names_are_unique_per_person(world, client_for):
    make_group(world.a.parent, "Sortie")
    response = client_for(world.a.parent).post(reverse("contacts:group-list"), {"name": "Sortie"})
    assert "You already have a group of this name." in response.content.decode()
    assert ContactGroup.objects.count() == 1
    make_group(world.a.teacher, "Sortie")  # another person's may have the same name


@pytest.mark.parametrize("rows", [1, 50])
def test_contact_list_costs_the_same_with_1_and_50_contacts(world, client_for, django_assert_num_queries, rows):
    groups = [make_group(world.a.parent, "Un"), make_group(world.a.parent, "Deux")]
    for i in range(rows):
        make_contact(world.a.parent, last_name=f"Nom{i:02d}", person=world.a.teacher, groups=groups)
    client = client_for(world.a.parent)
    client.get(reverse("contacts:contact-list"))
    versions.bump(versions.Kind.CONTACTS, world.a.parent.pk)  # the list is computed again
    # session, user, count, page of contacts (with their ENT person), their groups, the groups with sizes
    with django_assert_num_queries(6):
        assert client.get(reverse("contacts:contact-list")).status_code == 200
    with django_assert_num_queries(2):  # session, user: the list comes from the cache
        assert client.get(reverse("contacts:contact-list")).content.decode().count('class="contact-name"') == min(
            rows, 50
        )


def test_the_contact_list_shows_a_change_at_once(world, client_for, django_capture_on_commit_callbacks):
    client = client_for(world.a.parent)
    url = reverse("contacts:contact-list")
    assert "Garage Martin" not in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("contacts:contact-create"), {"last_name": "Garage Martin"})
    assert response.status_code == 302
    assert "Garage Martin" in client.get(url).content.decode()


@pytest.mark.parametrize("rows", [1, 50])
def test_group_list_costs_the_same_with_1_and_50_groups(world, client_for, django_assert_num_queries, rows):
    for i in range(rows):
        make_group(world.a.parent, f"Groupe {i}")
    client = client_for(world.a.parent)
    client.get(reverse("contacts:group-list"))
    with django_assert_num_queries(3):  # session, user, the groups with their sizes
        assert client.get(reverse("contacts:group-list")).status_code == 200
