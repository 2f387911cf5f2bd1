"""The one rich-text editor, on a phone and a laptop: toolbar, keyboard shortcut, list, paste."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from romsie.core.testing.world import World
from romsie.news.models import NewsItem

from .support import Journey, editor, paste_html, select_text

BODY = editor("id_body")


@pytest.fixture
def news(world: World) -> World:
    world.a.establishment.enabled_services = [*world.a.establishment.enabled_services, "news"]
    world.a.establishment.save()
    return world


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_head_writes_formatted_news_with_toolbar_and_shortcuts(journey: Journey, news: World, viewport: str) -> None:
    a = news.a
    page = journey.page
    journey.sign_in(a.head.username)
    journey.open("news:item-create")

    # The text area (the real field) is hidden behind the toolbar and the editable region.
    expect(page.locator("#id_body")).to_be_hidden()
    toolbar = page.locator("main [role=toolbar]")
    expect(toolbar).to_be_visible()
    expect(page.locator(BODY)).to_have_attribute("role", "textbox")
    expect(page.locator(BODY)).to_have_attribute("aria-labelledby", "id_body_label")

    page.fill("#id_title", "Sortie au musée")
    page.locator(BODY).click()
    page.keyboard.type("Rendez-vous jeudi devant le musée.")
    # One word in bold with the toolbar, another with the keyboard shortcut.
    select_text(page, BODY, "musée")
    toolbar.locator("button[data-command=bold]").click()
    expect(toolbar.locator("button[data-command=bold]")).to_have_attribute("aria-pressed", "true")
    select_text(page, BODY, "jeudi")
    page.keyboard.press("Control+b")
    # A bulleted list after the paragraph.
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")
    toolbar.locator("button[data-command=bullet-list]").click()
    page.keyboard.type("Un goûter")
    page.keyboard.press("Enter")
    page.keyboard.type("Une casquette")
    # What a word processor puts on the clipboard: only the allowed subset comes in.
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    paste_html(page, BODY, '<p style="color:red" onclick="x()">Signé : <i>la direction</i><img src="x"></p>')

    field = page.locator("#id_body")
    expect(field).to_have_value(re.compile(r"<strong>jeudi</strong>.*<strong>musée</strong>"))
    expect(field).to_have_value(re.compile(r"<ul><li>Un goûter</li><li>Une casquette</li></ul>"))
    value = field.input_value()
    assert "style" not in value and "onclick" not in value and "<img" not in value
    assert "<em>la direction</em>" in value
    journey.check()

    journey.submit("main form button[name=action][value=publish]")
    item = NewsItem.objects.get()
    journey.assert_at("news:item-detail", item.pk)
    assert "<strong>musée</strong>" in item.body and "<strong>jeudi</strong>" in item.body
    assert "<li>Un goûter</li>" in item.body
    body = page.locator("main .news-body")
    expect(body.locator("strong")).to_have_text(["jeudi", "musée"])
    expect(body.locator("li")).to_have_count(2)
    expect(body.locator("em")).to_have_text("la direction")
    journey.check()

    # Editing shows the stored text formatted in the editor, not as tags.
    journey.open("news:item-update", item.pk)
    expect(page.locator(f"{BODY} strong")).to_have_count(2)
    expect(page.locator(f"{BODY} li")).to_have_count(2)
    journey.check()


def test_toolbar_is_one_tab_stop_and_reaches_every_button_with_arrows(journey: Journey, news: World) -> None:
    page = journey.page
    journey.sign_in(news.a.head.username)
    journey.open("news:item-create")
    buttons = page.locator("main [role=toolbar] button")
    expect(buttons).to_have_count(7)
    first = buttons.first
    first.focus()
    page.keyboard.press("ArrowRight")
    expect(buttons.nth(1)).to_be_focused()
    page.keyboard.press("End")
    expect(buttons.last).to_be_focused()
    page.keyboard.press("ArrowRight")
    expect(first).to_be_focused()
    expect(page.locator("main [role=toolbar] button[tabindex='0']")).to_have_count(1)
    # The label names the editable region: a click on it puts the caret there.
    page.click("label[for=id_body]")
    expect(page.locator(BODY)).to_be_focused()


REL = 'rel="noopener noreferrer nofollow"'


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_head_links_words_and_quotes_a_line_as_the_sanitiser_stores_them(
    journey: Journey, news: World, viewport: str
) -> None:
    """Link (button, then Ctrl+K; a ``javascript:`` address refused) and quote (a toggle), stored and shown."""
    page = journey.page
    journey.sign_in(news.a.head.username)
    journey.open("news:item-create")
    toolbar = page.locator("main [role=toolbar]")
    link, quote = toolbar.locator("button[data-command=link]"), toolbar.locator("button[data-command=quote]")
    expect(link).to_have_attribute("aria-keyshortcuts", "Control+K Meta+K")
    expect(quote).to_have_attribute("aria-pressed", "false")

    page.fill("#id_title", "Portes ouvertes")
    page.locator(BODY).click()
    page.keyboard.type("Tout est sur le site du collège.")
    # The button asks for the address (a prompt); the selected words become the link.
    select_text(page, BODY, "site du collège")
    page.once("dialog", lambda dialog: dialog.accept("https://college.example/portes-ouvertes"))
    link.click()
    expect(page.locator(f"{BODY} a")).to_have_attribute("href", "https://college.example/portes-ouvertes")

    # Ctrl+K does the same; an address that is not http(s) or mailto makes no link at all.
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")
    page.keyboard.type("Une question ? Écrivez au secrétariat.")
    select_text(page, BODY, "secrétariat")
    page.once("dialog", lambda dialog: dialog.accept("mailto:secretariat@college.example"))
    page.keyboard.press("Control+k")
    expect(page.locator(f"{BODY} a")).to_have_count(2)
    select_text(page, BODY, "Écrivez")
    page.once("dialog", lambda dialog: dialog.accept("javascript:alert(1)"))
    page.keyboard.press("Control+k")
    expect(page.locator(f"{BODY} a")).to_have_count(2)

    # The quote button toggles the line in and out of a quote, and says which.
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")
    page.keyboard.type("Venez nombreux !")
    quote.click()
    expect(quote).to_have_attribute("aria-pressed", "true")
    expect(page.locator(f"{BODY} blockquote")).to_have_text("Venez nombreux !")
    quote.click()
    expect(quote).to_have_attribute("aria-pressed", "false")
    expect(page.locator(f"{BODY} blockquote")).to_have_count(0)
    quote.click()
    expect(page.locator(f"{BODY} blockquote")).to_have_count(1)
    expect(page.locator("#id_body")).to_have_value(re.compile(r"<a href=.*</a>.*<blockquote>.*Venez nombreux"))
    journey.check()

    journey.submit("main form button[name=action][value=publish]")
    item = NewsItem.objects.get()
    journey.assert_at("news:item-detail", item.pk)
    # Stored as the sanitiser returns it: every link gets its rel, the refused address stays text.
    assert f'<a href="https://college.example/portes-ouvertes" {REL}>site du collège</a>' in item.body
    assert f'<a href="mailto:secretariat@college.example" {REL}>secrétariat</a>' in item.body
    assert "javascript" not in item.body and "Écrivez au" in item.body
    assert re.search(r"<blockquote>(<p>)?Venez nombreux !(</p>)?</blockquote>", item.body), item.body
    body = page.locator("main .news-body")
    expect(body.locator("a")).to_have_count(2)
    expect(body.locator("a").first).to_have_attribute("rel", "noopener noreferrer nofollow")
    expect(body.locator("blockquote")).to_have_text("Venez nombreux !")
    journey.check()

    # Editing shows the links and the quote again, the quote button pressed inside it.
    journey.open("news:item-update", item.pk)
    expect(page.locator(f"{BODY} a")).to_have_count(2)
    page.locator(f"{BODY} blockquote").click()
    expect(quote).to_have_attribute("aria-pressed", "true")
    journey.check()


def test_head_turns_a_line_into_a_heading_as_the_sanitiser_stores_it(journey: Journey, news: World) -> None:
    """The heading button makes an ``h2`` (and back), pressed while the caret is in it; stored and shown.

    An ``h2``, the level right under the page's ``h1``: the scan below finds no heading skipped.
    """
    page = journey.page
    journey.sign_in(news.a.head.username)
    journey.open("news:item-create")
    heading = page.locator("main [role=toolbar] button[data-command=heading]")
    page.fill("#id_title", "Portes ouvertes")
    page.locator(BODY).click()
    page.keyboard.type("Programme")
    heading.click()
    expect(heading).to_have_attribute("aria-pressed", "true")
    heading.click()
    expect(heading).to_have_attribute("aria-pressed", "false")
    expect(page.locator(f"{BODY} h2")).to_have_count(0)
    heading.click()
    expect(page.locator(f"{BODY} h2")).to_have_text("Programme")
    # Enter at the end of the heading goes back to a paragraph.
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    page.keyboard.type("Visite des classes à 10 h.")
    expect(heading).to_have_attribute("aria-pressed", "false")
    expect(page.locator("#id_body")).to_have_value("<h2>Programme</h2><p>Visite des classes à 10 h.</p>")

    journey.submit("main form button[name=action][value=publish]")
    item = NewsItem.objects.get()
    journey.assert_at("news:item-detail", item.pk)
    assert item.body == "<h2>Programme</h2><p>Visite des classes à 10 h.</p>"
    expect(page.locator("main .news-body h2")).to_have_text("Programme")


def test_a_news_item_with_a_heading_passes_the_accessibility_scan(journey: Journey, news: World) -> None:
    journey.sign_in(news.a.head.username)
    journey.open("news:item-create")
    journey.page.fill("#id_title", "Portes ouvertes")
    journey.page.locator(BODY).click()
    journey.page.keyboard.type("Programme")
    journey.page.locator("main [role=toolbar] button[data-command=heading]").click()
    journey.submit("main form button[name=action][value=publish]")
    journey.assert_at("news:item-detail", NewsItem.objects.get().pk)
    journey.check()
