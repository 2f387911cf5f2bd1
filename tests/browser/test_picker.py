"""The one picker on a phone: a teacher picks a class's guardians and a person; a parent picks a teacher."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import expect

from romsie.core.testing.world import World
from romsie.messaging.models import Delivery, Message
from romsie.messaging.tests.helpers import enable_messaging

from .support import Journey, editor


@pytest.mark.parametrize("viewport", ["phone"])
def test_a_teacher_picks_a_group_and_a_person_on_a_phone(journey: Journey, world: World) -> None:
    enable_messaging(world)
    a = world.a
    page = journey.page
    journey.sign_in(a.teacher.username)
    journey.open("messaging:compose")
    picker = page.locator("#id_recipients")
    # With the script, the no-JS Search button is gone and the list is a filter.
    expect(picker.locator("button[name=picker_search]")).to_have_count(0)

    # Typing the class's name narrows the groups to that class; the live region says so.
    search = page.locator("#id_recipients-q")
    search.press_sequentially(a.school_class.name, delay=20)
    guardians = picker.locator(f"input[value='class-guardians:{a.school_class.pk}']")
    expect(guardians).to_be_visible()
    expect(picker.locator(f"input[value='class-guardians:{a.class2.pk}']")).to_be_hidden()
    guardians.check()
    expect(page.locator("#id_recipients-chips li")).to_have_count(1)
    expect(page.locator("#id_recipients-status")).to_contain_text("1")
    journey.check()

    # A person, found by name (the recipient-search endpoint), joins the chosen people.
    search.fill("")
    search.press_sequentially(a.head.last_name[:6], delay=20)
    found = page.locator(f"#id_recipients-results input[value='user:{a.head.pk}']")
    expect(found).to_be_visible()
    found.check()
    expect(page.locator(f"#id_recipients-chosen input[value='user:{a.head.pk}']")).to_be_checked()
    chips = page.locator("#id_recipients-chips li")
    expect(chips).to_have_count(2)
    # Each chip's button is named after what it removes.
    remove = chips.locator(f"button[aria-label$='{a.head.get_full_name()}']")
    expect(remove).to_have_count(1)
    journey.check()

    # Removing a chip with the keyboard unticks the box; ticking it again brings it back.
    remove.focus()
    page.keyboard.press("Enter")
    expect(page.locator(f"#id_recipients-chosen input[value='user:{a.head.pk}']")).not_to_be_checked()
    expect(chips).to_have_count(1)
    page.locator(f"#id_recipients-chosen input[value='user:{a.head.pk}']").check()
    expect(chips).to_have_count(2)

    page.fill("#id_subject", "Réunion")
    page.fill(editor("id_body"), "Bonjour, la réunion a lieu mardi.")
    journey.submit("main form.compose-form button[name=send]")
    message = Message.objects.get()
    journey.assert_at("messaging:message-detail", message.pk)
    journey.check()
    reached = set(Delivery.objects.filter(message=message).values_list("recipient_id", flat=True))
    assert a.head.pk in reached and a.parent.pk in reached


@pytest.mark.parametrize("viewport", ["phone"])
def test_a_parent_writes_to_their_childs_teacher_through_the_picker_on_a_phone(
    journey: Journey, world: World, another_journey: Callable[[str], Journey]
) -> None:
    enable_messaging(world)
    a = world.a
    page = journey.page
    journey.sign_in(a.parent.username)
    # On a 360 px screen the services are behind the Menu button.
    journey.open_menu()
    journey.follow(f"nav.services-nav a[href='{journey.route('messaging:inbox')}']")
    journey.follow(f"main nav.mailbox-nav a[href='{journey.route('messaging:compose')}']")

    # The name search finds the child's teacher, and nobody of another establishment of that name.
    picker = page.locator("#id_recipients")
    page.locator("#id_recipients-q").press_sequentially("Teacher", delay=20)
    found = page.locator("#id_recipients-results input")
    expect(page.locator(f"#id_recipients-results input[value='user:{a.teacher.pk}']")).to_be_visible()
    expect(found).to_have_count(1)
    assert world.b.teacher.get_full_name() not in picker.inner_text()
    # Ticked (by touch), the teacher is a chip and a chosen person; the live region counts them.
    found.tap()
    expect(page.locator(f"#id_recipients-chosen input[value='user:{a.teacher.pk}']")).to_be_checked()
    chips = page.locator("#id_recipients-chips li")
    expect(chips).to_have_count(1)
    expect(chips).to_contain_text(a.teacher.get_full_name())
    expect(page.locator("#id_recipients-status")).to_contain_text("1")
    journey.check()

    page.fill("#id_subject", "Absence de jeudi")
    page.fill(editor("id_body"), "Bonjour, notre enfant sera absent jeudi matin (rendez-vous médical).")
    journey.submit("main form.compose-form button[name=send]")
    message = Message.objects.get()
    journey.assert_at("messaging:message-detail", message.pk)
    expect(page.locator("main")).to_contain_text("sera absent jeudi matin")
    journey.check()
    inboxes = Delivery.objects.filter(message=message, folder=Delivery.Box.INBOX)
    assert list(inboxes.values_list("recipient_id", flat=True)) == [a.teacher.pk]  # the parent keeps a sent copy

    # The message arrives: the teacher finds it unread in their inbox and reads it.
    teacher = another_journey("desktop")
    teacher_page = teacher.page
    teacher.sign_in(a.teacher.username)
    teacher.open("messaging:inbox")
    unread = teacher_page.locator("main .message-list li.is-unread")
    expect(unread).to_contain_text("Absence de jeudi")
    expect(unread).to_contain_text(a.parent.get_full_name())
    teacher.follow(f"main .message-list a[href='{teacher.route('messaging:message-detail', message.pk)}']")
    expect(teacher_page.locator("main")).to_contain_text("Bonjour, notre enfant sera absent jeudi matin")
    expect(teacher_page.locator("main article.message")).to_contain_text(a.parent.get_full_name())
    teacher.check()
