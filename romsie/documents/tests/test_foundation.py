"""The documents' foundation: uploads, quota, versions, trash, rename/move/copy and the gate."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from romsie.core.concurrency import StaleEdit
from romsie.core.errors import ApplicationError
from romsie.core.testing.factories import scope_of
from romsie.documents import access, names, services, spaces
from romsie.documents.models import Blob, FileVersion, Node, Right, Share, Space

PDF_HEAD = b"%PDF-1.4\n"


def pdf(name: str = "notes.pdf", size: int = 100) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_HEAD + b"x" * (size - len(PDF_HEAD)), content_type="application/pdf")


def space_of(user) -> Space:
    return spaces.personal_space_for(scope_of(user))


def fresh(space: Space) -> Space:
    return Space.objects.get(pk=space.pk)


def stored_files() -> set[str]:
    return {blob.file.name for blob in Blob.objects.all()}


@pytest.fixture
def teacher(world):
    return world.a.teacher


@pytest.fixture
def mine(teacher):
    return space_of(teacher)


# -- Spaces --------------------------------------------------------------------------------


def test_a_personal_space_is_made_on_first_use_once_with_the_role_quota(world, teacher):
    space = space_of(teacher)
    assert space.kind == Space.Kind.PERSONAL and space.root.is_folder and space.root.path == "/"
    assert space.quota_bytes == 2 * 1024**3  # the teachers' default
    assert space_of(teacher).pk == space.pk
    assert space_of(world.a.student).quota_bytes == 200 * 1024**2


def test_the_establishment_quota_overrides_the_territory_default_within_the_ceiling(world):
    from romsie.documents.models import DocumentSettings, EstablishmentDocumentSettings

    DocumentSettings.objects.create(territory=world.north, ceiling_bytes=300 * 1024**2)
    EstablishmentDocumentSettings.objects.create(establishment=world.a.establishment, student_quota_bytes=10**12)
    assert spaces.personal_quota(world.a.student.pk) == 300 * 1024**2


# -- Uploads, quota, versions --------------------------------------------------------------


def test_an_upload_stores_a_file_its_first_version_and_counts_it(teacher, mine):
    node = services.file_upload(scope=scope_of(teacher), folder=mine.root, upload=pdf(size=1000))
    assert node.name == "notes.pdf" and node.size_bytes == 1000 and node.content_type == "application/pdf"
    assert node.path == f"/{mine.root.pk}/" and node.current.number == 1
    assert len(node.current.blob.sha256) == 64 and default_storage.exists(node.current.blob.file.name)
    assert fresh(mine).used_bytes == 1000


def test_an_upload_over_an_existing_name_is_refused_unless_replacing_and_then_adds_a_version(teacher, mine):
    scope = scope_of(teacher)
    first = services.file_upload(scope=scope, folder=mine.root, upload=pdf(size=100))
    with pytest.raises(ApplicationError) as refused:
        services.file_upload(scope=scope, folder=mine.root, upload=pdf("NOTES.pdf", size=200))
    assert refused.value.extra["code"] == "name_taken"
    assert Blob.objects.count() == 1 and fresh(mine).used_bytes == 100

    again = services.file_upload(scope=scope, folder=mine.root, upload=pdf(size=300), replace=True)
    assert again.pk == first.pk and again.current.number == 2 and again.size_bytes == 300
    assert fresh(mine).used_bytes == 400  # every version counts
    assert list(FileVersion.objects.filter(node=first).values_list("number", flat=True)) == [2, 1]


def test_an_upload_beyond_the_quota_is_refused_and_leaves_nothing(teacher, mine):
    Space.objects.filter(pk=mine.pk).update(quota_bytes=500)
    scope = scope_of(teacher)
    services.file_upload(scope=scope, folder=mine.root, upload=pdf("a.pdf", size=400))
    files = stored_files()
    with pytest.raises(ApplicationError) as refused:
        services.file_upload(scope=scope, folder=mine.root, upload=pdf("b.pdf", size=200))
    assert refused.value.extra["code"] == "quota"
    assert Node.objects.filter(name="b.pdf").count() == 0 and stored_files() == files
    assert fresh(mine).used_bytes == 400


def test_a_file_that_is_not_what_its_name_says_is_refused(teacher, mine):
    fake = SimpleUploadedFile("photo.png", b"MZ\x90\x00 not an image", content_type="image/png")
    with pytest.raises(ApplicationError) as refused:
        services.file_upload(scope=scope_of(teacher), folder=mine.root, upload=fake)
    assert refused.value.extra["code"] == "refused_file"
    assert not Blob.objects.exists() and fresh(mine).used_bytes == 0


def test_a_stale_new_version_is_refused(teacher, mine):
    scope = scope_of(teacher)
    node = services.file_upload(scope=scope, folder=mine.root, upload=pdf())
    seen = Node.objects.get(pk=node.pk).version
    services.file_upload(scope=scope, folder=mine.root, upload=pdf(size=120), replace=True)
    with pytest.raises(StaleEdit):
        services.file_upload(scope=scope, folder=mine.root, upload=pdf(size=140), replace=True, version=seen)
    assert FileVersion.objects.filter(node=node).count() == 2


def test_restoring_a_version_adds_one_pointing_at_the_old_bytes(teacher, mine):
    scope = scope_of(teacher)
    node = services.file_upload(scope=scope, folder=mine.root, upload=pdf(size=100))
    services.file_upload(scope=scope, folder=mine.root, upload=pdf(size=300), replace=True)
    restored = services.version_restore(scope=scope, node=node, number=1)
    first = FileVersion.objects.get(node=node, number=1)
    assert restored.current.number == 3 and restored.current.blob_id == first.blob_id and restored.size_bytes == 100
    assert fresh(mine).used_bytes == 500


# -- Names, rename, move, copy -------------------------------------------------------------


@pytest.mark.parametrize("bad", ["", " ", "a/b", "a\\b", ".", "..", "name.", "tab\tname", "x" * 256, "a\u202eb"])
def test_names_with_path_tricks_or_control_characters_are_refused(bad):
    with pytest.raises(ApplicationError):
        names.clean_name(bad)


def test_a_rename_to_a_name_taken_whatever_its_case_is_refused(teacher, mine):
    scope = scope_of(teacher)
    services.folder_create(scope=scope, parent=mine.root, name="Maths")
    other = services.folder_create(scope=scope, parent=mine.root, name="French")
    with pytest.raises(ApplicationError):
        services.node_rename(scope=scope, node=other, name="MATHS", version=other.version)
    assert Node.objects.get(pk=other.pk).name == "French"
    renamed = services.node_rename(scope=scope, node=other, name="Français", version=other.version)
    assert renamed.name == "Français" and renamed.search_key == "francais"


def test_moving_a_folder_moves_everything_in_it_and_never_into_itself(teacher, mine):
    scope = scope_of(teacher)
    a = services.folder_create(scope=scope, parent=mine.root, name="A")
    b = services.folder_create(scope=scope, parent=a, name="B")
    file = services.file_upload(scope=scope, folder=b, upload=pdf())
    target = services.folder_create(scope=scope, parent=mine.root, name="Target")
    with pytest.raises(ApplicationError):
        services.node_move(scope=scope, node=a, target=b)
    services.node_move(scope=scope, node=a, target=target, version=Node.objects.get(pk=a.pk).version)
    file.refresh_from_db()
    assert file.path == f"/{mine.root.pk}/{target.pk}/{a.pk}/{b.pk}/"
    assert access.get_node(scope, file.pk).ancestors[1].name == "Target"


def test_a_copy_shares_the_bytes_and_counts_in_the_quota(teacher, mine):
    scope = scope_of(teacher)
    folder = services.folder_create(scope=scope, parent=mine.root, name="Course")
    original = services.file_upload(scope=scope, folder=folder, upload=pdf(size=100))
    copy = services.node_copy(scope=scope, node=folder, target=mine.root)
    assert copy.name == "Course (2)"
    copied = Node.objects.get(parent=copy, name="notes.pdf")
    assert copied.current.blob_id == original.current.blob_id and Blob.objects.count() == 1
    assert fresh(mine).used_bytes == 200


# -- Trash ---------------------------------------------------------------------------------


def test_trash_restore_and_purge(teacher, mine, django_capture_on_commit_callbacks):
    scope = scope_of(teacher)
    folder = services.folder_create(scope=scope, parent=mine.root, name="Old")
    file = services.file_upload(scope=scope, folder=folder, upload=pdf(size=100))
    name = file.current.blob.file.name
    services.node_trash(scope=scope, node=folder)
    with pytest.raises(Http404):
        access.get_node(scope, file.pk)
    assert fresh(mine).used_bytes == 100  # still kept until purged
    services.folder_create(scope=scope, parent=mine.root, name="Old")
    restored = services.node_restore(scope=scope, node=folder)
    assert restored.name == "Old (2)" and access.get_node(scope, file.pk).right == Right.MANAGE

    services.node_trash(scope=scope, node=restored)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.trash_empty(scope=scope, space=mine) == 100
    assert not Node.objects.filter(pk__in=[folder.pk, file.pk]).exists() and not Blob.objects.exists()
    assert fresh(mine).used_bytes == 0
    assert not default_storage.exists(name)


# -- The gate ------------------------------------------------------------------------------


def test_another_persons_space_is_not_found_and_a_share_opens_it_read_only(world, teacher, mine):
    scope = scope_of(teacher)
    folder = services.folder_create(scope=scope, parent=mine.root, name="For the class")
    file = services.file_upload(scope=scope, folder=folder, upload=pdf())
    student = scope_of(world.a.student)
    assert access.find_node(student, file.pk) is None
    Share.objects.create(
        node=folder,
        kind=Share.Kind.CLASS_STUDENTS,
        school_class=world.a.school_class,
        establishment=world.a.establishment,
        right=Right.READ,
    )
    assert access.get_node(student, file.pk).right == Right.READ
    assert access.find_node(scope_of(world.a.student2), file.pk) is None  # the other class
    with pytest.raises(ApplicationError):
        services.file_upload(scope=student, folder=folder, upload=pdf("mine.pdf"))
    with pytest.raises(ApplicationError):
        services.node_trash(scope=student, node=file)
    assert Node.objects.filter(parent=folder).count() == 1 and Node.objects.get(pk=file.pk).trashed_at is None


def test_a_share_counts_only_in_its_establishment(world, teacher, mine):
    scope = scope_of(teacher)
    file = services.file_upload(scope=scope, folder=mine.root, upload=pdf())
    Share.objects.create(
        node=file, kind=Share.Kind.USER, user=world.c.teacher, establishment=world.a.establishment, right=Right.READ
    )
    assert access.find_node(scope_of(world.c.teacher), file.pk) is None


def test_class_and_team_spaces_follow_the_rules(world):
    class_space = spaces.class_space_for(world.a.school_class)
    team = spaces.team_space_for(world.a.establishment.pk, world.north.pk)
    assert access.space_right(scope_of(world.a.student), class_space) == Right.READ
    assert access.space_right(scope_of(world.a.teacher), class_space) == Right.CONTRIBUTE
    assert access.space_right(scope_of(world.a.head), class_space) == Right.MANAGE
    assert access.space_right(scope_of(world.a.parent), class_space) is None
    assert access.space_right(scope_of(world.a.student2), class_space) is None
    assert access.space_right(scope_of(world.b.teacher), class_space) is None
    assert access.space_right(scope_of(world.a.teacher), team) == Right.CONTRIBUTE
    assert access.space_right(scope_of(world.a.digital_lead), team) == Right.MANAGE
    assert access.space_right(scope_of(world.a.student), team) is None
    assert set(access.visible_spaces(scope_of(world.a.student))) == {class_space}
