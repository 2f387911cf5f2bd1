"""The head publishes a must-read notice to the families of a class; a parent confirms it on a phone."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from romsie.core.testing.world import World
from romsie.news.models import Confirmation, NewsItem

from .conftest import VIEWPORTS
from .support import Guard, Journey, editor, select_text


@pytest.fixture
def news(world: World) -> World:
    for place in (world.a, world.b, world.c):
        place.establishment.enabled_services = [*place.establishment.enabled_services, "news"]
        place.establishment.save()
    return world


def test_head_publishes_a_notice_a_parent_confirms_it_on_a_phone(
    journey: Journey, news: World, browser: Any, live_server: Any, guard: Guard
) -> None:
    a = news.a
    page = journey.page
    journey.sign_in(a.head.username)

    # From the menu to the form of a must-read notice.
    journey.follow(f"nav.services-nav a[href='{journey.route('news:item-list')}']")
    journey.follow(f"main nav.sub-nav a[href='{journey.route('news:item-manage')}']")
    journey.follow(f"main a[href='{journey.route('news:item-create')}?notice=1']")
    expect(page.locator("#id_requires_confirmation")).to_be_checked()

    # An invalid try first: classes chosen as audience but none ticked.
    page.fill("#id_title", "Autorisation de sortie au musée")
    page.fill(editor("id_body"), "Merci de confirmer que vous avez lu les conditions de la sortie.\n\nDépart 8 h.")
    # The toolbar puts the selected words in bold.
    select_text(page, editor("id_body"), "Départ 8 h.")
    page.locator("main .rich-text-toolbar button").first.click()
    expect(page.locator("#id_body")).to_have_value(re.compile(r"<strong>Départ 8 h\.</strong>"))
    page.check("input[name=audience][value=classes]")
    page.uncheck("input[name=roles][value=student]")
    journey.submit("main form button[name=action][value=publish]")
    expect(page.locator("main .field-invalid")).to_have_count(1)
    journey.check()

    page.check(f"input[name=school_classes][value='{a.school_class.pk}']")
    journey.submit("main form button[name=action][value=publish]")
    notice = NewsItem.objects.get()
    journey.assert_at("news:item-detail", notice.pk)
    expect(page.locator("main .news-body strong")).to_have_text("Départ 8 h.")
    journey.check()

    # The parent of a student of that class, on a phone.
    context = browser.new_context(
        base_url=live_server.url, locale="fr-FR", timezone_id="Europe/Paris", **VIEWPORTS["phone"]
    )
    context.set_default_timeout(10_000)
    phone = context.new_page()
    guard.attach(phone)
    parent = Journey(page=phone, base_url=live_server.url, guard=guard)
    try:
        parent.sign_in(a.parent.username)
        widget = phone.locator("section[aria-labelledby=widget-news-to-confirm]")
        expect(widget).to_contain_text(notice.title)
        widget.locator("button[type=submit]").click()
        expect(widget.locator("li [role=status]")).to_be_visible()
        parent.check()
        assert Confirmation.objects.filter(item=notice, user=a.parent).exists()

        # The notice itself says it is confirmed; the dashboard no longer asks.
        parent.open("news:item-detail", notice.pk)
        expect(phone.locator("main form[action$='/lu/']")).to_have_count(0)
        parent.open("core:dashboard")
        expect(phone.locator("section[aria-labelledby=widget-news-to-confirm]")).to_have_count(0)
        expect(phone.locator("section[aria-labelledby=widget-news]")).to_contain_text(notice.title)
    finally:
        context.close()

    # The head sees the parent among those who confirmed, and nobody left to confirm.
    journey.open("news:item-detail", notice.pk)
    journey.follow(f"main a[href='{journey.route('news:item-confirmations', notice.pk)}']")
    expect(page.locator("#count-total")).to_have_text("1")
    expect(page.locator("#count-pending")).to_have_text("0")
    journey.follow("main nav.sub-nav a[href='?show=confirmed']")
    expect(page.locator("main ul.people-list")).to_contain_text(a.parent.last_name)


@pytest.mark.parametrize("viewport", ["phone"])
def test_teacher_pins_a_note_seen_by_a_student(
    journey: Journey, news: World, browser: Any, live_server: Any, guard: Guard
) -> None:
    a = news.a
    page = journey.page
    journey.sign_in(a.teacher.username)
    journey.open("news:note-create")
    page.fill("#id_text", "Pensez à rapporter le livre de lecture.")
    page.select_option("#id_school_class", str(a.school_class.pk))
    journey.submit("main form button[type=submit]")
    journey.assert_at("news:note-list")
    expect(page.locator("main")).to_contain_text("Pensez à rapporter le livre")
    journey.check()

    page.context.clear_cookies()
    journey.sign_in(a.student.username)
    expect(page.locator("section[aria-labelledby=widget-news-notes]")).to_contain_text("Pensez à rapporter le livre")
    journey.check()
