"""Setting up a real territory with two commands, then the nightly deltas (issue 17).

``territory_create`` makes the territory and its first admin; ``provision_feed --territory``
creates the establishments the AAF structure file lists and imports the people in one plan.
"""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db.models import Count

from romsie.core.models import AuditEvent
from romsie.core.testing.factories import EstablishmentFactory, TerritoryFactory
from romsie.establishments.models import Establishment, Territory
from romsie.identity.models import RoleAssignment, TerritoryAdmin, User
from romsie.provisioning.models import ImportRun
from romsie.schooling.models import Enrollment, SchoolClass, Subject, TeachingGroup

from .conftest import AAF_UAI, FIXTURES
from .helpers import count_writes

pytestmark = pytest.mark.django_db

TERRITORY = "Ville de Chelles"


def command(name: str, *args: str) -> tuple[int, str, str]:
    """Run a management command as the operator would; return its exit code, stdout and stderr."""
    out, err = StringIO(), StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command(name, *args, stdout=out, stderr=err)
    return int(exit_info.value.code or 0), out.getvalue(), err.getvalue()


def table_rows() -> dict[str, int]:
    """Count the rows of every table (the history of imports included)."""
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def class_sizes() -> dict[str, int]:
    """Return the active students enrolled per class code."""
    rows = (
        Enrollment.objects.filter(student__is_active=True)
        .values_list("school_class__code")
        .order_by()
        .annotate(n=Count("id"))
    )
    return dict(rows)


def role_counts() -> dict[tuple[str, str], int]:
    rows = (
        RoleAssignment.objects.filter(is_active=True).values_list("role", "function").order_by().annotate(n=Count("id"))
    )
    return {(role, function): n for role, function, n in rows}


def test_fresh_database_two_commands_then_the_nightly_delta_give_exactly_the_feed() -> None:
    assert not Territory.objects.exists() and not Establishment.objects.exists() and not User.objects.exists()

    code, out, _err = command("territory_create", TERRITORY, "--kind", "town")
    assert code == 0 and "activation code" in out
    code, out, err = command("provision_feed", "--territory", TERRITORY, str(FIXTURES / "aaf"))
    assert (code, err) == (0, "")
    assert "Establishments to create (1):" in out and f"{AAF_UAI} COLLEGE JEAN MOULIN" in out

    college = Establishment.objects.get()
    assert (college.uai, college.name, college.kind, college.territory.name) == (
        AAF_UAI,
        "COLLEGE JEAN MOULIN",
        Establishment.Kind.LOWER_SECONDARY,
        TERRITORY,
    )
    assert (college.postal_code, college.city, college.is_active) == ("77500", "CHELLES", True)
    assert college.enabled_services  # created by the territory's service: every service on
    assert AuditEvent.objects.filter(action="establishments.created", target=college.name).count() == 1
    # The feed's accounts, and the territory's admin: nobody else.
    assert User.objects.count() == 373 + 1
    assert TerritoryAdmin.objects.get().territory == college.territory
    assert role_counts() == {
        ("student", ""): 120,
        ("parent", ""): 241,
        ("teacher", ""): 8,
        ("staff", "head"): 1,
        ("staff", "school_life"): 1,
        ("staff", "librarian"): 1,
        ("staff", "office"): 1,
    }
    assert class_sizes() == {"6A": 30, "5A": 30, "4A": 30, "3A": 30}
    assert TeachingGroup.objects.count() == 3 and Subject.objects.count() == 8
    assert ImportRun.objects.get().territory == college.territory

    code, out, err = command("provision_feed", str(FIXTURES / "aaf-delta"))
    assert (code, err) == (0, "")
    assert "Students: 1 new, 0 updated, 1 moved, 1 deactivated, 0 reactivated" in out

    mover = User.objects.get(external_id="aaf:2000000")
    assert [c.code for c in mover.school_classes.all()] == ["5A"]
    leaver = User.objects.get(external_id="aaf:2000001")
    assert not leaver.is_active and leaver.deletion_due_on is not None
    newcomer = User.objects.get(external_id="aaf:2999999")
    assert (newcomer.last_name, newcomer.is_active) == ("NOUVEL", True)
    assert [c.code for c in newcomer.school_classes.all()] == ["4A"]
    assert class_sizes() == {"6A": 29, "5A": 30, "4A": 31, "3A": 30}
    assert User.objects.count() == 373 + 1 + 1
    assert list(User.objects.filter(is_active=False)) == [leaver]
    assert SchoolClass.objects.count() == 4 and Establishment.objects.count() == 1


