"""The import pages: upload, column mapping, preview, background apply, progress, history, report."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from romsie.core.testing.world import World
from romsie.identity.models import User
from romsie.provisioning.models import ImportMapping, ImportRun

from .conftest import FIXTURES
from .helpers import aaf_file, student_xml

pytestmark = pytest.mark.django_db

ClientFor = Callable[[Any], Client]


@pytest.fixture
def client_for(client_for: ClientFor) -> ClientFor:
    """Clients reading the pages in English, whatever the translations say."""

    def make(user: Any) -> Client:
        client = client_for(user)
        client.cookies["django_language"] = "en"
        return client

    return make


def uploads(folder: Path) -> list[SimpleUploadedFile]:
    return [SimpleUploadedFile(p.name, p.read_bytes()) for p in sorted(folder.iterdir())]


def stored_files() -> list[str]:
    """Return every file kept in the storage's import folder."""
    try:
        folders = default_storage.listdir("provisioning")[0]
    except FileNotFoundError:
        return []
    return [f"{folder}/{name}" for folder in folders for name in default_storage.listdir(f"provisioning/{folder}")[1]]


def upload(client: Client, fmt: str, files: list[SimpleUploadedFile]) -> Any:
    return client.post(reverse("provisioning:run-upload"), {"format": fmt, "uploads": files})


def test_head_uploads_aaf_files_previews_then_applies_in_the_background(
    world: World, client_for: ClientFor, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(world.a.head)
    people_before = User.objects.count()

    response = upload(client, "aaf", uploads(FIXTURES / "aaf"))

    preview = ImportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("provisioning:run-detail", args=[preview.pk])
    # The preview writes its history row only: nobody is created yet.
    assert User.objects.count() == people_before
    assert (preview.mode, preview.status, preview.source) == ("preview", "succeeded", "aaf")
    assert preview.establishment == world.a.establishment and preview.created_by == world.a.head
    assert preview.counts["student"]["create"] == 120 and preview.counts["guardian"]["create"] == 241
    assert len(preview.storage_paths) == 5 and all(default_storage.exists(p) for p in preview.storage_paths)
    assert {c["code"]: c["create"] for c in preview.details["classes"]} == {"6A": 30, "5A": 30, "4A": 30, "3A": 30}

    page = client.get(response["Location"])
    content = page.content.decode()
    assert "Apply this import" in content
    assert "ENT_Complet_20260901_Eleve_0000.xml" in content
    assert page.context["count_rows"][0]["cells"] == [120, 0, 0, 0, 0]

    stored = list(preview.storage_paths)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("provisioning:run-apply", args=[preview.pk]))

    run = ImportRun.objects.get(mode="applied")
    assert response["Location"] == reverse("provisioning:run-detail", args=[run.pk])
    assert run.applied_from == preview and run.created_by == world.a.head
    assert run.status == "succeeded" and run.progress_done == run.progress_total > 1
    assert User.objects.count() == people_before + 373
    # The files (personal data) are removed once applied.
    assert not any(default_storage.exists(p) for p in stored)
    preview.refresh_from_db()
    assert preview.storage_paths == [] and run.storage_paths == []

    done = client.get(response["Location"]).content.decode()
    assert "Report of the import" in done and 'hx-trigger="every 2s"' not in done

    # The same preview cannot be applied twice.
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(reverse("provisioning:run-apply", args=[preview.pk]))
    assert again.status_code == 302 and ImportRun.objects.filter(mode="applied").count() == 1


def test_onde_extraction_is_previewed_for_the_current_establishment(world: World, client_for: ClientFor) -> None:
    response = upload(client_for(world.a.digital_lead), "onde", uploads(FIXTURES / "onde"))

    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert [run.counts[k]["create"] for k in ("student", "guardian", "teacher", "staff")] == [60, 95, 10, 0]
    assert run.details["establishments"] == [world.a.establishment.uai]


def test_aaf_records_of_another_establishment_are_never_written(
    world: World, client_for: ClientFor, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    other_uai = world.c.establishment.uai
    body = student_xml("990001", "AILLEURS", "Zoé", "6Ac", uai=other_uai) + student_xml(
        "990002", "ICI", "Léo", "6A", uai=world.a.establishment.uai
    )
    delta = aaf_file(tmp_path, "ENT_Delta_20260902_Eleve_0000.xml", body)
    files = [*uploads(FIXTURES / "aaf"), SimpleUploadedFile(delta.name, delta.read_bytes())]
    client = client_for(world.a.head)

    upload(client, "aaf", files)
    preview = ImportRun.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("provisioning:run-apply", args=[preview.pk]))

    assert User.objects.filter(external_id="aaf:990002").exists()
    assert not User.objects.filter(external_id="aaf:990001").exists()
    messages = [p["message"] for p in preview.problems]
    assert any(other_uai in m and "ignored" in m for m in messages)
    assert preview.counts["student"]["create"] == 121


