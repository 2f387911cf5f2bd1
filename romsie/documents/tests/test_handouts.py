"""Class and team spaces, hand-outs to a class, collections of work."""

from __future__ import annotations

import datetime
import io
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone

from romsie.core.errors import ApplicationError
from romsie.core.testing.factories import EnrollmentFactory, person, scope_of
from romsie.documents import access, handouts
from romsie.documents.models import Collection, Dropbox, EstablishmentDocumentSettings, FileVersion, Node, Right, Space
from romsie.identity.models import Role
from romsie.notifications.models import Notification

from .matrix import enable
from .sharing_builders import pdf, space_of, upload


@pytest.fixture(autouse=True)
def _on(world, english):
    enable(world.a, world.b, world.c)


def _class_of(world, size: int) -> list:
    students = [world.a.student]
    for index in range(size - 1):
        student = person(world.a.establishment, Role.STUDENT, username=f"pupil{index}.a", last_name=f"Pupil{index:02d}")
        EnrollmentFactory(school_class=world.a.school_class, student=student)
        students.append(student)
    return students


# -- Class and team spaces -----------------------------------------------------------------


def test_class_spaces_ensure_makes_every_missing_class_space_and_the_team_space_once(world, django_assert_num_queries):
    made = handouts.class_spaces_ensure(world.a.establishment)
    assert made == 2  # school_class and class2
    spaces = Space.objects.filter(establishment=world.a.establishment)
    assert {s.kind for s in spaces} == {Space.Kind.CLASS, Space.Kind.TEAM}
    assert all(s.root is not None and s.root.path == "/" for s in spaces)
    with django_assert_num_queries(3):  # nothing missing: the classes; the team space and its quota
        assert handouts.class_spaces_ensure(world.a.establishment) == 0


def test_my_spaces_lists_the_class_spaces_with_the_rights_of_each(world, client_for):
    page = client_for(world.a.teacher).get(reverse("documents:space-list")).content.decode()
    assert f"Class {world.a.school_class.name}" in page and "Staff team" in page
    assert f"Class {world.a.class2.name}" not in page
    page = client_for(world.a.student).get(reverse("documents:space-list")).content.decode()
    assert f"Class {world.a.school_class.name}" in page and "Staff team" not in page


def test_guardians_see_the_class_space_only_when_the_school_allows_it(world, client_for):
    handouts.class_spaces_ensure(world.a.establishment)
    space = Space.objects.get(school_class=world.a.school_class)
    client = client_for(world.a.parent)
    assert f"Class {world.a.school_class.name}" not in client.get(reverse("documents:space-list")).content.decode()
    assert client.get(reverse("documents:node-open", args=[space.root_id])).status_code == 404
    EstablishmentDocumentSettings.objects.create(establishment=world.a.establishment, guardians_see_class_spaces=True)
    assert f"Class {world.a.school_class.name}" in client.get(reverse("documents:space-list")).content.decode()
    assert client.get(reverse("documents:node-open", args=[space.root_id]), follow=True).status_code == 200
    assert access.find_node(scope_of(world.a.parent2), space.root_id) is None


# -- Hand-outs -----------------------------------------------------------------------------


def test_a_hand_out_gives_each_student_a_read_only_copy_of_the_same_bytes_uncounted(world):
    teacher = world.a.teacher
    file = upload(teacher, "exercices.pdf", size=500)
    students = _class_of(world, 3)
    count = handouts.handout_distribute(
        scope=scope_of(teacher), node=file, tokens=[f"class-students:{world.a.school_class.pk}"]
    )
    assert count == 3
    copies = Node.objects.filter(origin=file)
    assert copies.count() == 3 and all(c.is_read_only and c.parent.name == "Received" for c in copies)
    assert set(FileVersion.objects.filter(node__in=copies).values_list("blob_id", flat=True)) == {file.current.blob_id}
    assert all(space_of(s).used_bytes == 0 for s in students)
    student = scope_of(world.a.student)
    copy = copies.get(space__owner=world.a.student)
    assert access.get_node(student, copy.pk).right == Right.READ
    with pytest.raises(ApplicationError):
        from romsie.documents import services

        services.node_rename(scope=student, node=copy, name="mine.pdf")
    assert Notification.objects.filter(kind=handouts.HANDOUT_KIND).count() == 3
    assert (
        handouts.handout_distribute(
            scope=scope_of(teacher), node=file, tokens=[f"class-students:{world.a.school_class.pk}"]
        )
        == 0
    )


@pytest.mark.parametrize("size", [1, 30])
def test_a_hand_out_costs_the_same_queries_whatever_the_class_size(world, django_assert_num_queries, size):
    teacher = world.a.teacher
    file = upload(teacher)
    _class_of(world, size)
    scope = scope_of(teacher)
    with django_assert_num_queries(26):
        assert (
            handouts.handout_distribute(scope=scope, node=file, tokens=[f"class-students:{world.a.school_class.pk}"])
            == size
        )


