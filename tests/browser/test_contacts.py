"""A parent sees the territory's family links on the dashboard, puts a contact in a group and writes to it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from romsie.bookmarks.models import FamilyLink
from romsie.contacts.models import Contact, ContactGroup
from romsie.core.testing.world import World
from romsie.messaging.models import Delivery, Message

from .support import Journey, editor


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_parent_sees_family_links_groups_a_contact_and_writes_to_the_group(
    journey: Journey, world: World, viewport: str
) -> None:
    a = world.a
    page = journey.page
    FamilyLink.objects.create(
        territory=world.north,
        title="Paiement de la cantine",
        url="https://cantine.example.org/",
        category=FamilyLink.Category.CANTEEN,
    )
    teacher = Contact.objects.create(owner=a.parent, first_name="Paul", last_name="Professeur", person=a.teacher)
    teacher.search_name = "professeur paul"
    teacher.save()

    journey.sign_in(a.parent.username)
    links = page.locator("section[aria-labelledby=widget-bookmarks-links]")
    expect(links).to_contain_text("Paiement de la cantine")

    # The address book, from the services menu.
    journey.open_menu()
    journey.follow(f"nav.services-nav a[href='{journey.route('contacts:contact-list')}']")
    journey.follow(f"main nav.sub-nav a[href='{journey.route('contacts:group-list')}']")
    page.fill("#id_name", "Sortie au musée")
    journey.submit()
    journey.check()
    group = ContactGroup.objects.get(owner=a.parent)

    # The contact goes into the group.
    journey.open("contacts:contact-update", teacher.pk)
    page.check(f"input[name=groups][value='{group.pk}']")
    journey.submit("main form.form button[type=submit]")
    journey.assert_at("contacts:contact-detail", teacher.pk)
    expect(page.locator("main")).to_contain_text("Sortie au musée")
    journey.check()

    # The group is a recipient of a message.
    journey.open("messaging:compose")
    page.check(f"#id_recipients input[value='contacts:{group.pk}']")
    page.fill("#id_subject", "Sortie au musée")
    page.fill(editor("id_body"), "Bonjour, je peux accompagner la sortie.")
    journey.submit("main form.compose-form button[name=send]")
    message = Message.objects.get()
    journey.assert_at("messaging:message-detail", message.pk)
    journey.check()
    assert list(Delivery.objects.filter(folder="inbox").values_list("recipient_id", flat=True)) == [a.teacher.pk]
