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
