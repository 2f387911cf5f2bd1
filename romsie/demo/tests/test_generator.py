"""The demo territory generator: the town it builds, its accounts file and its command."""

from __future__ import annotations

import csv
import datetime
import re
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.hashers import check_password
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count

from romsie.core import registry
from romsie.demo import generator
from romsie.demo.generator import DEFAULT_PASSWORD, GenerationReport, generate_default, generate_territory
from romsie.establishments.models import Establishment, Territory
from romsie.identity.models import Guardianship, Role, RoleAssignment, StaffFunction, TerritoryAdmin, User
from romsie.identity.services import activation_code_check
from romsie.schooling.models import (
    Enrollment,
    GroupMembership,
    Level,
    Period,
    Room,
    SchoolClass,
    SchoolYear,
    SocialSwitch,
    Teaching,
    TeachingGroup,
)
from romsie.timetable.models import Lesson, Session

# Classes keep their number but hold a fifth of their pupils: the shapes stay, the test is quick.
SMALL = 0.2


def usernames() -> list[str]:
    return sorted(User.objects.values_list("username", flat=True))


def establishments_of(user: User, role: str) -> set[int]:
    return set(RoleAssignment.objects.filter(user=user, role=role).values_list("establishment_id", flat=True))


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_people() -> None:
    generate_default(scale=SMALL, content=False)
    first = usernames()
    generator.delete_demo_data()
    assert not User.objects.exists()
    assert not Establishment.objects.exists()
    assert Level.objects.count() == 15  # reference data stays

    generate_default(scale=SMALL, content=False)

    assert usernames() == first
    generator.delete_demo_data()
    generate_default(seed=7, scale=SMALL, content=False)
    assert usernames() != first


@pytest.mark.django_db
def test_default_demo_is_a_town_with_two_primary_schools_and_a_college_of_500() -> None:
    report = generate_default()

    town = Territory.objects.get()
    assert town.kind == Territory.Kind.TOWN
    kinds = sorted(Establishment.objects.filter(territory=town).values_list("kind", flat=True))
    assert len(kinds) == 3
    assert kinds.count(Establishment.Kind.LOWER_SECONDARY) == 1
    assert all(
        k in (Establishment.Kind.ELEMENTARY, Establishment.Kind.PRIMARY) for k in kinds if k != "lower_secondary"
    )
    for establishment in Establishment.objects.all():
        assert re.fullmatch(r"[0-9]{7}[A-Z]", establishment.uai)
        assert establishment.enabled_services == [s.key for s in registry.switchable_services()]
        # Every establishment has a timetable for the year, with a few changes recorded.
        assert Lesson.objects.filter(establishment=establishment).count() > 50
        assert Session.objects.filter(establishment=establishment, version=1).count() == 3
        assert establishment.address and establishment.postal_code and establishment.city
        assert establishment.phone and establishment.email
        year = SchoolYear.objects.get(establishment=establishment, is_current=True)
        assert year.name == "2026-2027"
        assert Period.objects.filter(school_year=year).count() == 3
    college = Establishment.objects.get(kind=Establishment.Kind.LOWER_SECONDARY)
    assert 450 <= Enrollment.objects.filter(establishment=college).count() <= 550
    assert SchoolClass.objects.filter(establishment=college).count() == 20
    assert not SchoolClass.objects.filter(establishment=college, homeroom_teacher__isnull=True).exists()
    assert 30 <= RoleAssignment.objects.filter(establishment=college, role=Role.TEACHER).count() <= 40
    assert Room.objects.filter(establishment=college).count() >= 25
    assert TeachingGroup.objects.filter(establishment=college, code__startswith="LAT").exists()
    assert GroupMembership.objects.filter(establishment=college).count() > 200
    assert Teaching.objects.filter(establishment=college, teaching_group__isnull=False).exists()
    for primary in Establishment.objects.exclude(pk=college.pk):
        classes = SchoolClass.objects.filter(establishment=primary)
        assert 6 <= classes.count() <= 10
        assert set(classes.values_list("level__code", flat=True)) == {"CP", "CE1", "CE2", "CM1", "CM2"}
        assert Room.objects.filter(establishment=primary).count() == classes.count()
        functions = set(RoleAssignment.objects.filter(establishment=primary).values_list("function", flat=True))
        assert {StaffFunction.HEAD, StaffFunction.DIGITAL_LEAD, StaffFunction.AFTER_SCHOOL} <= functions
    # One primary school lets its CM1 and CM2 pupils comment; the others keep the defaults.
    commenting = set(
        SocialSwitch.objects.filter(feature="comments", enabled=True).values_list("establishment_id", "level__code")
    )
    assert {code for _pk, code in commenting} == {"CM1", "CM2"}
    assert len({pk for pk, _code in commenting}) == 1 and college.pk not in {pk for pk, _code in commenting}
    assert TerritoryAdmin.objects.filter(territory=town).exists()
    assert User.objects.get(username="operateur").is_superuser
    assert report.accounts == User.objects.count() == len(report.listed)


