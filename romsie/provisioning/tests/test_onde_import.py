"""ONDE (primary school) imports: the sample extraction, matching rules without identifiers."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from romsie.establishments.models import Establishment
from romsie.identity.models import Guardianship, RoleAssignment, User
from romsie.provisioning import onde
from romsie.schooling.models import Enrollment, SchoolClass

from .helpers import count_writes, onde_import

pytestmark = pytest.mark.django_db


def test_sample_extraction_is_imported_with_exact_counts(primary_school: Establishment, onde_dir: Path) -> None:
    plan = onde_import(onde_dir)

    counts = plan.counts()
    assert [counts[k]["create"] for k in ("student", "guardian", "teacher", "staff")] == [60, 95, 10, 0]
    assert not plan.problems
    assert User.objects.count() == 165
    assert RoleAssignment.objects.filter(role="staff", function="head").get().user.last_name == "MATHIEU"
    assert SchoolClass.objects.filter(establishment=primary_school).count() == 10
    assert set(SchoolClass.objects.values_list("level__code", flat=True)) == {"CP", "CE1", "CE2", "CM1", "CM2"}
    assert SchoolClass.objects.filter(homeroom_teacher__isnull=False).count() == 10
    assert Enrollment.objects.count() == 60
    # 97 guardian rows, 95 people: two guardians appear for two children each.
    assert Guardianship.objects.count() == 97
    assert sorted(Counter(Guardianship.objects.values_list("guardian_id", flat=True)).values())[-2:] == [2, 2]
    # ISO-8859-1 names come out right.
    assert User.objects.filter(last_name="ØSTER").exists()


def test_reimporting_the_extraction_writes_nothing(primary_school: Establishment, onde_dir: Path) -> None:
    onde_import(onde_dir)
    with count_writes() as counter:
        plan = onde_import(onde_dir)
    assert counter.writes == []
    assert not plan.people


def test_utf8_with_bom_reads_like_iso_8859_1(primary_school: Establishment, onde_dir: Path) -> None:
    for path in onde_dir.iterdir():
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().decode("iso-8859-1").encode("utf-8"))
    plan = onde_import(onde_dir)
    assert plan.counts()["guardian"]["create"] == 95
    assert User.objects.filter(last_name="ØSTER").exists()


def test_guardian_key_uses_email_else_address() -> None:
    with_mail = onde.guardian_key("Léa", "Roux", "LEA@example.org", "1 rue A", "77500")
    assert with_mail == onde.guardian_key("LEA", "ROUX", "lea@example.org", "2 rue B", "75000")
    without = onde.guardian_key("Léa", "Roux", "", "1 rue A", "77500")
    assert without == onde.guardian_key("LEA", "ROUX", "", "1 RUE A", "77500")
    assert without != onde.guardian_key("LEA", "ROUX", "", "9 rue C", "77500")


def test_guardian_whose_child_cannot_be_matched_is_reported(primary_school: Establishment, onde_dir: Path) -> None:
    path = onde_dir / "CSVExtraction-responsables.csv"
    text = path.read_bytes().decode("iso-8859-1").replace(";LEROY;Tom;CP A", ";LEROY;Tom;CM2 B", 1)
    path.write_bytes(text.encode("iso-8859-1"))

    plan = onde_import(onde_dir)

    assert [(p.severity, p.file, p.line) for p in plan.problems] == [("error", path.name, 2)]
    assert "Tom" in plan.problems[0].message
    assert plan.counts()["guardian"]["create"] == 94


def test_leaving_pupil_in_full_extraction_is_deactivated(primary_school: Establishment, onde_dir: Path) -> None:
    onde_import(onde_dir)
    path = onde_dir / "CSVExtraction-eleves.csv"
    lines = path.read_bytes().split(b"\r\n")
    path.write_bytes(b"\r\n".join(line for line in lines if not line.startswith(b"651438863FK")))

    plan = onde_import(onde_dir)

    assert plan.counts()["student"]["deactivate"] == 1
    assert not User.objects.get(ine="651438863FK").is_active


def test_an_import_refreshes_the_cached_pages_of_its_establishment_at_once(
    primary_school: Establishment, onde_dir: Path
) -> None:
    from romsie.core import versions

    keys = [versions.key(kind, primary_school.pk) for kind in (versions.Kind.PEOPLE, versions.Kind.STRUCTURE)]
    before = versions.stamp(*keys)
    onde_import(onde_dir)
    after = versions.stamp(*keys)
    assert all(a > b for a, b in zip(after, before, strict=True))
    onde_import(onde_dir)  # nothing to write: nothing to refresh
    assert versions.stamp(*keys) == after
