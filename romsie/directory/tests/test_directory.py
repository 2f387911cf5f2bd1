"""Who finds whom in the directory."""

from django.urls import reverse

from romsie.core.testing.factories import RoleAssignmentFactory
from romsie.identity.models import Role

SEARCH = reverse("directory:person-search")


def found(client, **params) -> set[str]:
    response = client.get(SEARCH, params)
    assert response.status_code == 200
    return {p.username for p in response.context["page_obj"].object_list}


def test_student_finds_classmates_teachers_and_staff_not_other_families(world, client_for):
    a = world.a
    people = found(client_for(a.student))
    assert {"teacher.a", "head.a", "school_life.a"} <= people
    assert "student.a" in people
    assert "student2.a" not in people  # another class
    assert "parent.a" not in people and "parent2.a" not in people  # families
    assert not any(name.endswith(".c") or name.endswith(".b") for name in people)


def test_parent_finds_their_childrens_teachers_and_staff(world, client_for):
    people = found(client_for(world.a.parent))
    assert {"teacher.a", "head.a", "student.a"} <= people
    assert "student2.a" not in people and "parent2.a" not in people


def test_staff_and_teachers_find_everyone_of_their_establishment_only(world, client_for):
    for who in (world.a.teacher, world.a.head, world.a.office):
        people = found(client_for(who))
        assert {"student.a", "student2.a", "parent.a", "parent2.a", "partner.a"} <= people
        assert not any(name.endswith((".b", ".c")) for name in people)


def test_search_matches_every_word_without_accents(world, client_for):
    from romsie.identity.models import User

    User.objects.filter(pk=world.a.student2.pk).update(first_name="Éloïse", last_name="Lefèvre")
    world.a.student2.refresh_from_db()
    world.a.student2.save()  # recompute the folded search name
    client = client_for(world.a.teacher)
    assert found(client, q="eloise lefevre") == {"student2.a"}
    assert found(client, q="LEFÈVRE") == {"student2.a"}
    assert found(client, q="lefevre", role="parent") == set()


def test_role_filter(world, client_for):
    assert found(client_for(world.a.head), role="parent") == {"parent.a", "parent2.a"}


def test_person_of_a_role_in_two_establishments_is_found_in_both(world, client_for):
    RoleAssignmentFactory(user=world.a.teacher, establishment=world.b.establishment, role=Role.TEACHER)
    assert "teacher.a" in found(client_for(world.b.head))


def test_htmx_search_returns_only_the_results(world, client_for):
    response = client_for(world.a.teacher).get(SEARCH, {"q": "student"}, HTTP_HX_REQUEST="true")
    assert b"<html" not in response.content
    assert b"Student" in response.content


def test_student_sees_only_their_class_list(world, client_for):
    client = client_for(world.a.student)
    assert client.get(reverse("directory:class-detail", args=[world.a.school_class.pk])).status_code == 200
    assert client.get(reverse("directory:class-detail", args=[world.a.class2.pk])).status_code == 404
    index = client.get(reverse("directory:class-list"))
    assert list(index.context["classes"]) == [world.a.school_class]


def test_class_list_shows_students_and_teachers(world, client_for):
    response = client_for(world.a.teacher).get(reverse("directory:class-detail", args=[world.a.school_class.pk]))
    listing = response.context["listing"]
    assert [s.username for s in listing.students] == ["student.a"]
    assert [t.teacher.username for t in listing.teachings] == ["teacher.a"]


def test_directory_switched_off_is_refused(world, client_for):
    world.a.establishment.enabled_services = []
    world.a.establishment.save()
    response = client_for(world.a.teacher).get(SEARCH)
    assert response.status_code == 403
    dashboard = client_for(world.a.teacher).get(reverse("core:dashboard"))
    assert SEARCH not in dashboard.content.decode()


def test_the_cached_results_cost_two_queries_and_show_a_rename_or_a_new_role_at_once(
    world, client_for, django_assert_num_queries
):
    client = client_for(world.a.student)
    assert "teacher.a" in found(client)  # computed, then kept in the cache
    with django_assert_num_queries(2):  # the session and the person: the results are the cached ones
        cached = client.get(SEARCH)
    assert "Teacher" in cached.content.decode() or world.a.teacher.last_name in cached.content.decode()

    teacher = world.a.teacher
    teacher.last_name = "Zébulon"
    teacher.save()  # a name shows in the directory of each of the person's establishments
    assert "Zébulon" in client.get(SEARCH).content.decode()

    newcomer = RoleAssignmentFactory(establishment=world.a.establishment, role=Role.TEACHER).user
    assert newcomer.username in found(client)

    teacher.save(update_fields=["last_login"])  # a sign-in changes nothing the directory shows
    with django_assert_num_queries(2):
        client.get(SEARCH)
