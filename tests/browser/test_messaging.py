"""Messaging journeys: a teacher writes to a class's guardians, a parent answers from a phone."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import expect

from romsie.core.testing.world import World
from romsie.messaging.models import ListMembership, MailingList, Message
from romsie.messaging.tests.helpers import enable_messaging, send

from .support import Journey, editor


def test_teacher_writes_to_guardians_and_a_parent_replies_from_a_phone(
    journey: Journey, world: World, another_journey: Callable[[str], Journey]
) -> None:
    enable_messaging(world)
    a = world.a
    page = journey.page
    journey.sign_in(a.teacher.username)
    journey.follow(f"nav.services-nav a[href='{journey.route('messaging:inbox')}']")
    journey.follow(f"main nav.mailbox-nav a[href='{journey.route('messaging:compose')}']")

    # The picker finds the head by name, and the ticked person stays chosen.
    page.locator("#id_recipients-q").press_sequentially(a.head.last_name[:6], delay=20)
    pick = page.locator(f"#id_recipients-results input[value='user:{a.head.pk}']")
    expect(pick).to_be_visible()
    pick.check()
    expect(page.locator(f"#id_recipients-chosen input[value='user:{a.head.pk}']")).to_be_checked()
    journey.check()
    page.fill("#id_recipients-q", "")  # one search box filters the groups too: clear it
    page.check(f"#id_recipients input[value='class-guardians:{a.school_class.pk}']")
    page.fill("#id_subject", "Sortie au musée")
    page.fill(editor("id_body"), "Bonjour,\n\nLa sortie a lieu jeudi.")
    journey.submit("main form.compose-form button[name=send]")
    message = Message.objects.get()
    journey.assert_at("messaging:message-detail", message.pk)
    expect(page.locator("main")).to_contain_text("La sortie a lieu jeudi.")
    journey.check()

    # The parent reads it on a phone and answers.
    parent = another_journey("phone")
    parent_page = parent.page
    parent.sign_in(a.parent.username)
    widget = parent_page.locator("section[aria-labelledby=widget-messages]")
    expect(widget).to_contain_text("Sortie au musée")
    parent.follow(
        f"section[aria-labelledby=widget-messages] a[href='{parent.route('messaging:message-detail', message.pk)}']"
    )
    expect(parent_page.locator("main")).to_contain_text("La sortie a lieu jeudi.")
    parent.follow(f"main a[href='{parent.route('messaging:compose')}?reply={message.pk}']")
    expect(parent_page.locator(f"#id_recipients-chosen input[value='user:{a.teacher.pk}']")).to_be_checked()
    parent_page.fill(editor("id_body"), "Merci, notre enfant sera présent.")
    parent.submit("main form.compose-form button[name=send]")
    reply = Message.objects.exclude(pk=message.pk).get()
    parent.assert_at("messaging:message-detail", reply.pk)
    expect(parent_page.locator("main article.message")).to_have_count(2)
    parent.check()

    # The teacher sees the notification badge and the reply, in the thread.
    journey.open("core:dashboard")
    expect(page.locator("header .notification-count")).to_have_text("1")
    expect(page.locator("section[aria-labelledby=widget-messages]")).to_contain_text("Re: Sortie au musée")
    journey.follow(f"nav.services-nav a[href='{journey.route('messaging:inbox')}']")
    expect(page.locator("main nav.mailbox-nav .unread-count")).to_be_visible()
    expect(page.locator("main .message-list li.is-unread")).to_contain_text("Re: Sortie au musée")
    journey.follow(f"main .message-list a[href='{journey.route('messaging:message-detail', reply.pk)}']")
    expect(page.locator("main")).to_contain_text("Merci, notre enfant sera présent.")
    expect(page.locator("main article.message")).to_have_count(2)
    expect(page.locator("main nav.mailbox-nav .unread-count")).to_have_count(0)


def test_head_visits_every_messaging_page(journey: Journey, world: World) -> None:
    enable_messaging(world)
    a = world.a
    page = journey.page
    mailing_list = MailingList.objects.create(establishment=a.establishment, name="Conseil", is_open=True)
    for member in (a.head, a.teacher):
        ListMembership.objects.create(establishment=a.establishment, mailing_list=mailing_list, user=member)
    archived = send(a.head, [f"list:{mailing_list.pk}"], subject="Ordre du jour")
    received = send(a.teacher, [f"user:{a.head.pk}"], subject="Question")
    journey.sign_in(a.head.username)
    for name in ("inbox", "sent", "drafts", "trash", "folder-list", "search", "list-list", "list-create"):
        journey.open(f"messaging:{name}")
    journey.open("messaging:list-detail", mailing_list.pk)
    journey.open("messaging:list-archive-message", mailing_list.pk, archived.pk)
    journey.open("messaging:message-report", received.pk)
    for name in ("report-list", "policy", "audit-list"):
        journey.open(f"messaging:{name}")
    journey.open("messaging:audit-detail", received.pk)

    # Folders: create one, file the message in it, then trash and restore it.
    journey.open("messaging:folder-list")
    page.fill("#id_name", "Parents")
    journey.submit("main form.form button[type=submit]")
    journey.check()
    journey.open("messaging:message-detail", received.pk)
    page.select_option("#move-folder", label="Parents")
    journey.submit("main form:has(#move-folder) button[type=submit]")
    journey.check()
    journey.submit("main button[value=trash]")
    journey.check()
    expect(page.locator("main .message-list")).to_have_count(0)
    journey.open("messaging:trash")
    expect(page.locator("main .message-list")).to_contain_text("Question")
    journey.open("messaging:search")
    page.fill("#message-q", "ordre")
    journey.submit("main form[role=search] button[type=submit]")
    expect(page.locator("main .message-list")).to_contain_text("Ordre du jour")
    journey.check()


def test_territory_admin_suspends_the_messaging_of_the_territory(journey: Journey, world: World) -> None:
    enable_messaging(world)
    page = journey.page
    journey.sign_in(world.territory_admin.username)
    journey.follow(f"section[aria-labelledby=widget-messaging-territory] a[href*='territory={world.north.pk}']")
    page.check("input[name=mode][value=suspended]")
    journey.submit("main form.form button[type=submit]")
    journey.check()
    expect(page.locator("input[name=mode][value=suspended]")).to_be_checked()
    journey.open("core:dashboard")
    expect(page.locator("section[aria-labelledby=widget-messaging-territory]")).to_contain_text(world.north.name)