def test_files_of_another_establishment_only_are_refused_as_not_concerning_it(
    world: World, client_for: ClientFor
) -> None:
    upload(client_for(world.b.head), "aaf", uploads(FIXTURES / "aaf"))

    run = ImportRun.objects.get()
    assert run.establishment == world.b.establishment
    assert run.status == "with_errors"
    assert sum(run.person_totals.values()) == 0
    assert any("do not concern your establishment" in p["message"] for p in run.problems)


@pytest.mark.parametrize(
    ("fmt", "name", "content", "message"),
    [
        ("aaf", "people.csv", b"a;b\n1;2\n", "not .xml files"),
        ("onde", "CSVExtraction-divers.csv", b"a;b\n1;2\n", "must tell whether it lists pupils"),
        ("onde", "CSVExtraction-responsables.csv", b"a;b\n1;2\n", "The pupils file"),
        ("csv", "people.csv", b"", "empty"),
        ("aaf", "ENT_Complet_20260901_Eleve_0000.xml", b"<?xml version='1.0'?><ficAlimMENESR><addRe", "truncated"),
    ],
)
def test_unusable_uploads_are_refused_with_a_clear_message(
    world: World, client_for: ClientFor, fmt: str, name: str, content: bytes, message: str
) -> None:
    response = upload(client_for(world.a.head), fmt, [SimpleUploadedFile(name, content)])

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["uploads"])
    assert not ImportRun.objects.exists()


@override_settings(PROVISIONING_MAX_FILE_BYTES=1024)
def test_files_over_the_size_limit_are_refused(world: World, client_for: ClientFor) -> None:
    response = upload(client_for(world.a.head), "onde", uploads(FIXTURES / "onde"))

    assert response.status_code == 200
    errors = response.context["form"].errors["uploads"]
    assert "CSVExtraction-eleves.csv is larger than the limit of 0.000976562 MB." in errors
    assert not ImportRun.objects.exists()


CSV_UNKNOWN_HEADERS = (
    "Statut;Matricule;Nom;Prénom;Division\n"
    "eleve;E1;MARTIN;Lina;6A\n"
    "eleve;E2;=DURAND;Hugo;6A\n"
    "enseignant;T1;PETIT;Sara;\n"
).encode()


def test_csv_columns_are_matched_once_then_remembered(
    world: World, client_for: ClientFor, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(world.a.head)

    response = upload(client, "csv", [SimpleUploadedFile("export.csv", CSV_UNKNOWN_HEADERS)])

    run = ImportRun.objects.get()
    assert run.status == "mapping"
    assert response["Location"] == reverse("provisioning:run-mapping", args=[run.pk])
    page = client.get(response["Location"])
    form = page.context["form"]
    assert [form[f"column_{i}"].label for i in range(5)] == ["Statut", "Matricule", "Nom", "Prénom", "Division"]
    # French headers known by name are pre-selected; the others wait for a choice.
    assert [form[f"column_{i}"].initial for i in range(5)] == ["", "", "last_name", "first_name", ""]
    # The preview page sends back to the columns while they are not chosen.
    assert client.get(reverse("provisioning:run-detail", args=[run.pk]))["Location"] == response["Location"]

    incomplete = {"column_0": "", "column_1": "external_id", "column_2": "last_name", "column_3": "first_name"}
    refused = client.post(response["Location"], incomplete)
    assert "Choose a column for each of these fields" in refused.content.decode()
    twice = {**incomplete, "column_0": "kind", "column_4": "last_name"}
    assert "is chosen for 2 columns" in client.post(response["Location"], twice).content.decode()

    chosen = {**incomplete, "column_0": "kind", "column_4": "class_code"}
    done = client.post(response["Location"], chosen)

    run.refresh_from_db()
    assert done["Location"] == reverse("provisioning:run-detail", args=[run.pk])
    assert run.status == "succeeded"
    assert run.counts["student"]["create"] == 2 and run.counts["teacher"]["create"] == 1
    mapping = ImportMapping.objects.get(establishment=world.a.establishment)
    assert mapping.mapping == {
        "statut": "kind",
        "matricule": "external_id",
        "nom": "last_name",
        "prenom": "first_name",
        "division": "class_code",
    }

    # Next time, the same columns (in another order) go straight to the preview.
    reordered = b"Nom;Statut;Matricule;Prenom;DIVISION\nROUX;eleve;E3;Ana;6A\n"
    again = upload(client, "csv", [SimpleUploadedFile("export2.csv", reordered)])
    second = ImportRun.objects.latest("pk")
    assert again["Location"] == reverse("provisioning:run-detail", args=[second.pk])
    assert second.status == "succeeded" and second.counts["student"]["create"] == 1

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("provisioning:run-apply", args=[run.pk]))
    assert User.objects.get(external_id="csv:E2").last_name == "=DURAND"