def test_a_hand_out_to_a_class_one_does_not_teach_is_refused_and_changes_nothing(world):
    file = upload(world.a.teacher)
    with pytest.raises(ApplicationError):
        handouts.handout_distribute(
            scope=scope_of(world.a.teacher), node=file, tokens=[f"class-students:{world.a.class2.pk}"]
        )
    with pytest.raises(ApplicationError):
        handouts.handout_distribute(
            scope=scope_of(world.a.head), node=file, tokens=[f"class-students:{world.a.school_class.pk}"]
        )
    assert not Node.objects.filter(origin=file).exists()


def test_the_hand_out_page(world, client_for):
    file = upload(world.a.teacher, "fiche.pdf")
    client = client_for(world.a.teacher)
    url = reverse("documents:handout-create", args=[file.pk])
    assert world.a.school_class.name in client.get(url).content.decode()
    assert client.post(url, {"audience": [f"class-students:{world.a.school_class.pk}"]}).status_code == 302
    assert Node.objects.filter(origin=file, space__owner=world.a.student).exists()
    assert client_for(world.a.student).get(url).status_code == 403


# -- Collections ---------------------------------------------------------------------------


def _collection(world) -> Collection:
    return handouts.collection_create(
        scope=scope_of(world.a.teacher),
        title="Exposé",
        token=f"class-students:{world.a.school_class.pk}",
        due_at=timezone.now() + datetime.timedelta(days=3),
    )


def test_students_hand_in_to_their_own_folder_and_see_only_their_own_work(world):
    collection = _collection(world)
    other = _class_of(world, 2)[1]
    handouts.collection_drop(scope=scope_of(world.a.student), collection=collection, upload=pdf("mine.pdf", 200))
    handouts.collection_drop(scope=scope_of(other), collection=collection, upload=pdf("theirs.pdf", 300))
    again = handouts.collection_drop(
        scope=scope_of(world.a.student), collection=collection, upload=pdf("mine.pdf", 250)
    )
    assert again.current.number == 2
    mine = Dropbox.objects.get(collection=collection, student=world.a.student)
    theirs = Dropbox.objects.get(collection=collection, student=other)
    student = scope_of(world.a.student)
    assert access.find_node(student, mine.folder_id) is not None
    assert access.find_node(student, theirs.folder_id) is None
    assert access.find_node(student, collection.folder_id) is None
    assert space_of(world.a.teacher).used_bytes == 200 + 300 + 250
    with pytest.raises(ApplicationError):
        handouts.collection_drop(scope=scope_of(world.a.student2), collection=collection, upload=pdf())


def test_work_after_the_due_date_is_taken_and_marked_late(world):
    collection = _collection(world)
    later = collection.due_at + datetime.timedelta(hours=1)
    handouts.collection_drop(scope=scope_of(world.a.student), collection=collection, upload=pdf(), now=later)
    assert Dropbox.objects.get(collection=collection).is_late


def test_the_teacher_sees_every_student_and_downloads_everything_as_a_zip(world, client_for):
    collection = _collection(world)
    handouts.collection_drop(scope=scope_of(world.a.student), collection=collection, upload=pdf("mine.pdf", 200))
    client = client_for(world.a.teacher)
    page = client.get(reverse("documents:collection-detail", args=[collection.pk])).content.decode()
    assert "mine.pdf" in page and "1 handed in, 0 not yet." in page
    answer = client.get(reverse("documents:collection-zip", args=[collection.pk]))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(answer.streaming_content)))
    assert archive.namelist() == [f"{world.a.student.get_full_name()}/mine.pdf"]
    assert client_for(world.a.student).get(reverse("documents:collection-zip", args=[collection.pk])).status_code == 403


def test_the_student_hands_in_through_the_page_and_a_stranger_gets_404(world, client_for):
    collection = _collection(world)
    client = client_for(world.a.student)
    url = reverse("documents:collection-detail", args=[collection.pk])
    assert "You have not handed anything in yet." in client.get(url).content.decode()
    assert client.post(url, {"file": pdf("devoir.pdf")}).status_code == 302
    assert "devoir.pdf" in client.get(url).content.decode()
    assert client_for(world.a.student2).get(url).status_code == 404
    assert client_for(world.c.student).get(url).status_code == 404


def test_a_teacher_opens_a_collection_from_the_page(world, client_for):
    client = client_for(world.a.teacher)
    url = reverse("documents:collection-create")
    page = client.post(
        url, {"title": "Rapport", "audience": f"class-students:{world.a.school_class.pk}", "due_on": "2030-01-10"}
    )
    assert page.status_code == 302
    collection = Collection.objects.get(title="Rapport")
    assert collection.folder.space.owner_id == world.a.teacher.pk
    refused = client.post(
        url, {"title": "X", "audience": f"class-students:{world.a.class2.pk}", "due_on": "2030-01-10"}
    )
    assert refused.status_code == 200 and not Collection.objects.filter(title="X").exists()
