"""Students' social features: defaults per level, the establishment's choice, the territory's ceiling.

``allows`` is the one question blogs, forums, community walls and polls ask; these tests pin its
answers, its cost (cold and warm) and that a change shows at once.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from romsie.core.errors import ApplicationError
from romsie.core.models import AuditEvent
from romsie.core.testing import factories as f
from romsie.core.testing.world import World
from romsie.schooling import services
from romsie.schooling.models import Level, SocialCeiling, SocialCeilingEntry, SocialSettings, SocialSwitch, Stage
from romsie.schooling.social import SocialFeature, allows

SETTINGS = reverse("schooling:social-settings")
ALL = list(SocialFeature)


@pytest.fixture(autouse=True)
def _english(settings: Any) -> None:
    settings.LANGUAGE_CODE = "en"


def level(code: str) -> Level:
    return Level.objects.get(code=code)


def put_in_level(world_part: Any, code: str) -> None:
    """Move the establishment's class (and so its student) to the level ``code``."""
    school_class = world_part.school_class
    school_class.level = level(code)
    school_class.save()


def ceiling_closes(world: World, territory: Any, *closed: tuple[str, str]) -> None:
    allowed = {(s, feat) for s in Stage.values for feat in SocialFeature.values} - set(closed)
    services.social_ceiling_set(
        scope=f.scope_of(world.territory_admin), territory=territory, allowed=allowed, version=_version(territory)
    )


def _version(territory: Any) -> int | None:
    found = SocialCeiling.objects.filter(territory=territory).first()
    return found.version if found else None


def switch_on(world: World, *cells: tuple[str, str]) -> None:
    """As the head of ``a``, save the table with exactly ``cells`` (level code, feature) on."""
    found = SocialSettings.objects.filter(establishment=world.a.establishment).first()
    services.social_switches_set(
        scope=f.scope_of(world.a.head),
        enabled={(level(code).pk, feature) for code, feature in cells},
        version=found.version if found else None,
    )


# Defaults


def test_a_primary_pupil_may_use_no_social_feature_by_default(world: World) -> None:
    put_in_level(world.b, "CM2")
    scope = f.scope_of(world.b.student)
    assert [allows(scope, feature) for feature in ALL] == [False] * 4


def test_a_college_student_may_use_every_social_feature_by_default(world: World) -> None:
    scope = f.scope_of(world.a.student)
    assert [allows(scope, feature) for feature in ALL] == [True] * 4


@pytest.mark.parametrize("role", ["teacher", "parent", "partner", "head", "school_life"])
def test_adults_are_never_limited(world: World, role: str) -> None:
    ceiling_closes(world, world.north, *[(s, feat) for s in Stage.values for feat in SocialFeature.values])
    for part in (world.a, world.b):
        scope = f.scope_of(part.people[role])
        assert all(allows(scope, feature) for feature in ALL)


def test_a_student_without_a_class_gets_the_default_of_the_establishments_kind(world: World) -> None:
    world.a.school_class.enrollments.all().delete()
    world.b.school_class.enrollments.all().delete()
    assert allows(f.scope_of(world.a.student), SocialFeature.FORUMS)
    assert not allows(f.scope_of(world.b.student), SocialFeature.FORUMS)


def test_last_years_class_does_not_count(world: World) -> None:
    year = world.a.school_class.school_year
    year.is_current = False
    year.save()
    # no current class: the collège's default (on), whatever last year's level chose
    switch_on(world)
    assert allows(f.scope_of(world.a.student), SocialFeature.COMMENTS)


# The establishment's choice, per level


def test_the_establishment_switches_a_feature_per_level(world: World) -> None:
    switch_on(world, ("6E", "comments"), ("5E", "forums"))
    scope = f.scope_of(world.a.student)  # in 6e
    assert allows(scope, SocialFeature.COMMENTS)
    assert not allows(scope, SocialFeature.FORUMS)
    put_in_level(world.a, "5E")
    scope = f.scope_of(world.a.student)
    assert not allows(scope, SocialFeature.COMMENTS)
    assert allows(scope, SocialFeature.FORUMS)


