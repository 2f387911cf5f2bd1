"""The one picker on a phone: a teacher filters, picks a class's guardians and a person, sends."""

from __future__ import annotations

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
