"""The class council: the homeroom teacher fills it, the head validates, generates and publishes the
report cards, and a parent downloads their child's report card on a phone."""

from __future__ import annotations

import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from romsie.assessment.models import Council, CouncilDecision, ReportCard, ReportComment
from romsie.assessment.tests.builders import assessment_for, enable, mark_for, period_of
from romsie.assessment.tests.builders_councils import homeroom
from romsie.core.testing.world import World

from .support import Journey


@pytest.mark.parametrize("viewport", ["desktop"])
def test_council_prepared_validated_published_and_downloaded(journey: Journey, another_journey, world: World) -> None:
    a = world.a
    enable(a)
    homeroom(a)
    period = period_of(a)
    mark_for(assessment_for(a, out_of="40"), a.student.pk, "31")
    ReportComment.objects.create(
        establishment=a.establishment,
        period=period,
        teaching=a.teaching,
        student=a.student,
        text="Curious and hard-working.",
        author=a.teacher,
    )
    page = journey.page

    # The homeroom teacher opens the council from their classes and fills the student's row.
    journey.sign_in(a.teacher.username)
    journey.open("assessment:class-list")
    journey.follow(f"#class-{a.school_class.pk} a[href*='/conseil/']")
    expect(page.locator(f"#student-{a.student.pk}")).to_contain_text("Curious and hard-working.")
    expect(page.locator(f"#student-{a.student.pk}")).to_contain_text("15")
    journey.check()
    page.fill("#id_council-class_comment", "A friendly and lively class.")
    page.fill(f"#id_s{a.student.pk}-general_comment", "An excellent first term, keep it up.")
    page.select_option(f"#id_s{a.student.pk}-mention", "congratulations")
    page.fill(f"#id_s{a.student.pk}-decision", "Encouraged to help classmates")
    journey.submit("button[name=action][value=prepare]")
    journey.check()
    expect(page.locator("#council-status")).to_have_class("badge ass-status ass-status-prepared")
    assert Council.objects.get().status == Council.Status.PREPARED

    # The head validates, generates the report cards (the bar reaches 100 %) and publishes them.
    head = another_journey("desktop")
    head.sign_in(a.head.username)
    head.open("assessment:council", pk=a.school_class.pk)
    head.submit("button[name=action][value=validate]")
    head.check()
    head.submit(".ass-report-cards form[action*='/bulletins/generer/'] button")
    expect(head.page.locator("#ass-progress-bar")).to_have_attribute("value", "100")
    head.check()
    expect(head.page.locator(".ass-card-files a")).to_have_count(2)
    head.follow("main p a[href*='/conseil/']")
    head.submit(".ass-report-cards form[action*='/publier/'] button")
    head.check()
    assert Council.objects.get().status == Council.Status.PUBLISHED
    assert CouncilDecision.objects.get().general_comment == "An excellent first term, keep it up."

    # The parent is told, and downloads the report card on a phone.
    parent = another_journey("phone")
    parent.sign_in(a.parent.username)
    parent.open("notifications:notification-list")
    card = ReportCard.objects.get(student=a.student)
    with parent.page.expect_download() as download_info:
        parent.page.click("main a[href*='/notifications/']:not([href*='preferences'])")
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf") and download.suggested_filename == card.name
    with open(download.path(), "rb") as pdf_file:
        words = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf_file.read())).pages).split()
        text = " ".join(words).replace("- ", "-")  # a word cut at a line end joins again
    assert a.student.last_name.upper() in text and a.student.first_name in text
    assert "15" in text  # 31/40 is 15.5/20
    assert "An excellent first term, keep it up." in text and "Curious and hard-working." in text
    parent.check()


@pytest.mark.parametrize("viewport", ["phone"])
def test_the_progress_bar_follows_a_generation_and_shows_the_files(journey: Journey, world: World) -> None:
    from romsie.assessment import report_cards
    from romsie.assessment.models import ReportCardRun
    from romsie.assessment.tests.builders_councils import council_of

    a = world.a
    enable(a)
    homeroom(a)
    period_of(a)
    mark_for(assessment_for(a), a.student.pk, "12")
    council = council_of(a, Council.Status.VALIDATED)
    run = ReportCardRun.objects.create(
        establishment=a.establishment, council=council, requested_by=a.head, status="running", total=4, done=1
    )
    page = journey.page
    journey.sign_in(a.head.username)
    # On a phone: the classes, the results and the council pages fit and pass the checks.
    journey.open("assessment:class-list")
    journey.open("assessment:class-results", pk=a.school_class.pk)
    journey.open("assessment:council", pk=a.school_class.pk)
    journey.open("assessment:report-cards-progress", pk=a.school_class.pk, run=run.pk)
    expect(page.locator("#ass-progress-bar")).to_have_attribute("value", "25")
    expect(page.locator(".ass-refresh")).to_be_hidden()  # the script refreshes the bar itself
    report_cards.render_run(run.pk)  # the background task's work, while the page waits
    expect(page.locator(".ass-card-files a")).to_have_count(2)
    expect(page.locator("#ass-progress-bar")).to_have_attribute("value", "100")
    journey.check()
