"""Students' ``comes_of_age_on``: the 18th birthday from the feeds' birth date, the only date kept."""

from __future__ import annotations

import datetime
import json
import re
from pathlib import Path

import pytest

from romsie.core.models import AuditEvent
from romsie.establishments.models import Establishment
from romsie.identity.models import User
from romsie.provisioning import services
from romsie.provisioning.models import ImportRun
from romsie.provisioning.plan import Plan
from romsie.provisioning.records import Problem, birth_date_parse, coming_of_age

from .conftest import ONDE_UAI
from .helpers import aaf_file, aaf_import, count_writes, onde_import, student_xml

STUDENTS_FILE = "ENT_Complet_20260901_Eleve_0000.xml"
GUARDIANS_FILE = "ENT_Complet_20260901_PersRelEleve_0000.xml"
PERSONNEL_FILE = "ENT_Complet_20260901_PersEducNat_0000.xml"
PUPILS_FILE = "CSVExtraction-eleves.csv"
_BIRTH = re.compile(r'<id>(\d+)</id>.*?ENTPersonDateNaissance"><value>([^<]*)</value>')


def _birth_dates(path: Path) -> dict[str, datetime.date]:
    """Return each AAF student's birth date as the sample file writes it, by external id."""
    dates = {}
    for ident, value in _BIRTH.findall(path.read_text()):
        day, month, year = (int(x) for x in value.split("/"))
        dates[f"aaf:{ident}"] = datetime.date(year, month, day)
    return dates


def _edit_request(path: Path, ident: str, old: str, new: str) -> int:
    """Replace ``old`` by ``new`` in the request of ``ident`` (one request a line); return its line."""
    lines = path.read_text().split("\n")
    number = next(i for i, text in enumerate(lines) if f"<id>{ident}</id>" in text)
    assert old in lines[number]
    lines[number] = lines[number].replace(old, new)
    path.write_text("\n".join(lines))
    return number + 1


def _set_birth_date(path: Path, ident: str, value: str) -> int:
    lines = path.read_text().split("\n")
    current = re.search(r'ENTPersonDateNaissance"><value>([^<]*)<', next(t for t in lines if f"<id>{ident}</id>" in t))
    assert current is not None
    return _edit_request(path, ident, f"<value>{current[1]}</value>", f"<value>{value}</value>")


def _date_problems(plan: Plan) -> list[Problem]:
    """The sample has warnings of its own (homerooms); keep those about birth dates."""
    return [p for p in plan.problems if "birth date" in p.message]


def _date_attr(value: str) -> str:
    return f'<attributes><attr name="ENTPersonDateNaissance"><value>{value}</value></attr>'


def _pupil_line(path: Path, old: str, new: str) -> None:
    text = path.read_bytes().decode("iso-8859-1")
    assert text.count(old) == 1
    path.write_bytes(text.replace(old, new).encode("iso-8859-1"))


# -- the computation -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("born", "of_age"),
    [
        (datetime.date(2015, 2, 2), datetime.date(2033, 2, 2)),
        (datetime.date(2008, 12, 31), datetime.date(2026, 12, 31)),
        # 29 February: the 18th birthday falls in a year without one (never a leap year), so 1 March.
        (datetime.date(2008, 2, 29), datetime.date(2026, 3, 1)),
        (datetime.date(2000, 2, 29), datetime.date(2018, 3, 1)),
    ],
)
def test_coming_of_age_is_the_18th_birthday(born: datetime.date, of_age: datetime.date) -> None:
    assert coming_of_age(born) == of_age


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("02/02/2015", datetime.date(2015, 2, 2)),
        (" 2/2/2015 ", datetime.date(2015, 2, 2)),
        ("29/02/2008", datetime.date(2008, 2, 29)),
        ("2015-02-02", datetime.date(2015, 2, 2)),  # a generic CSV may write ISO dates
        ("29/02/2009", None),
        ("31/04/2012", None),
        ("12/13/2012", None),
        ("00/01/2012", None),
        ("02/02/15", None),
        ("2015/02/02", None),
        ("01/01/1850", None),  # a typing error, not a student
        ("01/01/9999", None),
        ("soon", None),
    ],
)
def test_birth_dates_are_read_strictly(value: str, expected: datetime.date | None) -> None:
    assert birth_date_parse(value) == expected