def test_progress_polls_while_running_and_stops_when_done(world: World, client_for: ClientFor) -> None:
    run = ImportRun.objects.create(
        establishment=world.a.establishment,
        source="aaf",
        mode="applied",
        status="running",
        progress_done=2,
        progress_total=5,
    )
    client = client_for(world.a.head)
    url = reverse("provisioning:run-progress", args=[run.pk])

    running = client.get(url).content.decode()
    assert f'hx-get="{url}" hx-trigger="every 2s"' in running
    assert '<label for="run-progress-bar">Progress of the import</label>' in running
    assert '<progress id="run-progress-bar" max="5" value="2">40 %</progress>' in running
    assert 'hx-trigger="every 2s"' in client.get(reverse("provisioning:run-detail", args=[run.pk])).content.decode()

    ImportRun.objects.filter(pk=run.pk).update(status="succeeded", progress_done=5)
    finished = client.get(url).content.decode()
    assert "hx-trigger" not in finished and "<progress" not in finished
    assert "Import finished: Succeeded." in finished


def test_report_csv_neutralises_formulas(world: World, client_for: ClientFor) -> None:
    run = ImportRun.objects.create(
        establishment=world.a.establishment,
        source="csv",
        mode="preview",
        status="with_errors",
        counts={"student": {"create": 2}},
        problems=[{"severity": "error", "message": '=HYPERLINK("http://evil")', "file": "@people.csv", "line": 4}],
    )

    response = client_for(world.a.head).get(reverse("provisioning:run-report", args=[run.pk]))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    lines = response.content.decode("utf-8").lstrip("\ufeff").splitlines()
    assert lines[0] == "Type;File;Line;Kind;Message;Number"
    assert "count;;;Students;Arrivals;2" in lines
    assert 'error;\'@people.csv;4;;"\'=HYPERLINK(""http://evil"")";' in lines


def test_another_establishments_run_cannot_be_applied(
    world: World, client_for: ClientFor, django_capture_on_commit_callbacks: Any
) -> None:
    theirs = ImportRun.objects.create(
        establishment=world.c.establishment, source="onde", mode="preview", status="succeeded", storage_paths=["x"]
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world.a.head).post(reverse("provisioning:run-apply", args=[theirs.pk]))

    assert response.status_code == 404
    assert ImportRun.objects.count() == 1


def _problems(n: int) -> list[dict[str, Any]]:
    return [{"severity": "warning", "message": f"warning {i}", "file": "f.xml", "line": i} for i in range(n)]


@pytest.mark.parametrize("rows", [1, 300])
def test_preview_page_costs_the_same_whatever_its_size(
    world: World, client_for: ClientFor, django_assert_num_queries: Any, rows: int
) -> None:
    changes = [
        {"key": f"k{i}", "kind": "student", "name": f"N {i}", "action": "create", "uai": "", "fields": [],
         "detail": "6A", "file": "f.xml", "line": i}
        for i in range(rows)
    ]  # fmt: skip
    run = ImportRun.objects.create(
        establishment=world.a.establishment,
        created_by=world.a.head,
        source="aaf",
        mode="preview",
        status="succeeded",
        storage_paths=["provisioning/x/f.xml"],
        problems=_problems(rows),
        details={
            "changes": changes,
            "changes_total": rows,
            "classes": [{"code": "6A", "create": rows, "in": 0, "out": 0}],
        },
    )
    client = client_for(world.a.head)
    url = reverse("provisioning:run-detail", args=[run.pk])

    with django_assert_num_queries(6):
        response = client.get(url)

    assert response.status_code == 200
    assert len(response.context["problems"]["page"].object_list) == min(rows, 50)
    assert len(response.context["changes"]["rows"]) == min(rows, 50)


