"""Sharing: with people and groups, with a right; stopping; "shared with me"; the notification; the audit."""

from __future__ import annotations

import pytest
from django.urls import reverse

from romsie.core.errors import ApplicationError
from romsie.core.models import AuditEvent
from romsie.core.testing.factories import person, scope_of
from romsie.documents import access, services, sharing
from romsie.documents.models import Right, Share
from romsie.identity.models import Role
from romsie.notifications.models import Notification

from .matrix import enable
from .sharing_builders import space_of, upload


@pytest.fixture(autouse=True)
def _on(world, english):
    enable(world.a, world.b, world.c)


def test_a_teacher_shares_a_folder_with_a_class_whose_students_then_read_it(world):
    teacher = world.a.teacher
    scope = scope_of(teacher)
    folder = services.folder_create(scope=scope, parent=space_of(teacher).root, name="Maths")
    file = upload(teacher, folder=folder)
    student = scope_of(world.a.student)
    assert access.find_node(student, file.pk) is None
    sharing.share_create(scope=scope, node=folder, tokens=[f"class-students:{world.a.school_class.pk}"])
    assert access.get_node(student, file.pk).right == Right.READ
    assert access.find_node(scope_of(world.a.student2), file.pk) is None
    assert access.find_node(scope_of(world.a.parent), file.pk) is None  # the students only
    note = Notification.objects.get(kind=sharing.SHARED_KIND, recipient=world.a.student)
    assert note.params["name"] == "Maths" and note.url == reverse("documents:node-open", args=[folder.pk])
    assert AuditEvent.objects.filter(action="documents.share", actor=teacher).count() == 1


def test_sharing_again_changes_the_right_and_tells_only_the_new_people(world):
    teacher = world.a.teacher
    scope = scope_of(teacher)
    file = upload(teacher)
    sharing.share_create(scope=scope, node=file, tokens=[f"user:{world.a.head.pk}"])
    sharing.share_create(
        scope=scope, node=file, tokens=[f"user:{world.a.head.pk}", f"user:{world.a.librarian.pk}"], right=Right.MANAGE
    )
    assert set(Share.objects.filter(node=file).values_list("user_id", "right")) == {
        (world.a.head.pk, Right.MANAGE),
        (world.a.librarian.pk, Right.MANAGE),
    }
    assert Notification.objects.filter(kind=sharing.SHARED_KIND, recipient=world.a.head).count() == 1
    assert access.get_node(scope_of(world.a.head), file.pk).right == Right.MANAGE


def test_class_all_reaches_students_and_guardians_and_staff_reaches_colleagues(world):
    teacher = world.a.teacher
    file = upload(teacher)
    sharing.share_create(
        scope=scope_of(teacher), node=file, tokens=[f"class-all:{world.a.school_class.pk}", "staff:all"]
    )
    for reader in (world.a.student, world.a.parent, world.a.head, world.a.school_life):
        assert access.find_node(scope_of(reader), file.pk) is not None, reader
    for stranger in (world.a.student2, world.a.parent2, world.b.teacher, world.c.teacher):
        assert access.find_node(scope_of(stranger), file.pk) is None, stranger


def test_only_who_manages_a_node_shares_it_and_a_refusal_changes_nothing(world):
    teacher = world.a.teacher
    file = upload(teacher)
    sharing.share_create(scope=scope_of(teacher), node=file, tokens=[f"user:{world.a.head.pk}"], right=Right.READ)
    before = list(Share.objects.values_list("pk", "right"))
    with pytest.raises(ApplicationError):
        sharing.share_create(scope=scope_of(world.a.head), node=file, tokens=[f"user:{world.a.librarian.pk}"])
    with pytest.raises(ApplicationError):  # never seen: no longer there
        sharing.share_create(scope=scope_of(world.a.librarian), node=file, tokens=[f"user:{world.a.head.pk}"])
    assert list(Share.objects.values_list("pk", "right")) == before


def test_a_forged_audience_is_refused(world):
    teacher = world.a.teacher
    file = upload(teacher)
    for token in (f"user:{world.c.teacher.pk}", f"class-all:{world.c.school_class.pk}", "list:1", "user:x"):
        with pytest.raises(ApplicationError):
            sharing.share_create(scope=scope_of(teacher), node=file, tokens=[token])
    assert not Share.objects.filter(node=file).exists()


def test_a_student_allowed_to_share_reaches_staff_and_classmates_only(world):
    from romsie.establishments.models import Establishment

    est = Establishment.objects.get(pk=world.a.establishment.pk)
    est.habilitation_overrides = {"student": {"documents.share": True}}
    est.save()
    student = world.a.student
    scope = scope_of(student)
    assert scope.has("documents.share")
    classmate = person(world.a.establishment, Role.STUDENT, username="classmate.a")
    from romsie.core.testing.factories import EnrollmentFactory

    EnrollmentFactory(school_class=world.a.school_class, student=classmate)
    people = set(access.shareable_people(scope).values_list("pk", flat=True))
    assert {world.a.teacher.pk, world.a.head.pk, classmate.pk} <= people
    assert world.a.student2.pk not in people and world.a.parent.pk not in people
    assert access.share_groups(scope) == []


def test_stopping_a_share_takes_the_access_away(world):
    teacher = world.a.teacher
    file = upload(teacher)
    (share,) = sharing.share_create(scope=scope_of(teacher), node=file, tokens=[f"user:{world.a.head.pk}"])
    sharing.share_delete(scope=scope_of(teacher), share=share)
    assert access.find_node(scope_of(world.a.head), file.pk) is None
    assert AuditEvent.objects.filter(action="documents.unshare").count() == 1


