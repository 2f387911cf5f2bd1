"""``manage.py provision_feed``: output and exit codes."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from romsie.establishments.models import Establishment
from romsie.identity.models import User
from romsie.provisioning.services import school_year_rollover
from romsie.schooling.models import SchoolYear

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("provision_feed", *args, stdout=out, stderr=err)
    return int(exit_info.value.code or 0), out.getvalue(), err.getvalue()


def test_dry_run_prints_the_preview_and_writes_nothing(college: Establishment, aaf_dir: Path) -> None:
    code, out, _err = run(str(aaf_dir), "--dry-run")
    assert code == 0
    assert "120" in out
    assert User.objects.count() == 0


def test_apply_then_onde_with_establishment(
    college: Establishment, primary_school: Establishment, aaf_dir: Path, onde_dir: Path
) -> None:
    assert run(str(aaf_dir))[0] == 0
    assert User.objects.count() == 373
    assert run(str(onde_dir), "--establishment", primary_school.uai)[0] == 0
    assert User.objects.count() == 373 + 165


def test_onde_without_establishment_is_a_usage_error(onde_dir: Path) -> None:
    code, _out, err = run(str(onde_dir))
    assert code == 2 and "--establishment" in err


def test_unusable_file_exits_2(college: Establishment, aaf_dir: Path) -> None:
    path = next(aaf_dir.glob("*Eleve*"))
    path.write_bytes(path.read_bytes()[:500])
    code, _out, err = run(str(aaf_dir))
    assert code == 2 and path.name in err
    assert User.objects.count() == 0


def test_data_errors_exit_1(db: None, aaf_dir: Path) -> None:
    # No establishment 0771234A in the ENT: every record is in error.
    code, out, _err = run(str(aaf_dir))
    assert code == 1 and "0771234A" in out


def test_year_rollover_keeps_last_year_read_only(college: Establishment, aaf_dir: Path) -> None:
    run(str(aaf_dir))
    old = SchoolYear.objects.get(establishment=college)
    import datetime

    new = school_year_rollover(
        establishment=college,
        new_name="2027-2028",
        starts_on=datetime.date(2027, 9, 1),
        ends_on=datetime.date(2028, 7, 4),
    )
    old.refresh_from_db()
    assert new.is_current and not old.is_current
    assert old.school_classes.count() == 4 and new.school_classes.count() == 0
