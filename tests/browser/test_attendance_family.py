"""A guardian justifies an absence with a photo on a phone; the CPE accepts it on a desktop; the guardian sees it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import expect

from romsie.attendance.models import Justification, JustificationStatus
from romsie.attendance.tests.builders import enable
from romsie.attendance.tests.builders_family import PNG, absence_for
from romsie.core.testing.world import World

from .support import Journey


@pytest.mark.parametrize("viewport", ["phone"])
def test_guardian_justifies_with_a_photo_and_the_cpe_accepts(
    journey: Journey, world: World, another_journey: Callable[[str], Journey]
) -> None:
    a = world.a
    enable(a)
    absence = absence_for(a.student, a.establishment.pk, days_ago=1)
    page = journey.page

    # The guardian, on a phone, goes from the dashboard's widget to the child's school-life page.
    journey.sign_in(a.parent.username)
    widget = page.locator("section[aria-labelledby=widget-attendance-record]")
    expect(widget.locator(".att-status-unjustified")).to_have_count(1)
    journey.follow(f"section[aria-labelledby=widget-attendance-record] a[href='{journey.route('attendance:record')}']")
    item = page.locator(f"#absence-{absence.pk}")
    expect(item.locator(".att-status-unjustified")).to_be_visible()
    journey.follow(f"#absence-{absence.pk} a[href='{journey.route('attendance:justify-absence', absence.pk)}']")
    expect(page.locator("#id_document")).to_have_attribute("accept", "image/*,application/pdf")
    page.fill("#id_comment", "Grippe, certificat du médecin joint")
    page.set_input_files("#id_document", files=[{"name": "certificat.png", "mimeType": "image/png", "buffer": PNG}])
    journey.submit()
    journey.assert_at("attendance:record")
    journey.check()
    expect(page.locator(f"#absence-{absence.pk} .att-status-pending")).to_be_visible()
    expect(
        page.locator(f"#absence-{absence.pk} a[href^='{journey.route('attendance:justify-absence', absence.pk)}']")
    ).to_have_count(0)
    justification = Justification.objects.get()
    assert justification.name == "certificat.png" and justification.submitted_by_id == a.parent.pk

    # The CPE, on a desktop, finds it among the pending ones, sees the photo and accepts it.
    cpe = another_journey("desktop")
    cpe.sign_in(a.school_life.username)
    cpe.open("attendance:justification-list")
    cpe.follow(
        f"#justification-{justification.pk} a[href='{cpe.route('attendance:justification-review', justification.pk)}']"
    )
    expect(cpe.page.locator("main")).to_contain_text("Grippe, certificat du médecin joint")
    expect(cpe.page.locator("img.att-preview")).to_be_visible()
    cpe.submit("main form button[name=decision][value=accept]")
    cpe.assert_at("attendance:justification-list")
    cpe.check()
    absence.refresh_from_db()
    assert absence.status == JustificationStatus.JUSTIFIED

    # The guardian sees it accepted.
    journey.open("attendance:record")
    expect(page.locator(f"#absence-{absence.pk} .att-status-justified")).to_be_visible()