# -- Pages ---------------------------------------------------------------------------------


def test_the_share_page_lists_shares_and_shares_through_the_picker(world, client_for):
    teacher = world.a.teacher
    file = upload(teacher, "plan.pdf")
    client = client_for(teacher)
    url = reverse("documents:share-list", args=[file.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Shared with nobody yet." in page.content.decode()
    assert f"class-all:{world.a.school_class.pk}" in page.content.decode()
    answer = client.post(
        url, {"audience": [f"user:{world.a.head.pk}", f"class-guardians:{world.a.school_class.pk}"], "right": "2"}
    )
    assert answer.status_code == 302
    assert set(Share.objects.filter(node=file).values_list("kind", "right")) == {
        ("user", Right.CONTRIBUTE),
        ("class_guardians", Right.CONTRIBUTE),
    }
    page = client.get(url).content.decode()
    assert world.a.head.get_full_name() in page and f"Guardians of {world.a.school_class.name}" in page


def test_the_share_page_of_someone_elses_document_is_not_found_and_a_forged_person_names_nobody(world, client_for):
    file = upload(world.a.teacher, "secret.pdf")
    assert client_for(world.a.head).get(reverse("documents:share-list", args=[file.pk])).status_code == 404
    client = client_for(world.a.teacher)
    page = client.post(
        reverse("documents:share-list", args=[file.pk]), {"audience": [f"user:{world.c.teacher.pk}"], "right": "1"}
    )
    assert page.status_code == 200 and world.c.teacher.last_name not in page.content.decode()
    assert not Share.objects.filter(node=file).exists()


def test_stop_sharing_by_post(world, client_for):
    file = upload(world.a.teacher)
    (share,) = sharing.share_create(scope=scope_of(world.a.teacher), node=file, tokens=[f"user:{world.a.head.pk}"])
    assert client_for(world.a.head).post(reverse("documents:share-delete", args=[share.pk])).status_code == 404
    assert Share.objects.filter(pk=share.pk).exists()
    assert client_for(world.a.teacher).post(reverse("documents:share-delete", args=[share.pk])).status_code == 302
    assert not Share.objects.filter(pk=share.pk).exists()


def test_people_search_finds_only_people_one_may_share_with(world, client_for):
    client = client_for(world.a.teacher)
    url = reverse("documents:share-people-search")
    assert world.a.head.last_name in client.get(url, {"q": world.a.head.last_name}).content.decode()
    assert world.c.head.last_name not in client.get(url, {"q": world.c.head.last_name}).content.decode()


def _share_many(world, count: int) -> None:
    sharers = [world.a.teacher, world.a.head]
    for index in range(count):
        sharer = sharers[index % 2]
        file = upload(sharer, f"doc {index}.pdf")
        sharing.share_create(scope=scope_of(sharer), node=file, tokens=[f"class-students:{world.a.school_class.pk}"])


@pytest.mark.parametrize("count", [1, 50])
def test_shared_with_me_costs_the_same_for_1_or_50_shares(world, client_for, django_assert_num_queries, count):
    _share_many(world, count)
    client = client_for(world.a.student)
    client.get(reverse("documents:shared-with-me"))  # the scope is cached
    with django_assert_num_queries(3):  # session, person, one page of shares
        page = client.get(reverse("documents:shared-with-me"))
    body = page.content.decode()
    assert f"doc {count - 1}.pdf" in body and f"From {world.a.teacher.get_full_name()}" in body
    assert ("Older shares" in body) == (count == 50)


def test_shared_with_me_pages_newest_first_and_shows_no_other_establishment(world, client_for):
    _share_many(world, 35)
    file = upload(world.c.teacher, "south.pdf")
    sharing.share_create(scope=scope_of(world.c.teacher), node=file, tokens=["staff:all"])
    client = client_for(world.a.student)
    first = client.get(reverse("documents:shared-with-me")).content.decode()
    assert "doc 34.pdf" in first and "doc 0.pdf" not in first and "Older shares" in first
    assert "south.pdf" not in first
    assert "south.pdf" not in client_for(world.a.teacher).get(reverse("documents:shared-with-me")).content.decode()


def test_opening_a_shared_file_shows_its_page_and_downloads_it_and_a_stranger_gets_404(world, client_for):
    file = upload(world.a.teacher, "cours.pdf", size=300)
    sharing.share_create(scope=scope_of(world.a.teacher), node=file, tokens=[f"user:{world.a.head.pk}"])
    head = client_for(world.a.head)
    opened = head.get(reverse("documents:node-open", args=[file.pk]))
    assert opened.status_code == 302 and opened["Location"] == reverse("documents:file-detail", args=[file.pk])
    assert "cours.pdf" in head.get(opened["Location"]).content.decode()
    answer = head.get(reverse("documents:file-download", args=[file.pk]))
    assert answer.status_code == 200 and answer["Content-Disposition"].startswith("attachment")
    assert answer["X-Content-Type-Options"] == "nosniff" and len(b"".join(answer.streaming_content)) == 300
    assert client_for(world.a.librarian).get(reverse("documents:node-open", args=[file.pk])).status_code == 404
    assert client_for(world.c.head).get(reverse("documents:node-open", args=[file.pk])).status_code == 404
