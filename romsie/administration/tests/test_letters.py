"""Activation letters (PDF, one page per person or family) and the activation follow-up."""

import io
import re

import pypdf
import pytest
from django.urls import reverse

from romsie.core.errors import ApplicationError
from romsie.core.models import AuditEvent
from romsie.core.testing.factories import EnrollmentFactory, GuardianshipFactory, person
from romsie.identity import services as identity_services
from romsie.identity.models import ActivationCode, Role, User

CODE = re.compile(r"\b([A-Z2-9]{4}-[A-Z2-9]{4})\b")


def pdf_pages(response) -> list[str]:
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "application/pdf"
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(response.content)).pages]


def code_of(page: str) -> str:
    found = CODE.findall(page)
    assert len(found) == 1, page
    return found[0]


def post_letters(client, target, **options):
    data = {"target": target, "include_students": "on", "include_guardians": "on"}
    data.update(options)
    return client.post(reverse("administration:letters"), data)


@pytest.mark.parametrize("role", ["head", "digital_lead", "office"])
def test_a_class_gets_one_letter_per_student_and_per_guardian_with_working_codes(world, client_for, role):
    a = world.a
    response = post_letters(client_for(a.people[role]), a.school_class.pk)
    assert response["Content-Disposition"] == 'attachment; filename="lettres-activation-6Aa.pdf"'
    pages = pdf_pages(response)
    assert len(pages) == 2  # student.a, then parent.a
    for page, who in zip(pages, (a.student, a.parent), strict=True):
        assert who.username in page
        assert "/compte/activation/" in page
        assert a.establishment.name in page
        code = code_of(page)
        assert identity_services.activation_code_check(username=who.username, code=code) == who
    assert a.student.get_full_name() in pages[1].replace("\n", " ")  # the family letter names the child
    event = AuditEvent.objects.get(action="identity.letters_printed")
    assert (event.actor, event.target, event.details["letters"]) == (a.people[role], a.school_class.name, "2")


def test_a_guardian_of_two_students_of_the_class_gets_one_letter_naming_both(world, client_for):
    a = world.a
    sibling = person(a.establishment, Role.STUDENT, username="sibling.a", last_name="Aaa")
    EnrollmentFactory(school_class=a.school_class, student=sibling)
    GuardianshipFactory(establishment=a.establishment, guardian=a.parent, student=sibling)
    pages = pdf_pages(post_letters(client_for(a.head), a.school_class.pk))
    assert len(pages) == 3  # sibling, parent (naming both), student
    family = [p for p in pages if a.parent.username in p]
    assert len(family) == 1
    flat = family[0].replace("\n", " ")
    assert sibling.get_full_name() in flat and a.student.get_full_name() in flat


def test_only_people_who_have_not_activated_yet(world, client_for):
    a = world.a
    User.objects.filter(pk=a.parent.pk).update(activated_at=None)
    pages = pdf_pages(post_letters(client_for(a.head), a.school_class.pk, only_not_activated="on"))
    assert len(pages) == 1
    assert a.parent.username in pages[0]
    assert not ActivationCode.objects.filter(user=a.student).exists()


def test_nobody_left_to_print_is_said_plainly(world, client_for):
    response = post_letters(client_for(world.a.head), world.a.school_class.pk, only_not_activated="on")
    assert response.status_code == 200
    assert "Nobody to print" in " ".join(response.context["form"].non_field_errors())
    assert not ActivationCode.objects.exists()


def test_students_only_or_families_only(world, client_for):
    client = client_for(world.a.head)
    students = pdf_pages(post_letters(client, world.a.school_class.pk, include_guardians=""))
    assert len(students) == 1 and world.a.student.username in students[0]
    families = pdf_pages(post_letters(client, world.a.school_class.pk, include_students=""))
    assert len(families) == 1 and world.a.parent.username in families[0]


def test_staff_and_teachers_letters(world, client_for):
    a = world.a
    response = post_letters(client_for(a.head), "staff")
    assert response["Content-Disposition"] == 'attachment; filename="lettres-activation-personnels.pdf"'
    pages = pdf_pages(response)
    expected = {"teacher.a", "school_life.a", "librarian.a", "office.a", "after_school.a", "digital_lead.a"}
    assert len(pages) == len(expected)  # the head does not reissue their own code
    assert {next(u for u in expected if u in page) for page in pages} == expected


def test_an_office_printing_letters_skips_the_administrators(world, client_for):
    pages = pdf_pages(post_letters(client_for(world.a.office), "staff"))
    assert not any("head.a" in page or "digital_lead.a" in page for page in pages)
    assert not ActivationCode.objects.filter(user__in=[world.a.head, world.a.digital_lead]).exists()


def test_printing_again_replaces_the_earlier_codes(world, client_for):
    client = client_for(world.a.head)
    first = code_of(pdf_pages(post_letters(client, world.a.school_class.pk, include_guardians=""))[0])
    second = code_of(pdf_pages(post_letters(client, world.a.school_class.pk, include_guardians=""))[0])
    with pytest.raises(ApplicationError):
        identity_services.activation_code_check(username="student.a", code=first)
    assert identity_services.activation_code_check(username="student.a", code=second) == world.a.student


@pytest.mark.parametrize("other", ["b", "c"])
def test_another_establishments_class_is_not_a_choice(world, client_for, other):
    response = post_letters(client_for(world.a.head), getattr(world, other).school_class.pk)
    assert response.status_code == 200
    assert "target" in response.context["form"].errors
    assert not ActivationCode.objects.exists()


@pytest.mark.parametrize("role", ["teacher", "parent", "student", "school_life"])
def test_other_roles_may_not_print_letters(world, client_for, role):
    client = client_for(world.a.people[role])
    assert client.get(reverse("administration:letters")).status_code == 403
    assert post_letters(client, world.a.school_class.pk).status_code == 403
    assert client.get(reverse("administration:activation-list")).status_code == 403
    assert not ActivationCode.objects.exists()


def test_the_follow_up_lists_who_has_not_activated_and_prints_just_them(world, client_for):
    a = world.a
    User.objects.filter(pk__in=[a.student.pk, a.parent.pk]).update(activated_at=None)
    client = client_for(a.head)
    overview = client.get(reverse("administration:activation-list"))
    row = next(c for c in overview.context["classes"] if c.pk == a.school_class.pk)
    assert (row.student_count, row.students_waiting, row.guardians_waiting) == (1, 1, 1)
    detail = client.get(reverse("administration:activation-detail", args=[a.school_class.pk]))
    followup = detail.context["followup"]
    assert [s.username for s in followup.students] == ["student.a"]
    assert [g.person.username for g in followup.guardians] == ["parent.a"]
    content = detail.content.decode()
    assert 'name="only_not_activated"' in content and reverse("administration:letters") in content
    pages = pdf_pages(post_letters(client, a.school_class.pk, only_not_activated="on"))
    assert len(pages) == 2


def test_another_establishments_follow_up_is_not_found(world, client_for):
    client = client_for(world.a.head)
    assert client.get(reverse("administration:activation-detail", args=[world.c.school_class.pk])).status_code == 404