# -- AAF -------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_aaf_students_get_their_coming_of_age_and_nobody_else(college: Establishment, aaf_dir: Path) -> None:
    expected = {key: coming_of_age(born) for key, born in _birth_dates(aaf_dir / STUDENTS_FILE).items()}
    assert len(expected) == 120
    # Birth dates on a guardian and a staff member are not theirs to keep.
    _edit_request(aaf_dir / GUARDIANS_FILE, "300001", "<attributes>", _date_attr("01/01/1980"))
    _edit_request(aaf_dir / PERSONNEL_FILE, "900001", "<attributes>", _date_attr("01/01/1975"))

    plan = aaf_import(aaf_dir)

    assert not _date_problems(plan)
    students = dict(User.objects.filter(role_assignments__role="student").values_list("external_id", "comes_of_age_on"))
    assert students == expected
    assert students["aaf:2000000"] == datetime.date(2033, 2, 2)  # born 02/02/2015
    assert not User.objects.exclude(role_assignments__role="student").filter(comes_of_age_on__isnull=False).exists()


@pytest.mark.django_db
def test_aaf_reimport_writes_nothing_and_a_changed_birth_date_updates_only_that(
    college: Establishment, aaf_dir: Path
) -> None:
    aaf_import(aaf_dir)
    with count_writes() as counter:
        assert not aaf_import(aaf_dir).people
    assert counter.writes == []

    _set_birth_date(aaf_dir / STUDENTS_FILE, "2000000", "29/02/2012")
    with count_writes() as counter:
        plan = aaf_import(aaf_dir)

    assert [(c.key, c.action, c.fields) for c in plan.people] == [("aaf:2000000", "update", ("comes_of_age_on",))]
    assert User.objects.get(external_id="aaf:2000000").comes_of_age_on == datetime.date(2030, 3, 1)
    updates = [sql for sql in counter.writes if sql.lstrip().upper().startswith("UPDATE")]
    assert len(updates) == 1 and "comes_of_age_on" in updates[0]
    # The audit event names the field, never the date.
    event = AuditEvent.objects.get(action="provisioning.update")
    assert event.details["fields"] == "comes_of_age_on"
    assert "2030" not in json.dumps(event.details) and "2012" not in json.dumps(event.details)
    with count_writes() as again:
        aaf_import(aaf_dir)
    assert again.writes == []


@pytest.mark.django_db
def test_aaf_unreadable_birth_date_is_a_warning_and_keeps_what_is_known(college: Establishment, aaf_dir: Path) -> None:
    line = _set_birth_date(aaf_dir / STUDENTS_FILE, "2000001", "31/02/2014")

    plan = aaf_import(aaf_dir)

    assert not plan.errors
    assert [(p.severity, p.file, p.line, p.key) for p in _date_problems(plan)] == [
        ("warning", STUDENTS_FILE, line, "aaf:2000001")
    ]
    student = User.objects.get(external_id="aaf:2000001")
    assert student.is_active and student.comes_of_age_on is None
    assert plan.counts()["student"]["create"] == 120
    # The history keeps the warning, not the value.
    assert "31/02/2014" not in json.dumps(ImportRun.objects.get().problems)

    # Once known, a date is not cleared by a later unreadable one.
    _set_birth_date(aaf_dir / STUDENTS_FILE, "2000001", "12/06/2014")
    aaf_import(aaf_dir)
    _set_birth_date(aaf_dir / STUDENTS_FILE, "2000001", "next june")
    with count_writes() as counter:
        plan = aaf_import(aaf_dir)
    assert counter.writes == [] and len(_date_problems(plan)) == 1
    assert User.objects.get(external_id="aaf:2000001").comes_of_age_on == datetime.date(2032, 6, 12)


