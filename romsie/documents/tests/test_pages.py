"""The pages of "My documents": folders, uploads, actions, downloads, previews, versions, trash, search."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from romsie.core.testing.factories import scope_of
from romsie.documents import services, spaces
from romsie.documents.models import Blob, DocumentSettings, EstablishmentDocumentSettings, FileVersion, Node, Space

PDF = b"%PDF-1.4\n" + b"x" * 91
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40


def pdf(name: str = "notes.pdf", body: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, body, content_type="application/pdf")


@pytest.fixture
def teacher(docs):
    return docs.a.teacher


@pytest.fixture
def root(teacher):
    return spaces.personal_space_for(scope_of(teacher)).root


@pytest.fixture
def client(client_for, teacher):
    return client_for(teacher)


def upload(teacher, folder, name="notes.pdf", body=PDF, **kwargs):
    return services.file_upload(scope=scope_of(teacher), folder=folder, upload=pdf(name, body), **kwargs)


# -- Folder page ---------------------------------------------------------------------------


def test_my_documents_shows_an_empty_state_and_the_quota(client):
    page = client.get(reverse("documents:home")).content.decode()
    assert "This folder is empty." in page
    assert "<meter" in page and "0\xa0bytes used of 2.0\xa0GB" in page


def test_a_folder_lists_folders_first_then_files_with_size_and_sorts(client, teacher, root):
    services.folder_create(scope=scope_of(teacher), parent=root, name="Zoology")
    upload(teacher, root, "alpha.pdf")
    upload(teacher, root, "beta.pdf", PDF + b"more")
    page = client.get(reverse("documents:folder", args=[root.pk])).content.decode()
    assert page.index("Zoology") < page.index("alpha.pdf") < page.index("beta.pdf")
    assert "100\xa0bytes" in page
    by_size = client.get(reverse("documents:folder", args=[root.pk]), {"tri": "-size"}).content.decode()
    assert by_size.index("beta.pdf") < by_size.index("alpha.pdf")
    assert 'aria-sort="descending"' in by_size
    assert client.get(reverse("documents:folder", args=[root.pk]), {"tri": "nonsense"}).status_code == 200


@pytest.mark.parametrize("files", [1, 50])
def test_a_folder_page_costs_the_same_whatever_its_size(client, teacher, root, files, django_assert_num_queries):
    for n in range(files):
        Node.objects.create(
            space_id=root.space_id, parent=root, path=root.descendants_prefix, name=f"f{n}.pdf", name_key=f"f{n}.pdf",
            search_key=f"f{n}.pdf", created_at=root.created_at, modified_at=root.modified_at, created_by=teacher,
        )  # fmt: skip
    client.get(reverse("documents:folder", args=[root.pk]))
    # session, user, scope (cached), node+space, listing, space right (none: personal)...
    with django_assert_num_queries(4):
        client.get(reverse("documents:folder", args=[root.pk]))


# -- Uploads -------------------------------------------------------------------------------


def test_several_files_are_uploaded_at_once_and_each_refusal_is_told(client, root):
    fake = SimpleUploadedFile("photo.png", b"MZ not a picture")
    response = client.post(
        reverse("documents:upload", args=[root.pk]), {"uploads": [pdf("one.pdf"), pdf("two.pdf"), fake]}, follow=True
    )
    page = response.content.decode()
    assert "2 files stored." in page and "photo.png does not contain what its name says" in page
    assert set(Node.objects.filter(parent=root).values_list("name", flat=True)) == {"one.pdf", "two.pdf"}


def test_the_upload_script_gets_one_json_answer_per_file(client, root):
    Space.objects.filter(pk=root.space_id).update(quota_bytes=150)
    url = reverse("documents:upload", args=[root.pk])
    first = client.post(url, {"uploads": [pdf("one.pdf")]}, HTTP_ACCEPT="application/json")
    assert first.status_code == 200 and first.json()["results"][0]["ok"] is True
    second = client.post(url, {"uploads": [pdf("two.pdf")]}, HTTP_ACCEPT="application/json")
    assert second.status_code == 400
    result = second.json()["results"][0]
    assert result["ok"] is False and result["code"] == "quota" and "Not enough room" in result["message"]
    assert Node.objects.filter(parent=root).count() == 1 and Blob.objects.count() == 1


def test_uploading_over_a_file_with_replace_makes_a_new_version(client, teacher, root):
    node = upload(teacher, root)
    client.post(reverse("documents:upload", args=[root.pk]), {"uploads": [pdf()], "replace": "on"})
    assert FileVersion.objects.filter(node=node).count() == 2


def test_a_new_folder_keeps_what_was_typed_when_the_name_is_taken(client, teacher, root):
    services.folder_create(scope=scope_of(teacher), parent=root, name="Maths")
    response = client.post(reverse("documents:folder-create", args=[root.pk]), {"name": "maths"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "already exists in this folder" in page and 'value="maths"' in page
    assert Node.objects.filter(parent=root, is_folder=True).count() == 1


# -- Rename, move, copy, trash -------------------------------------------------------------


def test_a_stale_rename_is_refused_and_shows_the_other_name(client, teacher, root):
    node = upload(teacher, root)
    seen = Node.objects.get(pk=node.pk).version
    services.node_rename(scope=scope_of(teacher), node=node, name="theirs.pdf", version=seen)
    response = client.post(reverse("documents:node-rename", args=[node.pk]), {"name": "mine.pdf", "version": seen})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Someone else changed this" in page and "theirs.pdf" in page and 'value="mine.pdf"' in page
    assert Node.objects.get(pk=node.pk).name == "theirs.pdf"


def test_move_and_copy_through_the_folder_chooser(client, teacher, root):
    folder = services.folder_create(scope=scope_of(teacher), parent=root, name="Course")
    node = upload(teacher, root)
    page = client.get(reverse("documents:node-move", args=[node.pk])).content.decode()
    assert "Course" in page
    version = Node.objects.get(pk=node.pk).version
    response = client.post(reverse("documents:node-move", args=[node.pk]), {"target": folder.pk, "version": version})
    assert response.status_code == 302 and Node.objects.get(pk=node.pk).parent_id == folder.pk
    client.post(reverse("documents:node-copy", args=[node.pk]), {"target": root.pk, "name": ""})
    assert Node.objects.filter(parent=root, name="notes.pdf").exists()


def test_a_folder_cannot_be_moved_into_itself_nor_offered_as_a_target(client, teacher, root):
    scope = scope_of(teacher)
    outer = services.folder_create(scope=scope, parent=root, name="Outer")
    inner = services.folder_create(scope=scope, parent=outer, name="Inner")
    form = client.get(reverse("documents:node-move", args=[outer.pk])).context["form"]
    assert inner.pk not in dict(form.fields["target"].choices)
    response = client.post(reverse("documents:node-move", args=[outer.pk]), {"target": inner.pk, "version": 0})
    assert response.status_code == 200 and Node.objects.get(pk=outer.pk).parent_id == root.pk


def test_the_trash_page_restores_deletes_and_empties(client, teacher, root, django_capture_on_commit_callbacks):
    kept, gone = upload(teacher, root, "kept.pdf"), upload(teacher, root, "gone.pdf")
    client.post(reverse("documents:node-trash", args=[kept.pk]))
    client.post(reverse("documents:node-trash", args=[gone.pk]))
    page = client.get(reverse("documents:trash")).content.decode()
    assert "kept.pdf" in page and "gone.pdf" in page
    client.post(reverse("documents:trash-restore", args=[kept.pk]))
    assert Node.objects.get(pk=kept.pk).trashed_at is None
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("documents:trash-empty"))
    assert not Node.objects.filter(pk=gone.pk).exists()
    assert Space.objects.get(pk=root.space_id).used_bytes == len(PDF)


@pytest.mark.parametrize("items", [1, 30])
def test_the_trash_page_costs_the_same_whatever_it_holds(client, teacher, root, items, django_assert_num_queries):
    for n in range(items):
        services.node_trash(
            scope=scope_of(teacher), node=services.folder_create(scope=scope_of(teacher), parent=root, name=f"d{n}")
        )
    client.get(reverse("documents:trash"))
    with django_assert_num_queries(5):
        client.get(reverse("documents:trash"))


# -- Downloads, previews, versions ---------------------------------------------------------


def test_a_download_is_an_attachment_never_sniffed(client, teacher, root):
    node = upload(teacher, root)
    response = client.get(reverse("documents:file-download", args=[node.pk]))
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF


def test_images_and_pdfs_are_shown_inline_under_a_strict_policy(client, teacher, root):
    image = services.file_upload(scope=scope_of(teacher), folder=root, upload=SimpleUploadedFile("p.png", PNG))
    response = client.get(reverse("documents:file-inline", args=[image.pk]))
    assert response["Content-Disposition"].startswith("inline")
    assert response["Content-Security-Policy"].startswith("default-src 'none'")
    assert response["X-Content-Type-Options"] == "nosniff"
    page = client.get(reverse("documents:file-detail", args=[image.pk])).content.decode()
    assert f'<img src="{reverse("documents:file-inline", args=[image.pk])}"' in page
    document = upload(teacher, root)
    page = client.get(reverse("documents:file-detail", args=[document.pk])).content.decode()
    assert "<iframe" in page
    assert "Not checked by an antivirus" in page  # none is set up here: said, not hidden
    assert client.get(reverse("documents:file-inline", args=[document.pk]))["X-Frame-Options"] == "SAMEORIGIN"


def test_other_kinds_are_never_shown_inline(client, teacher, root):
    text = services.file_upload(
        scope=scope_of(teacher), folder=root, upload=SimpleUploadedFile("page.txt", b"<script>alert(1)</script>")
    )
    assert client.get(reverse("documents:file-inline", args=[text.pk])).status_code == 404


def test_a_folder_downloads_as_a_streamed_zip_without_what_is_in_the_trash(client, teacher, root):
    scope = scope_of(teacher)
    course = services.folder_create(scope=scope, parent=root, name="Course")
    upload(teacher, course, "lesson.pdf")
    services.folder_create(scope=scope, parent=course, name="Empty")
    services.node_trash(scope=scope, node=upload(teacher, course, "old.pdf"))
    response = client.get(reverse("documents:folder-zip", args=[root.pk]))
    assert response.streaming and response["Content-Disposition"].startswith("attachment")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert sorted(archive.namelist()) == ["Course/", "Course/Empty/", "Course/lesson.pdf"]
    assert archive.read("Course/lesson.pdf") == PDF


def test_versions_page_downloads_an_old_version_and_restores_it(client, teacher, root):
    node = upload(teacher, root)
    upload(teacher, root, body=PDF + b"second", replace=True)
    page = client.get(reverse("documents:file-versions", args=[node.pk])).content.decode()
    assert "Restore version 1" in page
    old = client.get(reverse("documents:version-download", args=[node.pk, 1]))
    assert b"".join(old.streaming_content) == PDF
    version = Node.objects.get(pk=node.pk).version
    client.post(reverse("documents:version-restore", args=[node.pk, 1]), {"version": version})
    assert Node.objects.get(pk=node.pk).current.number == 3
    assert client.get(reverse("documents:version-download", args=[node.pk, 9])).status_code == 404


# -- Search --------------------------------------------------------------------------------


def test_search_finds_names_without_case_or_accents_and_never_the_trash(client, teacher, root):
    upload(teacher, root, "Résumé du cours.pdf")
    services.node_trash(scope=scope_of(teacher), node=upload(teacher, root, "resume old.pdf"))
    folder = services.folder_create(scope=scope_of(teacher), parent=root, name="Archive")
    upload(teacher, folder, "resume inside.pdf")
    services.node_trash(scope=scope_of(teacher), node=folder)
    page = client.get(reverse("documents:search"), {"q": "RESUME"}).content.decode()
    assert "Résumé du cours.pdf" in page and "resume old.pdf" not in page and "resume inside.pdf" not in page


def test_search_reaches_what_is_shared_and_nothing_of_others(client_for, docs, teacher, root):
    from romsie.documents.models import Right, Share

    folder = services.folder_create(scope=scope_of(teacher), parent=root, name="For 6A")
    upload(teacher, folder, "worksheet.pdf")
    upload(teacher, root, "worksheet private.pdf")
    student = client_for(docs.a.student)
    assert "worksheet.pdf" not in student.get(reverse("documents:search"), {"q": "worksheet"}).content.decode()
    Share.objects.create(
        node=folder, kind=Share.Kind.CLASS_ALL, school_class=docs.a.school_class, establishment=docs.a.establishment,
        right=Right.READ,
    )  # fmt: skip
    page = student.get(reverse("documents:search"), {"q": "worksheet"}).content.decode()
    assert "worksheet.pdf" in page and "worksheet private.pdf" not in page


@pytest.mark.parametrize("files", [1, 40])
def test_search_costs_the_same_whatever_it_finds(client, teacher, root, files, django_assert_num_queries):
    for n in range(files):
        upload(teacher, root, f"report {n}.pdf")
    client.get(reverse("documents:search"), {"q": "report"})
    # session, user, visible spaces' nodes (one UNION), matching shares, the page of results
    with django_assert_num_queries(4):
        client.get(reverse("documents:search"), {"q": "report"})


# -- Settings and purge --------------------------------------------------------------------


def test_the_head_sets_quotas_within_the_territory_ceiling(client_for, docs):
    student_space = spaces.personal_space_for(scope_of(docs.a.student))
    head = client_for(docs.a.head)
    url = reverse("documents:establishment-settings")
    refused = head.post(url, {"student_quota_bytes": "999999"})
    assert refused.status_code == 200 and "above the territory" in refused.content.decode()
    assert not EstablishmentDocumentSettings.objects.exists()
    head.post(url, {"student_quota_bytes": "300", "guardians_see_class_spaces": "on"})
    assert Space.objects.get(pk=student_space.pk).quota_bytes == 300 * 1024**2
    assert EstablishmentDocumentSettings.objects.get().guardians_see_class_spaces is True


def test_the_territory_admin_sets_the_defaults(client_for, docs):
    admin = client_for(docs.territory_admin)
    url = reverse("documents:territory-settings", args=[docs.north.pk])
    values = {
        "student_quota_bytes": 100, "parent_quota_bytes": 50, "teacher_quota_bytes": 1000, "staff_quota_bytes": 500,
        "partner_quota_bytes": 50, "ceiling_bytes": 2000, "class_space_quota_bytes": 1000,
        "team_space_quota_bytes": 2000, "max_file_bytes": 100, "trash_days": 7, "version_days": 30,
    }  # fmt: skip
    assert admin.post(url, values).status_code == 302
    saved = DocumentSettings.objects.get(territory=docs.north)
    assert saved.trash_days == 7 and saved.student_quota_bytes == 100 * 1024**2
    assert admin.get(reverse("documents:territory-settings", args=[docs.south.pk])).status_code == 404


def test_purge_deletes_the_old_trash_and_old_versions_keeping_the_current(
    teacher, root, django_capture_on_commit_callbacks
):
    import datetime

    from django.utils import timezone

    node = upload(teacher, root)
    upload(teacher, root, body=PDF + b"v2", replace=True)
    recent = upload(teacher, root, "recent.pdf")
    services.node_trash(scope=scope_of(teacher), node=recent)
    old = upload(teacher, root, "old.pdf")
    services.node_trash(scope=scope_of(teacher), node=old)
    long_ago = timezone.now() - datetime.timedelta(days=100)
    Node.objects.filter(pk=old.pk).update(trashed_at=long_ago)
    FileVersion.objects.filter(node=node).update(uploaded_at=long_ago)
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("purge_documents", stdout=out)
    assert "1 items of the trash and 1 old versions deleted" in out.getvalue()
    assert not Node.objects.filter(pk=old.pk).exists() and Node.objects.filter(pk=recent.pk).exists()
    assert list(FileVersion.objects.filter(node=node).values_list("number", flat=True)) == [2]
    assert Space.objects.get(pk=root.space_id).used_bytes == len(PDF) + 2 + len(PDF)


def test_a_reader_of_a_shared_folder_cannot_upload_and_nothing_is_stored(client_for, docs, teacher, root):
    from romsie.documents.models import Right, Share

    folder = services.folder_create(scope=scope_of(teacher), parent=root, name="For 6A")
    Share.objects.create(
        node=folder, kind=Share.Kind.CLASS_STUDENTS, school_class=docs.a.school_class,
        establishment=docs.a.establishment, right=Right.READ,
    )  # fmt: skip
    student = client_for(docs.a.student)
    page = student.get(reverse("documents:folder", args=[folder.pk])).content.decode()
    assert "Add files" not in page
    response = student.post(reverse("documents:upload", args=[folder.pk]), {"uploads": [pdf("mine.pdf")]}, follow=True)
    assert "You may open “For 6A” but not add to it." in response.content.decode()
    assert not Node.objects.filter(parent=folder).exists() and not Blob.objects.exists()


def test_every_documents_page_is_reached_from_the_one_documents_menu(client, teacher, root):
    page = client.get(reverse("documents:home")).content.decode()
    for name in ("documents:shared-with-me", "documents:space-list", "documents:collection-list", "documents:trash"):
        assert f'href="{reverse(name)}"' in page
    shared = client.get(reverse("documents:shared-with-me")).content.decode()
    assert f'href="{reverse("documents:home")}"' in shared and 'aria-current="page"' in shared
