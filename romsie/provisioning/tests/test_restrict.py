"""An establishment's own AAF import writes nothing outside that establishment."""

from __future__ import annotations

from pathlib import Path

import pytest

from romsie.core.testing import factories as f
from romsie.core.testing.world import World
from romsie.identity.models import RoleAssignment, User
from romsie.provisioning import services

from .helpers import aaf_file, student_xml

pytestmark = pytest.mark.django_db


def teacher_xml(ident: str, uais: list[str], tag: str = "addRequest") -> str:
    functions = "".join(f"<value>{uai}$ENS</value>" for uai in uais)
    return (
        f'<{tag}><operationalAttributes><attr name="categoriePersonne"><value>PersEducNat</value></attr>'
        f"</operationalAttributes><identifier><id>{ident}</id></identifier><attributes>"
        f'<attr name="ENTPersonJointure"><value>{ident}</value></attr>'
        f'<attr name="sn"><value>PROF</value></attr><attr name="givenName"><value>Anne</value></attr>'
        f'<attr name="ENTPersonFonctions">{functions}</attr></attributes></{tag}>'
    )


def restricted_apply(folder: Path, uai: str) -> services.Plan:
    feed = services.feed_read(services.feed_files([folder]), format="aaf", restrict_to=uai)
    plan, _run = services.import_apply(feed)
    return plan


def test_teacher_of_two_establishments_gets_only_the_importing_ones_role(world: World, tmp_path: Path) -> None:
    a, c = world.a.establishment, world.c.establishment
    aaf_file(tmp_path, "ENT_Delta_20260902_PersEducNat_0000.xml", teacher_xml("T1", [a.uai, c.uai]))

    plan = restricted_apply(tmp_path, a.uai)

    teacher = User.objects.get(external_id="aaf:T1")
    assert list(RoleAssignment.objects.filter(user=teacher).values_list("establishment__uai", "role")) == [
        (a.uai, "teacher")
    ]
    assert not plan.errors


def test_a_deletion_ends_only_the_importing_establishments_role(world: World, tmp_path: Path) -> None:
    a, c = world.a.establishment, world.c.establishment
    teacher = f.UserFactory(external_id="aaf:T2")
    for establishment in (a, c):
        f.RoleAssignmentFactory(user=teacher, establishment=establishment, role="teacher")
    aaf_file(tmp_path, "ENT_Delta_20260902_PersEducNat_0000.xml", teacher_xml("T2", [], tag="deleteRequest"))

    restricted_apply(tmp_path, a.uai)

    active = dict(RoleAssignment.objects.filter(user=teacher).values_list("establishment__uai", "is_active"))
    assert active == {a.uai: False, c.uai: True}
    teacher.refresh_from_db()
    assert teacher.is_active


def test_a_full_file_of_another_school_makes_no_leavers(world: World, tmp_path: Path) -> None:
    a, c = world.a.establishment, world.c.establishment
    aaf_file(tmp_path, "ENT_Complet_20260901_Eleve_0000.xml", student_xml("S1", "MOREAU", "Eva", "6Aa", uai=a.uai))
    restricted_apply(tmp_path, a.uai)
    other = tmp_path / "other"
    other.mkdir()
    aaf_file(other, "ENT_Complet_20260902_Eleve_0000.xml", student_xml("S9", "LOIN", "Max", "6Ac", uai=c.uai))

    plan = restricted_apply(other, a.uai)

    assert User.objects.get(external_id="aaf:S1").is_active
    assert not User.objects.filter(external_id="aaf:S9").exists()
    assert plan.counts()["student"]["deactivate"] == 0
    assert [p.severity for p in plan.problems] == ["warning", "error"]
    assert "do not concern your establishment" in plan.problems[1].message