def test_a_primary_school_switches_comments_on_for_cm2_only(world: World, client_for: Any) -> None:
    put_in_level(world.b, "CM2")
    head = client_for(world.b.head)
    page = head.get(SETTINGS)
    assert page.status_code == 200
    form = page.context["form"]
    cm2 = level("CM2").pk
    data = {"version": form.fields["version"].initial or ""} if "version" in form.fields else {}
    data[f"level_{cm2}_comments"] = "on"
    assert head.post(SETTINGS, data).status_code == 302
    scope = f.scope_of(world.b.student)
    assert allows(scope, SocialFeature.COMMENTS)
    assert not allows(scope, SocialFeature.REACTIONS)
    assert SocialSwitch.objects.get(establishment=world.b.establishment, level__code="CM2", feature="comments").enabled
    assert not SocialSwitch.objects.get(
        establishment=world.b.establishment, level__code="CM1", feature="comments"
    ).enabled
    assert AuditEvent.objects.filter(action="schooling.social_set", establishment_id=world.b.establishment.pk).exists()


def test_the_settings_page_lists_the_levels_of_the_establishments_stage(world: World, client_for: Any) -> None:
    rows = client_for(world.b.head).get(SETTINGS).context["form"].rows
    codes = [Level.objects.get(pk=row.key).code for row in rows]
    assert codes[:8] == ["PS", "MS", "GS", "CP", "CE1", "CE2", "CM1", "CM2"]
    college = client_for(world.a.head).get(SETTINGS).context["form"].rows
    assert [Level.objects.get(pk=row.key).code for row in college] == ["6E", "5E", "4E", "3E", "2NDE", "1RE", "TLE"]


# The territory's ceiling


def test_the_territorys_ceiling_overrides_the_establishments_choice(world: World) -> None:
    switch_on(world, ("6E", "comments"), ("6E", "forums"))
    ceiling_closes(world, world.north, ("secondary", "forums"))
    scope = f.scope_of(world.a.student)
    assert allows(scope, SocialFeature.COMMENTS)
    assert not allows(scope, SocialFeature.FORUMS)
    # the other territory's establishments are not concerned
    assert allows(f.scope_of(world.c.student), SocialFeature.FORUMS)


def test_a_closed_feature_is_shown_disabled_with_an_explanation(world: World, client_for: Any) -> None:
    ceiling_closes(world, world.north, ("secondary", "forums"))
    response = client_for(world.a.head).get(SETTINGS)
    content = response.content.decode()
    six = level("6E").pk
    assert f'name="level_{six}_forums"' in content
    field = response.context["form"][f"level_{six}_forums"]
    assert "disabled" in str(field) and 'aria-describedby="social-closed-help"' in str(field)
    assert 'id="social-closed-help"' in content
    assert "closed by the territory" in content


def test_a_post_switching_on_a_closed_feature_is_refused_and_changes_no_row(world: World, client_for: Any) -> None:
    switch_on(world, ("6E", "comments"))
    ceiling_closes(world, world.north, ("secondary", "forums"))
    before = list(SocialSwitch.objects.order_by("pk").values_list("pk", "level_id", "feature", "enabled"))
    version = SocialSettings.objects.get(establishment=world.a.establishment).version
    six = level("6E").pk
    response = client_for(world.a.head).post(
        SETTINGS, {"version": version, f"level_{six}_forums": "on", f"level_{six}_reactions": "on"}
    )
    assert response.status_code == 200
    assert "does not let establishments switch on" in response.content.decode()
    assert list(SocialSwitch.objects.order_by("pk").values_list("pk", "level_id", "feature", "enabled")) == before
    assert SocialSettings.objects.get(establishment=world.a.establishment).version == version


def test_the_service_refuses_a_level_of_another_stage_or_a_closed_cell(world: World) -> None:
    ceiling_closes(world, world.north, ("secondary", "comments"))
    with pytest.raises(ApplicationError):
        switch_on(world, ("6E", "comments"))
    assert not SocialSwitch.objects.exists()
    assert not SocialSettings.objects.exists()


def test_the_territory_page_closes_a_feature_for_a_stage(world: World, client_for: Any) -> None:
    url = reverse("schooling:social-ceiling", args=[world.north.pk])
    admin = client_for(world.territory_admin)
    form = admin.get(url).context["form"]
    data = {name: "on" for name in form.fields if name != "version" and name != "stage_primary_comments"}
    assert admin.post(url, data).status_code == 302
    closed = set(
        SocialCeilingEntry.objects.filter(territory=world.north, allowed=False).values_list("stage", "feature")
    )
    assert closed == {("primary", "comments")}
    assert AuditEvent.objects.filter(action="schooling.social_ceiling_set").exists()