def test_dry_run_shows_the_establishments_to_create_and_writes_nothing() -> None:
    command("territory_create", TERRITORY, "--kind", "town")
    before = table_rows()

    code, out, _err = command("provision_feed", "--territory", TERRITORY, str(FIXTURES / "aaf"), "--dry-run")

    assert code == 0
    assert "preview, nothing written" in out
    assert "Establishments to create (1):" in out and f"{AAF_UAI} COLLEGE JEAN MOULIN (Collège)" in out
    assert "Students: 120 new" in out
    assert table_rows() == before


def test_running_the_territory_import_twice_writes_nothing_the_second_time() -> None:
    command("territory_create", TERRITORY, "--kind", "town")
    assert command("provision_feed", "--territory", TERRITORY, str(FIXTURES / "aaf"))[0] == 0
    before = table_rows()

    with count_writes() as counter:
        code, out, _err = command("provision_feed", "--territory", TERRITORY, str(FIXTURES / "aaf"))

    assert code == 0 and "Establishments to create" not in out
    assert counter.writes == []
    before["provisioning.ImportRun"] += 1  # only the history row
    assert table_rows() == before


def test_unknown_territory_is_refused_with_exit_2_and_nothing_written() -> None:
    command("territory_create", TERRITORY, "--kind", "town")
    before = table_rows()

    code, _out, err = command("provision_feed", "--territory", "Ville de Nulle-Part", str(FIXTURES / "aaf"))

    assert code == 2 and "no territory named 'Ville de Nulle-Part'" in err
    assert table_rows() == before


def test_territory_with_onde_files_is_a_usage_error(tmp_path: Path) -> None:
    command("territory_create", TERRITORY, "--kind", "town")
    before = table_rows()

    code, _out, err = command(
        "provision_feed", "--territory", TERRITORY, "--establishment", "0771111B", str(FIXTURES / "onde")
    )

    assert code == 2 and "AAF" in err
    assert table_rows() == before


def test_establishment_of_unknown_type_is_not_created_and_its_people_are_refused(tmp_path: Path) -> None:
    command("territory_create", TERRITORY, "--kind", "town")
    folder = tmp_path / "aaf"
    folder.mkdir()
    for path in (FIXTURES / "aaf").iterdir():
        text = path.read_text(encoding="utf-8")
        (folder / path.name).write_text(text.replace("<value>CLG</value>", "<value>XYZ</value>"), encoding="utf-8")

    code, out, _err = command("provision_feed", "--territory", TERRITORY, str(folder))

    assert code == 1
    assert f"establishment {AAF_UAI} has no name or an unknown type (XYZ): not created" in out
    assert not Establishment.objects.exists()
    assert User.objects.count() == 1  # the territory's admin only


def test_known_establishment_of_another_territory_stays_there() -> None:
    other = TerritoryFactory(name="Département voisin")
    college = EstablishmentFactory(uai=AAF_UAI, territory=other)
    command("territory_create", TERRITORY, "--kind", "town")

    code, out, _err = command("provision_feed", "--territory", TERRITORY, str(FIXTURES / "aaf"))

    assert code == 0
    assert "already belongs to another territory" in out
    college.refresh_from_db()
    assert college.territory == other and Establishment.objects.count() == 1
    assert User.objects.filter(role_assignments__establishment=college).distinct().count() == 373
