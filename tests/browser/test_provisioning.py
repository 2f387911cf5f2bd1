"""The head imports the year's people: upload the ONDE extraction, read the preview, apply, follow the
progress bar, then find the report in the import history."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from romsie.core.testing.world import World
from romsie.identity.models import User
from romsie.provisioning.models import ImportRun
from romsie.provisioning.tests.conftest import FIXTURES

from .support import Journey


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_head_imports_the_onde_extraction_with_a_preview(journey: Journey, world: World) -> None:
    page = journey.page
    people_before = User.objects.count()
    journey.sign_in(world.a.head.username)
    journey.open("administration:home")

    journey.follow(f"main a[href='{journey.route('provisioning:run-list')}']")
    journey.follow(f"main a[href='{journey.route('provisioning:run-upload')}']")

    page.check("input[name=format][value=onde]")
    page.set_input_files("#id_uploads", sorted((FIXTURES / "onde").iterdir()))
    journey.submit("main form button[type=submit]")

    preview = ImportRun.objects.get(mode="preview")
    journey.assert_at("provisioning:run-detail", preview.pk)
    journey.check()
    people = page.locator("main table").first
    expect(people.locator("tbody tr").first.locator("td").first).to_have_text("60")
    expect(page.locator("main")).to_contain_text("CSVExtraction-eleves.csv")
    assert User.objects.count() == people_before, "the preview writes nobody"

    journey.submit(f"main form[action='{journey.route('provisioning:run-apply', preview.pk)}'] button[type=submit]")
    run = ImportRun.objects.get(mode="applied")
    journey.assert_at("provisioning:run-detail", run.pk)
    journey.check()
    expect(page.locator("#run-progress h2")).to_be_visible()
    expect(page.locator(f"#run-progress a[href='{journey.route('provisioning:run-report', run.pk)}']")).to_be_visible()
    assert User.objects.count() == people_before + 165

    journey.open("provisioning:run-list")
    expect(page.locator("main table tbody tr")).to_have_count(2)


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_the_progress_bar_follows_a_running_import_until_its_report(journey: Journey, world: World) -> None:
    page = journey.page
    run = ImportRun.objects.create(
        establishment=world.a.establishment,
        created_by=world.a.head,
        source="aaf",
        mode="applied",
        status="running",
        progress_done=1,
        progress_total=4,
        files=[{"name": "ENT_Complet_20260901_Eleve_0000.xml"}],
    )
    journey.sign_in(world.a.head.username)
    journey.open("provisioning:run-detail", run.pk)

    bar = page.locator("#run-progress progress")
    expect(bar).to_have_attribute("value", "1")
    # The bar is named by its label, whatever the language.
    label = page.locator("label[for=run-progress-bar]").inner_text().strip()
    assert label
    expect(bar).to_have_accessible_name(label)
    journey.check()

    ImportRun.objects.filter(pk=run.pk).update(progress_done=3)
    expect(bar).to_have_attribute("value", "3", timeout=6_000)

    ImportRun.objects.filter(pk=run.pk).update(status="succeeded", progress_done=4)
    expect(page.locator("#run-progress progress")).to_have_count(0, timeout=6_000)
    expect(page.locator("#run-progress #run-report-title")).to_be_visible()
    journey.check()