@pytest.mark.django_db
class TestTheSmallDemo:
    """Tests that only read a small demo without content: it is generated once for all of them."""

    def test_every_teacher_teaches_and_every_student_has_a_legal_guardian_who_is_parent_there(
        self, small_demo: GenerationReport
    ) -> None:
        students = User.objects.filter(role_assignments__role=Role.STUDENT)
        assert students.exists()
        without_guardian = students.exclude(guardian_links__kind=Guardianship.Kind.LEGAL)
        assert not without_guardian.exists()
        for link in Guardianship.objects.all():
            assert RoleAssignment.objects.filter(
                user_id=link.guardian_id, establishment_id=link.establishment_id, role=Role.PARENT
            ).exists()
        assert not User.objects.filter(role_assignments__role=Role.TEACHER, teachings__isnull=True).exists()
        # Guardians are adults with other roles than student; siblings share them.
        assert not Guardianship.objects.filter(guardian__role_assignments__role=Role.STUDENT).exists()
        shared = Guardianship.objects.values("guardian").annotate(children=Count("student")).filter(children__gt=1)
        assert shared.exists()

    def test_a_parent_with_children_in_two_establishments_is_parent_in_both(self, small_demo: GenerationReport) -> None:
        report = small_demo

        row = next(a for a in report.listed if a.role == Role.PARENT and " " in a.uai)
        parent = User.objects.get(username=row.username)
        children_places = set(
            Guardianship.objects.filter(guardian=parent).values_list("student__enrollments__establishment", flat=True)
        )
        kinds = set(Establishment.objects.filter(pk__in=children_places).values_list("kind", flat=True))
        assert len(children_places) == 2
        assert Establishment.Kind.LOWER_SECONDARY in kinds
        assert establishments_of(parent, Role.PARENT) == children_places

    def test_a_teacher_works_in_two_establishments(self, small_demo: GenerationReport) -> None:
        report = small_demo

        row = next(a for a in report.listed if a.role == Role.TEACHER and " " in a.uai)
        teacher = User.objects.get(username=row.username)
        places = establishments_of(teacher, Role.TEACHER)
        assert len(places) == 2
        assert set(Teaching.objects.filter(teacher=teacher).values_list("establishment_id", flat=True)) == places

    def test_unactivated_accounts_sign_in_with_their_code_and_the_others_with_the_demo_password(
        self, small_demo: GenerationReport
    ) -> None:
        report = small_demo

        waiting = [a for a in report.listed if a.activation_code]
        assert len(waiting) == 15  # 2 students, 2 parents and a teacher in each establishment
        for account in waiting:
            user = activation_code_check(username=account.username, code=account.activation_code)
            assert user.username == account.username
            assert user.activated_at is None
            assert not user.has_usable_password()
            assert account.password == ""
        head = next(a for a in report.listed if a.function == StaffFunction.HEAD)
        user = User.objects.get(username=head.username)
        assert head.password == DEFAULT_PASSWORD
        assert check_password(DEFAULT_PASSWORD, user.password)
        assert user.activated_at is not None
        assert user.charter_accepted_at is not None

    def test_accounts_file_has_the_header_key_accounts_first_and_no_formula_cells(
        self, small_demo: GenerationReport, tmp_path: Path
    ) -> None:
        report = small_demo
        path = tmp_path / "accounts.csv"

        generator.write_accounts_csv(path, report.listed)

        with path.open(encoding="utf-8-sig", newline="") as source:
            rows = list(csv.reader(source))
        assert rows[0] == list(generator.ACCOUNTS_HEADER)
        assert len(rows) == 1 + User.objects.count()
        assert rows[1][:5] == ["operator", "", "", "", "operateur"]
        assert [r[1] for r in rows[3:5]] == [StaffFunction.HEAD, StaffFunction.DIGITAL_LEAD]
        assert not [cell for row in rows for cell in row if cell[:1] in ("=", "+", "-", "@")]


