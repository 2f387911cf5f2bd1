"""The AAF engine end to end: the sample feed, re-runs, deltas, leavers, batches."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection
from django.db.models import Count
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from romsie.core.models import AuditEvent
from romsie.core.testing.factories import EstablishmentFactory
from romsie.establishments.models import Establishment
from romsie.identity.models import Guardianship, RoleAssignment, User
from romsie.provisioning import engine
from romsie.provisioning.models import ImportRun
from romsie.schooling.models import (
    Enrollment,
    GroupMembership,
    SchoolClass,
    SchoolYear,
    Subject,
    Teaching,
    TeachingGroup,
)

from .helpers import aaf_file, aaf_import, count_writes, student_xml

pytestmark = pytest.mark.django_db


def role_counts() -> dict[tuple[str, str], int]:
    rows = RoleAssignment.objects.values_list("role", "function").order_by().annotate(n=Count("id"))
    return {(role, function): n for role, function, n in rows}


def test_sample_feed_is_imported_with_exact_counts(college: Establishment, aaf_dir: Path) -> None:
    plan = aaf_import(aaf_dir)

    counts = plan.counts()
    assert {kind: counts[kind]["create"] for kind in ("student", "guardian", "teacher", "staff")} == {
        "student": 120,
        "guardian": 241,
        "teacher": 8,
        "staff": 4,
    }
    assert not plan.errors
    assert User.objects.count() == 373
    assert role_counts() == {
        ("student", ""): 120,
        ("parent", ""): 241,
        ("teacher", ""): 8,
        ("staff", "head"): 1,
        ("staff", "school_life"): 1,
        ("staff", "librarian"): 1,
        ("staff", "office"): 1,
    }
    assert SchoolClass.objects.filter(establishment=college).count() == 4
    assert TeachingGroup.objects.filter(establishment=college).count() == 3
    assert Subject.objects.filter(establishment=college).count() == 8
    assert Teaching.objects.filter(establishment=college).count() == 32
    assert Guardianship.objects.filter(establishment=college).count() == 248
    assert Guardianship.objects.filter(kind=Guardianship.Kind.OTHER).count() == 26
    assert Enrollment.objects.count() == 120
    assert GroupMembership.objects.count() == 120  # ALL-G1 49, ESP-G1 35, LAT 36
    assert SchoolClass.objects.filter(homeroom_teacher__isnull=False).count() == 3
    assert AuditEvent.objects.filter(action="provisioning.create").count() == 373
    # Keys are prefixed by the source; INE kept for students.
    student = User.objects.get(external_id="aaf:2000000")
    assert student.ine == "747144854HE"
    assert student.school_classes.get().code == "6A"
    # A guardian of two children is one account linked twice.
    assert User.objects.get(external_id="aaf:300001").children_links.count() == 2
    run = ImportRun.objects.get()
    assert run.mode == "applied" and run.status == "succeeded"
    assert run.progress_done == run.progress_total > 0
    assert len(run.files) == 5 and all(len(f["sha256"]) == 64 for f in run.files)


def test_preview_writes_nothing_and_is_serialisable(college: Establishment, aaf_dir: Path) -> None:
    import json

    with count_writes() as counter:
        plan = aaf_import(aaf_dir, apply=False)
    assert counter.writes == []
    assert User.objects.count() == 0
    data = json.loads(json.dumps(plan.as_dict()))
    assert data["counts"]["student"]["create"] == 120
    assert "3A" in plan.summary()
    # Each problem is tied to its file and line.
    assert all(p["file"] and p["line"] for p in data["problems"])


def test_reimporting_the_same_files_writes_nothing(college: Establishment, aaf_dir: Path) -> None:
    aaf_import(aaf_dir)

    with count_writes() as counter:
        plan = aaf_import(aaf_dir)

    assert counter.writes == []
    assert not plan.people and not plan.structures


def test_delta_moves_deletes_and_adds_students(college: Establishment, aaf_dir: Path, tmp_path: Path) -> None:
    aaf_import(aaf_dir)
    delta_dir = tmp_path / "delta"
    delta_dir.mkdir()
    modify = (
        '<modifyRequest><operationalAttributes><attr name="categoriePersonne"><value>Eleve</value></attr>'
        "</operationalAttributes><identifier><id>2000000</id></identifier><attributes>"
        '<attr name="ENTEleveClasses"><value>0771234A$5A</value></attr></attributes></modifyRequest>'
    )
    delete = (
        '<deleteRequest><operationalAttributes><attr name="categoriePersonne"><value>Eleve</value></attr>'
        "</operationalAttributes><identifier><id>2000001</id></identifier></deleteRequest>"
    )
    add = student_xml("2999999", "NOUVEL", "Léa", "4A", ine="123456789AB")
    aaf_file(delta_dir, "ENT_Delta_20260915_Eleve_0000.xml", "\n".join([modify, delete, add]))

    with count_writes() as counter:
        plan = aaf_import(delta_dir)

    assert plan.counts()["student"] == {"create": 1, "update": 0, "move": 1, "deactivate": 1, "reactivate": 0}
    assert User.objects.get(external_id="aaf:2000000").school_classes.get().code == "5A"
    gone = User.objects.get(external_id="aaf:2000001")
    assert not gone.is_active and gone.deletion_due_on is not None
    assert User.objects.get(external_id="aaf:2999999").school_classes.get().code == "4A"
    # A delta is not a full feed: nobody else is a leaver.
    assert User.objects.filter(is_active=False).count() == 1
    assert AuditEvent.objects.filter(action__in=["provisioning.move", "provisioning.deactivate"]).count() == 2
    assert counter.writes  # and a second run of the same delta writes nothing
    with count_writes() as again:
        aaf_import(delta_dir)
    assert again.writes == []


def _drop_student(folder: Path, ident: str) -> None:
    path = folder / "ENT_Complet_20260901_Eleve_0000.xml"
    lines = [line for line in path.read_text().splitlines() if f"<id>{ident}</id>" not in line]
    path.write_text("\n".join(lines) + "\n")


def test_leavers_are_deactivated_then_restored_when_they_come_back(
    college: Establishment, aaf_dir: Path, tmp_path: Path
) -> None:
    aaf_import(aaf_dir)
    leaver = User.objects.get(external_id="aaf:2000005")
    epoch = leaver.session_epoch
    manual = User.objects.create(username="digital.lead", external_id="")
    RoleAssignment.objects.create(user=manual, establishment=college, role="staff", function="digital_lead")
    shrunk = tmp_path / "shrunk"
    import shutil

    shutil.copytree(aaf_dir, shrunk)
    _drop_student(shrunk, "2000005")

    plan = aaf_import(shrunk)

    assert plan.counts()["student"]["deactivate"] == 1
    leaver.refresh_from_db()
    assert not leaver.is_active
    assert leaver.session_epoch == epoch + 1  # their sessions end
    assert leaver.deactivated_at is not None
    assert (leaver.deletion_due_on - timezone.localdate(leaver.deactivated_at)).days == engine.RETENTION_DAYS
    assert User.objects.filter(is_active=False).count() == 1  # hand-made accounts are never leavers
    assert manual.role_assignments.get().is_active

    plan = aaf_import(aaf_dir)

    assert plan.counts()["student"]["reactivate"] == 1
    leaver.refresh_from_db()
    assert leaver.is_active and leaver.deletion_due_on is None
    assert leaver.role_assignments.get().is_active
    assert User.objects.filter(external_id="aaf:2000005").count() == 1


def test_students_are_matched_by_ine_never_by_name(college: Establishment, aaf_dir: Path) -> None:
    known = User.objects.create(username="mohamed.benali", first_name="X", last_name="Y", ine="747144854HE")
    namesake = User.objects.create(username="ambre.guerin", first_name="Ambre", last_name="GUÉRIN")

    aaf_import(aaf_dir)

    known.refresh_from_db()
    assert known.external_id == "aaf:2000000" and known.last_name == "BENALI"
    namesake.refresh_from_db()
    assert namesake.external_id == ""
    assert User.objects.filter(last_name="GUÉRIN", first_name="Ambre").count() == 2


def test_teacher_in_two_establishments_is_one_account_with_two_roles(db: None, tmp_path: Path) -> None:
    EstablishmentFactory(uai="0771234A")
    EstablishmentFactory(uai="0779999Z")
    teacher = (
        '<addRequest><operationalAttributes><attr name="categoriePersonne"><value>PersEducNat</value></attr>'
        "</operationalAttributes><identifier><id>900777</id></identifier><attributes>"
        '<attr name="sn"><value>DURAND</value></attr><attr name="givenName"><value>Léo</value></attr>'
        '<attr name="ENTPersonFonctions"><value>0771234A$ENS$ENSEIGNEMENT$X$X</value>'
        "<value>0779999Z$ENS$ENSEIGNEMENT$X$X</value><value>0779999Z$DIR$DIRECTION$X$X</value></attr>"
        "</attributes></addRequest>"
    )
    aaf_file(tmp_path, "ENT_Complet_20260901_PersEducNat_0000.xml", teacher)

    aaf_import(tmp_path)

    person = User.objects.get()
    assert sorted(person.role_assignments.values_list("establishment__uai", "role", "function")) == [
        ("0771234A", "teacher", ""),
        ("0779999Z", "staff", "head"),
        ("0779999Z", "teacher", ""),
    ]


def _feed_of(folder: Path, students: int) -> Path:
    folder.mkdir()
    body = "\n".join(student_xml(str(5000000 + n), f"NOM{n}", "Prénom", "6A") for n in range(students))
    aaf_file(folder, "ENT_Complet_20260901_Eleve_0000.xml", body)
    aaf_file(
        folder,
        "ENT_Complet_20260901_EtabEducNat_0000.xml",
        '<addRequest><operationalAttributes><attr name="categoriePersonne"><value>Etablissement</value></attr>'
        "</operationalAttributes><identifier><id>0771234A</id></identifier><attributes>"
        '<attr name="ENTStructureUAI"><value>0771234A</value></attr>'
        '<attr name="ENTStructureClasses"><value>6A$6A</value></attr></attributes></addRequest>',
    )
    return folder


def test_queries_grow_with_batches_not_rows(college: Establishment, tmp_path: Path) -> None:
    small, large = _feed_of(tmp_path / "small", 10), _feed_of(tmp_path / "large", 40)
    with override_settings(PROVISIONING_BATCH_SIZE=500):
        with CaptureQueriesContext(connection) as small_queries:
            aaf_import(small)
        User.objects.all().delete()
        SchoolYear.objects.all().delete()  # start the second run from the same empty school
        with CaptureQueriesContext(connection) as large_queries:
            aaf_import(large)
    assert len(large_queries) == len(small_queries)


def test_interrupted_import_resumes_without_duplicates(
    college: Establishment, aaf_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = engine._Writer.write_people
    calls = {"n": 0}

    def failing(self: engine._Writer, ops: list[engine._PersonOp]) -> None:
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("killed")
        original(self, ops)

    monkeypatch.setattr(engine._Writer, "write_people", failing)
    with override_settings(PROVISIONING_BATCH_SIZE=100), pytest.raises(RuntimeError):
        aaf_import(aaf_dir)
    assert User.objects.count() == 200  # two whole batches, nothing of the third
    assert RoleAssignment.objects.count() == 200
    assert ImportRun.objects.get().status == "failed"
    monkeypatch.setattr(engine._Writer, "write_people", original)

    aaf_import(aaf_dir)

    assert User.objects.count() == 373
    assert User.objects.values("external_id").annotate(n=Count("id")).filter(n__gt=1).count() == 0
    assert Guardianship.objects.count() == 248


def test_one_percent_change_writes_only_those_rows(college: Establishment, aaf_dir: Path) -> None:
    aaf_import(aaf_dir)
    path = aaf_dir / "ENT_Complet_20260901_PersRelEleve_0000.xml"
    path.write_text(path.read_text().replace("alice.garnier77@example.org", "alice.garnier@example.net"))
    before = AuditEvent.objects.count()

    with count_writes() as counter:
        plan = aaf_import(aaf_dir)

    assert [(c.key, c.action, c.fields) for c in plan.people] == [("aaf:300001", "update", ("email",))]
    assert User.objects.get(external_id="aaf:300001").email == "alice.garnier@example.net"
    assert AuditEvent.objects.count() == before + 1
    assert len(counter.writes) == 2  # the user row and its audit event
