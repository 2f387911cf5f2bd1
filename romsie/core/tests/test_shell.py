"""The page shell: an installable app, a worker that keeps only the week, a dashboard that leads with news."""

import json

from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse


def test_manifest_describes_an_installable_app_with_icons_that_exist(db):
    response = Client().get(reverse("core:manifest"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["start_url"] == reverse("core:dashboard")
    assert manifest["display"] == "standalone"
    assert manifest["theme_color"] == "#1f4e99"
    assert {icon["sizes"] for icon in manifest["icons"]} == {"192x192", "512x512"}
    for icon in manifest["icons"]:
        assert finders.find(icon["src"].removeprefix("/static/")), icon["src"]


def test_service_worker_covers_the_whole_site_and_keeps_only_the_week(db):
    response = Client().get(reverse("core:service-worker"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert response["Cache-Control"] == "no-cache"
    assert reverse("core:service-worker") == "/service-worker.js"
    assert f"const OFFLINE_PATHS = {json.dumps([reverse('timetable:week')])};" in response.content.decode()


def test_sign_out_tells_the_browser_to_forget_what_it_kept(world, client_for):
    client = client_for(world.a.parent)

    response = client.post(reverse("identity:sign-out"))

    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "storage"'
    assert client.get(reverse("core:dashboard")).status_code == 302  # signed out indeed


def test_dashboard_leads_with_what_is_new_and_folds_the_facts(world, client_for):
    page = client_for(world.a.parent).get(reverse("core:dashboard")).content.decode()

    first_folded = page.index("widget-folded")
    assert page.index('aria-labelledby="widget-timetable-today"') < first_folded
    assert page.index('aria-labelledby="widget-services"') > first_folded
    assert '<summary><h2 id="widget-services">' in page
    assert '<summary><h2 id="widget-my-card">' in page


def test_dashboard_links_the_style_sheets_of_the_widgets_it_shows_once_each(world, client_for):
    page = client_for(world.a.student).get(reverse("core:dashboard")).content.decode()

    head = page[: page.index("</head>")]
    assert 'aria-labelledby="widget-timetable-today"' in page
    assert head.count('href="/static/timetable/timetable.css"') == 1
    # A widget that is not shown brings no sheet: the student has no sticky notes.
    assert 'id="widget-news-notes"' not in page and "news/news.css" not in page


def test_stylesheets_tag_links_each_sheet_once():
    from django.template import Context, Template

    html = Template('{% load romsie %}{% stylesheets "a/a.css" sheets "a/a.css" missing %}').render(
        Context({"sheets": ["b/b.css", "a/a.css"]})
    )

    assert html == '<link rel="stylesheet" href="/static/a/a.css">\n<link rel="stylesheet" href="/static/b/b.css">'