@pytest.mark.django_db
def test_aaf_delta_modification_sets_the_date_and_one_without_it_leaves_it(
    college: Establishment, aaf_dir: Path, tmp_path: Path
) -> None:
    aaf_import(aaf_dir)
    delta = tmp_path / "delta"
    delta.mkdir()
    modify = (
        '<modifyRequest><operationalAttributes><attr name="categoriePersonne"><value>Eleve</value></attr>'
        "</operationalAttributes><identifier><id>2000000</id></identifier><attributes>"
        '<attr name="ENTPersonDateNaissance"><value>01/09/2008</value></attr></attributes></modifyRequest>'
    )
    newcomer = student_xml("2999999", "NOUVEL", "Léa", "4A")  # no birth date in the feed
    aaf_file(delta, "ENT_Delta_20260915_Eleve_0000.xml", modify + "\n" + newcomer)

    plan = aaf_import(delta)

    assert not plan.problems
    assert User.objects.get(external_id="aaf:2000000").comes_of_age_on == datetime.date(2026, 9, 1)
    assert User.objects.get(external_id="aaf:2999999").comes_of_age_on is None
    # A modification that does not carry the date leaves it as it is.
    aaf_file(delta, "ENT_Delta_20260915_Eleve_0000.xml", modify.replace("ENTPersonDateNaissance", "ENTEleveRegime"))
    with count_writes() as counter:
        aaf_import(delta)
    assert counter.writes == []
    assert User.objects.get(external_id="aaf:2000000").comes_of_age_on == datetime.date(2026, 9, 1)


# -- ONDE and generic CSV --------------------------------------------------------------------------


@pytest.mark.django_db
def test_onde_pupils_get_their_coming_of_age(primary_school: Establishment, onde_dir: Path) -> None:
    plan = onde_import(onde_dir)

    assert not plan.problems
    assert User.objects.get(ine="651438863FK").comes_of_age_on == datetime.date(2038, 6, 19)  # born 19/06/2020
    assert User.objects.filter(role_assignments__role="student", comes_of_age_on__isnull=False).count() == 60
    assert not User.objects.exclude(role_assignments__role="student").filter(comes_of_age_on__isnull=False).exists()
    with count_writes() as counter:
        onde_import(onde_dir)
    assert counter.writes == []


@pytest.mark.django_db
def test_onde_unreadable_then_corrected_birth_date(primary_school: Establishment, onde_dir: Path) -> None:
    pupils = onde_dir / PUPILS_FILE
    _pupil_line(pupils, "651438863FK;LEROY;;Tom;19/06/2020;", "651438863FK;LEROY;;Tom;19/13/2020;")

    plan = onde_import(onde_dir)

    assert [(p.severity, p.file, p.line, p.key) for p in plan.problems] == [
        ("warning", PUPILS_FILE, 2, "onde:651438863FK")
    ]
    assert plan.counts()["student"]["create"] == 60
    assert User.objects.get(ine="651438863FK").comes_of_age_on is None

    _pupil_line(pupils, "651438863FK;LEROY;;Tom;19/13/2020;", "651438863FK;LEROY;;Tom;19/03/2020;")
    plan = onde_import(onde_dir)

    assert [(c.key, c.action, c.fields) for c in plan.people] == [("onde:651438863FK", "update", ("comes_of_age_on",))]
    assert User.objects.get(ine="651438863FK").comes_of_age_on == datetime.date(2038, 3, 19)


@pytest.mark.django_db
def test_generic_csv_birth_date_column_is_read_for_students_only(tmp_path: Path, primary_school: Establishment) -> None:
    path = tmp_path / "people.csv"
    path.write_text(
        "profil;identifiant;nom;prenom;classe;date de naissance;enfant\n"
        "eleve;E1;ROUX;Ana;CM2A;2008-02-29;\n"
        "eleve;E2;ROUX;Ben;CM2A;le 3 mai;\n"
        "responsable;G1;ROUX;Claire;;12/03/1980;E1\n"
    )
    feed = services.feed_read([path], format="csv", uai=ONDE_UAI)

    plan, _run = services.import_apply(feed)

    assert [(p.severity, p.line) for p in plan.problems] == [("warning", 3)]
    dates = dict(User.objects.values_list("external_id", "comes_of_age_on"))
    assert dates == {"csv:E1": datetime.date(2026, 3, 1), "csv:E2": None, "csv:G1": None}