def test_safe_cell_defuses_spreadsheet_formulas() -> None:
    assert generator.csv_safe_cell('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert [generator.csv_safe_cell(v) for v in ("+1", "-2", "@SUM(A1)")] == ["'+1", "'-2", "'@SUM(A1)"]
    assert generator.csv_safe_cell("Léa N'Diaye") == "Léa N'Diaye"


def call(*args: str, path: Path) -> str:
    out = StringIO()
    call_command("demo_territory", *args, "--scale", str(SMALL), accounts_file=path, stdout=out, stderr=out)
    return out.getvalue()


@pytest.mark.django_db
def test_if_empty_generates_once_and_keeps_the_data(tmp_path: Path) -> None:
    path = tmp_path / "accounts.csv"
    call("--if-empty", path=path)
    first = usernames()
    assert path.exists()

    output = call("--if-empty", path=path)

    assert "nothing generated" in output
    assert usernames() == first
    assert Territory.objects.count() == 1


@pytest.mark.django_db
class TestADemoGeneratedByTheCommand:
    """Tests starting from a demo the command generated (``--scale 0.2``, with content): it is
    generated once for all of them; ``command_demo`` is its accounts file."""

    def test_generating_over_existing_data_needs_reset(self, command_demo: Path) -> None:
        path = command_demo
        first = usernames()

        with pytest.raises(CommandError):
            call(path=path)
        assert usernames() == first

        call("--reset", path=path)
        assert usernames() == first
        assert Establishment.objects.count() == 3

    def test_school_life_has_a_past_month_in_the_college_and_the_primary_schools(self, command_demo: Path) -> None:
        from romsie.attendance.models import (
            Absence,
            Incident,
            Justification,
            JustificationStatus,
            Lateness,
            RollCall,
            Sanction,
            ThresholdAlert,
        )
        from romsie.notifications.models import Notification
        from romsie.timetable.models import Session

        for establishment in Establishment.objects.all():
            past = Session.objects.filter(establishment=establishment, roll_call__isnull=False)
            assert past.exists(), establishment.name
            absences = Absence.objects.filter(establishment=establishment, kind=Absence.Kind.ABSENCE)
            statuses = set(absences.values_list("status", flat=True))
            assert {JustificationStatus.JUSTIFIED, JustificationStatus.UNJUSTIFIED} <= statuses, establishment.name
            assert Lateness.objects.filter(establishment=establishment).exists()
            assert Absence.objects.filter(establishment=establishment, kind=Absence.Kind.OUT_OF_SCHOOL).exists()
            assert Incident.objects.filter(establishment=establishment).count() == 2
            assert Sanction.objects.filter(establishment=establishment, kind=Sanction.Kind.DETENTION).count() == 1
            assert ThresholdAlert.objects.filter(establishment=establishment).count() == 1
        # Most past sessions are called, some of the last days' are not.
        called = RollCall.objects.count()
        assert 0 < called < Session.objects.filter(date__lt=datetime.date.today()).count()
        assert Justification.objects.filter(status=Justification.Status.PENDING).exists()
        assert Notification.objects.filter(kind="attendance.absence").exists()

    def test_print_accounts_lists_key_sign_ins_from_the_file_without_generating(self, command_demo: Path) -> None:
        path = command_demo
        accounts = User.objects.count()

        output = call("--print-accounts", path=path)

        assert User.objects.count() == accounts
        assert "operateur" in output
        assert DEFAULT_PASSWORD in output
        assert "activation code" in output
        assert "Teacher (2 establishments)" in output
        assert "Parent (2 establishments)" in output
        assert str(path) in output


@pytest.mark.django_db
def test_print_accounts_without_a_file_says_how_to_create_it(tmp_path: Path) -> None:
    output = call("--print-accounts", path=tmp_path / "missing.csv")

    assert "No demo accounts file" in output
    assert not User.objects.exists()


@pytest.mark.django_db
def test_territory_size_builds_a_department_and_its_towns_in_bulk() -> None:
    report = generate_territory(establishments=5, scale=SMALL, content=False)

    department = Territory.objects.get(kind=Territory.Kind.DEPARTMENT)
    colleges = Establishment.objects.filter(kind=Establishment.Kind.LOWER_SECONDARY)
    assert colleges.count() == 2
    assert set(colleges.values_list("territory", flat=True)) == {department.pk}
    primaries = Establishment.objects.exclude(kind=Establishment.Kind.LOWER_SECONDARY)
    assert primaries.count() == 3
    assert not primaries.filter(territory=department).exists()
    assert Territory.objects.filter(kind=Territory.Kind.TOWN).count() == 2
    assert report.establishments == 5
    assert report.accounts == User.objects.count()
    assert report.rows > report.accounts
    # Only a sample is listed, and only the first sector waits for activation codes.
    assert len(report.listed) < 50
    assert 0 < User.objects.filter(activated_at__isnull=True).count() <= 15
    assert not Enrollment.objects.values("student").annotate(n=Count("id")).filter(n__gt=1).exists()
