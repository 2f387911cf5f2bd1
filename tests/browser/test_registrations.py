"""A parent registers a child to a club on a phone and signs the consents; the organiser sees the registration."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import expect

from romsie.core.testing.world import World
from romsie.registrations.models import ConsentSignature, Question, Registration
from romsie.registrations.tests.builders import activity_in, consent_in, enable

from .support import Journey


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_parent_registers_a_child_to_a_club_and_signs_the_consents(
    journey: Journey, world: World, another_journey: Callable[[str], Journey], viewport: str
) -> None:
    a = world.a
    enable(a)
    club = activity_in(a, title="Club théâtre", capacity=12, organisers=[a.partner])
    question = Question.objects.create(
        establishment=a.establishment, activity=club, label="Votre enfant a-t-il déjà fait du théâtre ?", kind="yes_no"
    )
    images = consent_in(club, "Droit à l'image", "J'autorise la diffusion de photos.")
    alone = consent_in(club, "Sortie seul", "Mon enfant peut rentrer seul.")
    page = journey.page

    # The parent goes from the menu to the club and registers their child.
    journey.sign_in(a.parent.username)
    journey.open_menu()
    journey.follow(f"nav.services-nav a[href='{journey.route('registrations:activity-list')}']")
    journey.follow(f"main a[href='{journey.route('registrations:activity-detail', club.pk)}']")
    journey.follow(f"main a[href='{journey.route('registrations:registration-create', club.pk)}']")
    expect(page.locator("main")).to_contain_text("J'autorise la diffusion de photos.")
    page.check(f"input[name=child][value='{a.student.pk}']")
    page.check(f"input[name=question_{question.pk}][value=no]")
    page.check(f"input[name=consent_{images.consent_id}][value=given]")
    page.check(f"input[name=consent_{alone.consent_id}][value=refused]")
    journey.submit("main form.registration-form button[type=submit]")
    registration = Registration.objects.get(activity=club)
    journey.assert_at("registrations:registration-detail", registration.pk)
    journey.check()
    expect(page.locator("#registration-status")).to_have_text(registration.get_status_display())
    signatures = {s.consent_version_id: s.is_given for s in ConsentSignature.objects.filter(registration=registration)}
    assert signatures == {images.pk: True, alone.pk: False}
    assert registration.answers == {str(question.pk): "no"}

    # The partner running the club sees the registration in the list, with the consents.
    organiser = another_journey("desktop")
    organiser.sign_in(a.partner.username)
    organiser.open("registrations:activity-registrations", club.pk)
    row = organiser.page.locator("main table tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(a.student.last_name)