# Edits of the same table at once


def test_a_stale_save_of_the_table_is_refused_with_the_other_version(world: World, client_for: Any) -> None:
    switch_on(world)
    version = SocialSettings.objects.get(establishment=world.a.establishment).version
    switch_on(world, ("6E", "reactions"))  # someone else saves meanwhile
    response = client_for(world.a.digital_lead).post(SETTINGS, {"version": version})
    assert response.status_code == 200
    assert response.context["form"].conflict is not None
    assert "Someone else changed this" in response.content.decode()
    assert SocialSwitch.objects.get(establishment=world.a.establishment, level__code="6E", feature="reactions").enabled


# Cache: a change is visible at once; the cost is pinned


def test_a_change_of_the_settings_or_of_the_ceiling_shows_at_once(world: World) -> None:
    # A scope is built for each request: ``next_request`` is the student's next page.
    def next_request() -> Any:
        return f.scope_of(world.a.student)

    assert allows(next_request(), SocialFeature.REACTIONS)  # computed and cached
    switch_on(world, ("6E", "comments"))
    assert not allows(next_request(), SocialFeature.REACTIONS)
    assert allows(next_request(), SocialFeature.COMMENTS)
    ceiling_closes(world, world.north, ("secondary", "comments"))
    assert not allows(next_request(), SocialFeature.COMMENTS)


def test_a_change_of_class_shows_at_once(world: World) -> None:
    switch_on(world, ("6E", "comments"))
    assert allows(f.scope_of(world.a.student), SocialFeature.COMMENTS)
    put_in_level(world.a, "5E")  # the class changed: the structure's stamp is bumped
    assert not allows(f.scope_of(world.a.student), SocialFeature.COMMENTS)


def test_within_one_request_the_switches_are_read_once_and_never_stored_with_the_scope(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pickle

    from romsie.schooling import social

    reads: list[int] = []
    original = social._student_features
    monkeypatch.setattr(social, "_student_features", lambda scope: reads.append(1) or original(scope))
    scope = f.scope_of(world.a.student)
    for feature in ALL:  # a page asks several times (each forum, each comment form...)
        allows(scope, feature)
    assert reads == [1]
    stored = pickle.loads(pickle.dumps(scope))  # noqa: S301 (our own bytes, as the cache stores a scope)
    assert "_memo" not in stored.__dict__  # the cached scope holds no answer


def test_allows_costs_four_queries_cold_and_none_warm(world: World, django_assert_num_queries: Any) -> None:
    scope = f.scope_of(world.a.student)
    with django_assert_num_queries(4):  # ceiling, switches, levels, the student's level
        assert allows(scope, SocialFeature.COMMENTS)
    with django_assert_num_queries(0):
        for feature in ALL:
            assert allows(scope, feature)
    other = f.scope_of(world.a.student2)
    with django_assert_num_queries(1):  # the establishment's table is shared; only the level is read
        allows(other, SocialFeature.FORUMS)
    adult = f.scope_of(world.a.teacher)
    with django_assert_num_queries(0):
        assert allows(adult, SocialFeature.FORUMS)


def test_the_settings_page_costs_a_pinned_number_of_queries(
    world: World, client_for: Any, django_assert_num_queries: Any
) -> None:
    head = client_for(world.a.head)
    head.get(SETTINGS)
    with django_assert_num_queries(7):  # session, user, establishment, settings row, ceiling, switches, levels
        assert head.get(SETTINGS).status_code == 200


# Demo


def test_the_demo_lets_cm1_and_cm2_pupils_of_one_primary_school_comment(world: World) -> None:
    from romsie.schooling import demo

    ids = [world.a.establishment.pk, world.b.establishment.pk]
    assert demo.populate(ids) == 1 + 8 * 4
    assert demo.populate(ids) == 0  # running it twice adds nothing
    put_in_level(world.b, "CM1")
    scope = f.scope_of(world.b.student)
    assert allows(scope, SocialFeature.COMMENTS)
    assert not allows(scope, SocialFeature.FORUMS)
    put_in_level(world.b, "CE2")
    assert not allows(f.scope_of(world.b.student), SocialFeature.COMMENTS)
    assert not SocialSwitch.objects.filter(establishment=world.a.establishment).exists()
