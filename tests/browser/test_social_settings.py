"""A head switches comments on for CM2 in a primary school; the CM2 pupils may comment at once."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from romsie.core.testing import factories as f
from romsie.core.testing.world import World
from romsie.schooling.models import Level, SocialSwitch
from romsie.schooling.social import SocialFeature, allows

from .support import Journey


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_head_switches_comments_on_for_cm2(journey: Journey, world: World, viewport: str) -> None:
    b = world.b  # an elementary school
    b.school_class.level = Level.objects.get(code="CM2")
    b.school_class.save()
    assert not allows(f.scope_of(b.student), SocialFeature.COMMENTS)
    cm2 = Level.objects.get(code="CM2").pk
    page = journey.page

    # The head goes from the administration's hub to the students' social features.
    journey.sign_in(b.head.username)
    journey.open("administration:home")
    journey.follow(f"main a[href='{journey.route('schooling:social-settings')}']")
    box = page.locator(f"input[name=level_{cm2}_comments]")
    expect(box).not_to_be_checked()
    page.get_by_label("CM2 — Commentaires").or_(page.get_by_label("CM2 — Comments")).check()
    journey.submit()
    journey.assert_at("schooling:social-settings")
    journey.check()
    expect(page.locator(f"input[name=level_{cm2}_comments]")).to_be_checked()
    expect(page.locator(f"input[name=level_{cm2}_reactions]")).not_to_be_checked()

    # The CM2 pupils may comment now; nothing else changed.
    assert SocialSwitch.objects.get(establishment=b.establishment, level_id=cm2, feature="comments").enabled
    scope = f.scope_of(b.student)
    assert allows(scope, SocialFeature.COMMENTS)
    assert not allows(scope, SocialFeature.FORUMS)