@pytest.mark.parametrize("rows", [1, 50])
def test_history_costs_the_same_with_1_and_50_runs(
    world: World, client_for: ClientFor, django_assert_num_queries: Any, rows: int
) -> None:
    ImportRun.objects.bulk_create(
        ImportRun(
            establishment=world.a.establishment,
            created_by=world.a.head if i % 2 else world.a.digital_lead,
            source="onde",
            mode="applied",
            status="succeeded",
            files=[{"name": "CSVExtraction-eleves.csv"}],
            counts={"student": {"create": i}},
            problems=_problems(2),
        )
        for i in range(rows)
    )
    ImportRun.objects.create(establishment=world.c.establishment, source="aaf", mode="applied")
    client = client_for(world.a.head)

    with django_assert_num_queries(7):
        response = client.get(reverse("provisioning:run-list"))

    assert response.status_code == 200
    assert len(response.context["page_obj"].object_list) == min(rows, 20)
    assert response.context["page_obj"].paginator.count == rows


def test_administration_hub_links_to_the_imports(world: World, client_for: ClientFor) -> None:
    content = client_for(world.a.head).get(reverse("administration:home")).content.decode()
    assert f'href="{reverse("provisioning:run-list")}"' in content


def test_a_file_unusable_at_apply_time_fails_the_run_and_writes_nobody(
    world: World, client_for: ClientFor, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(world.a.head)
    upload(client, "onde", uploads(FIXTURES / "onde"))
    preview = ImportRun.objects.get()
    pupils = next(p for p in preview.storage_paths if "eleves" in p)
    default_storage.delete(pupils)
    default_storage.save(pupils, SimpleUploadedFile("x", b"\xff\xfe\x00b\x00a\x00d"))
    people_before = User.objects.count()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("provisioning:run-apply", args=[preview.pk]))

    run = ImportRun.objects.get(mode="applied")
    assert run.status == "failed" and run.finished_at is not None
    assert "unsupported encoding" in run.summary
    assert User.objects.count() == people_before
    assert not any(default_storage.exists(p) for p in preview.storage_paths)


def test_files_of_previews_never_applied_are_removed_after_two_days(world: World, client_for: ClientFor) -> None:
    client = client_for(world.a.head)
    upload(client, "onde", uploads(FIXTURES / "onde"))
    old = ImportRun.objects.get()
    stored = list(old.storage_paths)
    ImportRun.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=3))

    upload(client, "onde", uploads(FIXTURES / "onde"))

    old.refresh_from_db()
    assert old.storage_paths == [] and not any(default_storage.exists(p) for p in stored)
    assert "can no longer be applied" in client.get(reverse("provisioning:run-detail", args=[old.pk])).content.decode()
    assert all(default_storage.exists(p) for p in ImportRun.objects.latest("pk").storage_paths)


# -- bad input answers a clear error on the form, never a 500, and writes nothing --

_HUGE_CELL = "x" * (129 * 1024)


@pytest.mark.parametrize(
    ("fmt", "files"),
    [
        ("onde", {"CSVExtraction-eleves.csv": f'INE;Nom Elève;Prénom Elève\n1;"{_HUGE_CELL}";A\n'}),
        ("csv", {"people.csv": f'kind;external_id;last_name;first_name\nstudent;E1;"{_HUGE_CELL}";A\n'}),
        ("csv", {"people.csv": f'kind;"{_HUGE_CELL}"\nstudent;E1\n'}),  # in the header row
    ],
)
def test_a_csv_cell_over_the_field_limit_is_refused_on_the_form(
    world: World, client_for: ClientFor, fmt: str, files: dict[str, str]
) -> None:
    people_before, files_before = User.objects.count(), stored_files()

    response = upload(
        client_for(world.a.head), fmt, [SimpleUploadedFile(n, text.encode()) for n, text in files.items()]
    )

    assert response.status_code == 200
    [error] = response.context["form"].errors["uploads"]
    assert "Unusable file, nothing was imported" in error and "longer than 128 KiB" in error
    assert not ImportRun.objects.exists() and User.objects.count() == people_before
    assert stored_files() == files_before


def test_a_csv_cell_over_the_field_limit_is_refused_by_the_command(world: World, tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text(f'kind;external_id;last_name;first_name\nstudent;E1;"{_HUGE_CELL}";A\n')
    out, err = StringIO(), StringIO()

    with pytest.raises(SystemExit) as exit_info:
        call_command("provision_feed", str(path), "--establishment", world.a.establishment.uai, stdout=out, stderr=err)

    assert exit_info.value.code == 2
    assert "people.csv:2: a cell is longer than 128 KiB" in err.getvalue()
    assert not ImportRun.objects.exists()


def test_the_upload_form_without_any_file_is_refused_and_creates_no_run(world: World, client_for: ClientFor) -> None:
    response = client_for(world.a.head).post(reverse("provisioning:run-upload"), {"format": "onde"})

    assert response.status_code == 200
    assert response.context["form"].errors["uploads"] == ["This field is required."]
    assert not ImportRun.objects.exists()
