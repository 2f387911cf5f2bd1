"""People of the establishment: list, creation, roles, guardians, accounts and codes."""

import io

import pypdf
import pytest
from django.urls import reverse

from romsie.core.errors import ApplicationError
from romsie.core.models import AuditEvent
from romsie.core.testing.factories import EnrollmentFactory, RoleAssignmentFactory, person
from romsie.identity import services as identity_services
from romsie.identity.models import ActivationCode, Guardianship, Role, RoleAssignment, StaffFunction, User

ADMINS = ["head", "digital_lead"]
REFUSED = ["teacher", "parent", "student", "office", "school_life"]


def lend_people_management_to_office(world):
    """The office may be lent ``identity.manage_people`` (adjustable in the catalogue)."""
    establishment = world.a.establishment
    establishment.habilitation_overrides = {"staff.office": {"identity.manage_people": True}}
    establishment.save()


@pytest.mark.parametrize("role", ADMINS)
def test_admins_list_the_people_of_their_establishment_only(world, client_for, role):
    response = client_for(world.a.people[role]).get(reverse("administration:person-list"), {"role": "student"})
    assert response.status_code == 200
    usernames = {p.username for p in response.context["page_obj"].object_list}
    assert usernames == {"student.a", "student2.a"}


@pytest.mark.parametrize("role", REFUSED)
def test_other_roles_may_not_manage_people(world, client_for, role):
    client = client_for(world.a.people[role])
    assert client.get(reverse("administration:person-list")).status_code == 403
    assert client.get(reverse("administration:person-detail", args=[world.a.student.pk])).status_code == 403
    response = client.post(
        reverse("administration:person-create"), {"first_name": "Eve", "last_name": "Intruse", "role": "teacher"}
    )
    assert response.status_code == 403
    assert client.post(reverse("administration:person-deactivate", args=[world.a.teacher.pk])).status_code == 403
    assert not User.objects.filter(last_name="Intruse").exists()
    world.a.teacher.refresh_from_db()
    assert world.a.teacher.is_active


def test_search_by_name_and_filter_by_role(world, client_for):
    client = client_for(world.a.head)

    def found(**params):
        return {p.username for p in client.get(reverse("administration:person-list"), params).context["page_obj"]}

    assert found(q="autre") == {"student2.a", "parent2.a"}
    assert found(q="autre", role="parent") == {"parent2.a"}
    assert found(q="teacher.a") == {"teacher.a"}
    assert "partner.a" in found(role="partner")


@pytest.mark.parametrize("extra", [1, 50])
def test_people_list_costs_the_same_with_1_and_50_people(world, client_for, django_assert_num_queries, extra):
    for i in range(extra):
        pupil = person(world.a.establishment, Role.STUDENT, username=f"pupil.{i}")
        EnrollmentFactory(school_class=world.a.school_class, student=pupil)
    client = client_for(world.a.head)
    # session, user, scope (roles, territory admins), count, page, then roles and classes prefetched
    with django_assert_num_queries(9):  # with the header's unread notification count
        response = client.get(reverse("administration:person-list"))
    assert response.status_code == 200


def test_head_creates_a_staff_member_who_gets_a_username(world, client_for):
    response = client_for(world.a.head).post(
        reverse("administration:person-create"),
        {"first_name": "Élodie", "last_name": "Durand", "role": "staff", "function": "school_life"},
    )
    created = User.objects.get(last_name="Durand")
    assert response.status_code == 302
    assert response["Location"] == reverse("administration:person-detail", args=[created.pk])
    assert created.username == "elodie.durand"
    assert not created.has_usable_password()
    assignment = created.role_assignments.get()
    assert (assignment.establishment, assignment.profile) == (world.a.establishment, "staff.school_life")


def test_a_staff_member_needs_a_function_and_others_do_not_keep_one(world, client_for):
    client = client_for(world.a.head)
    missing = client.post(
        reverse("administration:person-create"), {"first_name": "A", "last_name": "Sansfonction", "role": "staff"}
    )
    assert "function" in missing.context["form"].errors
    client.post(
        reverse("administration:person-create"),
        {"first_name": "B", "last_name": "Prof", "role": "teacher", "function": "office", "email": "b@example.org"},
    )
    assert RoleAssignment.objects.get(user__last_name="Prof").function == ""
    assert not User.objects.filter(last_name="Sansfonction").exists()


def test_staff_lent_people_management_cannot_create_an_administrator(world, client_for):
    lend_people_management_to_office(world)
    client = client_for(world.a.office)
    assert client.get(reverse("administration:person-list")).status_code == 200
    response = client.post(
        reverse("administration:person-create"),
        {"first_name": "Faux", "last_name": "Chef", "role": "staff", "function": "head"},
    )
    assert response.status_code == 200
    assert "function" in response.context["form"].errors
    assert not User.objects.filter(last_name="Chef").exists()


@pytest.mark.parametrize("other", ["b", "c"])
def test_another_establishments_person_is_not_found(world, client_for, other):
    theirs = getattr(world, other).student
    client = client_for(world.a.head)
    for name in ("person-detail", "person-deactivate"):
        assert client.get(reverse(f"administration:{name}", args=[theirs.pk])).status_code == 404
    for name in ("person-deactivate", "person-reactivate", "person-code", "person-letter", "role-create"):
        assert client.post(reverse(f"administration:{name}", args=[theirs.pk]), {}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.is_active
    assert not ActivationCode.objects.filter(user=theirs).exists()


def test_roles_are_added_and_removed_here_only(world, client_for):
    teacher = world.a.teacher
    client = client_for(world.a.head)
    added = client.post(
        reverse("administration:role-create", args=[teacher.pk]), {"role-role": "staff", "role-function": "librarian"}
    )
    assert added.status_code == 302
    librarian = RoleAssignment.objects.get(user=teacher, function="librarian")
    assert librarian.establishment == world.a.establishment
    again = client.post(
        reverse("administration:role-create", args=[teacher.pk]), {"role-role": "staff", "role-function": "librarian"}
    )
    assert "already holds this role" in " ".join(again.context["role_form"].non_field_errors())
    assert client.post(reverse("administration:role-delete", args=[librarian.pk])).status_code == 302
    assert not RoleAssignment.objects.filter(pk=librarian.pk).exists()
    assert AuditEvent.objects.filter(action="identity.role_removed").exists()


def test_another_establishments_role_cannot_be_removed(world, client_for):
    theirs = RoleAssignment.objects.get(user=world.c.teacher)
    assert client_for(world.a.head).post(reverse("administration:role-delete", args=[theirs.pk])).status_code == 404
    assert RoleAssignment.objects.filter(pk=theirs.pk).exists()


def test_nobody_removes_their_own_role(world, client_for):
    own = RoleAssignment.objects.get(user=world.a.head)
    response = client_for(world.a.head).post(reverse("administration:role-delete", args=[own.pk]))
    assert response.status_code == 302
    assert RoleAssignment.objects.filter(pk=own.pk).exists()


def guardian_data(**fields):
    data = {"guardian-kind": "legal", "guardian-can_justify_absences": "on"}
    data.update({f"guardian-{k}": v for k, v in fields.items()})
    return data


def test_a_student_gets_an_existing_person_as_guardian(world, client_for):
    a = world.a
    response = client_for(a.head).post(
        reverse("administration:guardianship-create", args=[a.student2.pk]),
        guardian_data(existing=a.parent.pk, rank="2", relationship="mère"),
    )
    assert response.status_code == 302
    link = Guardianship.objects.get(student=a.student2, guardian=a.parent)
    assert (link.establishment, link.rank, link.relationship) == (a.establishment, 2, "mère")


def test_a_student_gets_a_new_guardian_who_becomes_a_parent_here(world, client_for):
    a = world.a
    response = client_for(a.head).post(
        reverse("administration:guardianship-create", args=[a.student.pk]),
        guardian_data(first_name="Paul", last_name="Nouveau", kind="other", relationship="grand-père"),
    )
    assert response.status_code == 302
    guardian = User.objects.get(last_name="Nouveau")
    assert RoleAssignment.objects.filter(user=guardian, establishment=a.establishment, role=Role.PARENT).exists()
    link = Guardianship.objects.get(guardian=guardian)
    assert (link.kind, link.student) == ("other", a.student)


def test_guardian_choices_stay_in_the_establishment(world, client_for):
    response = client_for(world.a.head).post(
        reverse("administration:guardianship-create", args=[world.a.student.pk]),
        guardian_data(existing=world.c.parent.pk),
    )
    assert response.status_code == 200
    assert "existing" in response.context["guardian_form"].errors
    assert not Guardianship.objects.filter(guardian=world.c.parent, student=world.a.student).exists()


def test_guardian_form_errors_are_clear(world, client_for):
    a = world.a
    client = client_for(a.head)
    url = reverse("administration:guardianship-create", args=[a.student.pk])
    nobody = client.post(url, guardian_data())
    assert "Choose an existing person" in " ".join(nobody.context["guardian_form"].non_field_errors())
    taken = client.post(url, guardian_data(first_name="X", last_name="Y", rank="1"))  # parent.a already has rank 1
    assert "already has this number" in str(taken.context["guardian_form"].errors["rank"])
    again = client.post(url, guardian_data(existing=a.parent.pk))
    assert "already in charge" in str(again.context["guardian_form"].errors["existing"])
    not_a_student = client.post(reverse("administration:guardianship-create", args=[a.teacher.pk]), guardian_data())
    assert not_a_student.status_code == 404


def test_guardian_rights_are_edited_and_the_link_removed(world, client_for):
    a = world.a
    link = Guardianship.objects.get(student=a.student, guardian=a.parent)
    client = client_for(a.digital_lead)
    response = client.post(
        reverse("administration:guardianship-update", args=[link.pk]),
        {"kind": "legal", "rank": "1", "relationship": "père", "receives_mail": "on", "version": "0"},
    )
    assert response.status_code == 302
    link.refresh_from_db()
    assert (link.can_justify_absences, link.relationship, link.receives_mail) == (False, "père", True)
    assert client.get(reverse("administration:guardianship-delete", args=[link.pk])).status_code == 200
    assert client.post(reverse("administration:guardianship-delete", args=[link.pk])).status_code == 302
    assert not Guardianship.objects.filter(pk=link.pk).exists()
    # parent.a has no other child here: the parent role goes with the link.
    assert not RoleAssignment.objects.filter(user=a.parent, establishment=a.establishment).exists()


def test_another_establishments_guardian_link_is_not_found(world, client_for):
    theirs = Guardianship.objects.get(student=world.c.student)
    client = client_for(world.a.head)
    assert client.get(reverse("administration:guardianship-update", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("administration:guardianship-delete", args=[theirs.pk])).status_code == 404
    assert Guardianship.objects.filter(pk=theirs.pk).exists()


def test_deactivation_ends_the_persons_sessions(world, client_for):
    teacher_client = client_for(world.a.teacher)
    assert teacher_client.get(reverse("core:dashboard")).status_code == 200
    head = client_for(world.a.head)
    assert head.get(reverse("administration:person-deactivate", args=[world.a.teacher.pk])).status_code == 200
    assert head.post(reverse("administration:person-deactivate", args=[world.a.teacher.pk])).status_code == 302
    response = teacher_client.get(reverse("core:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("identity:sign-in"))
    world.a.teacher.refresh_from_db()
    assert not world.a.teacher.is_active
    assert head.post(reverse("administration:person-reactivate", args=[world.a.teacher.pk])).status_code == 302
    world.a.teacher.refresh_from_db()
    assert world.a.teacher.is_active


def test_a_new_code_is_shown_once_and_activates_the_account(world, client_for):
    student = world.a.student
    old = identity_services.activation_codes_issue(users=[student], establishment=world.a.establishment)[student.pk]
    client = client_for(world.a.head)
    response = client.post(reverse("administration:person-code", args=[student.pk]))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    code = response.context["code"]
    assert response.context["formatted_code"] in response.content.decode()
    assert identity_services.activation_code_check(username=student.username, code=code) == student
    with pytest.raises(ApplicationError):
        identity_services.activation_code_check(username=student.username, code=old)

    letter = client.post(reverse("administration:person-letter", args=[student.pk]), {"code": code})
    assert letter["Content-Type"] == "application/pdf"
    text = pypdf.PdfReader(io.BytesIO(letter.content)).pages[0].extract_text()
    assert identity_services.format_code(code) in text
    assert student.username in text
    # Printing with the shown code did not replace it.
    assert identity_services.activation_code_check(username=student.username, code=code) == student


def test_a_letter_with_a_stale_code_is_refused(world, client_for):
    response = client_for(world.a.head).post(
        reverse("administration:person-letter", args=[world.a.student.pk]), {"code": "ABCD-EFGH"}
    )
    assert response.status_code == 302


def test_a_parent_letter_names_their_children(world, client_for):
    response = client_for(world.a.head).post(reverse("administration:person-letter", args=[world.a.parent.pk]))
    text = pypdf.PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert world.a.student.get_full_name() in text.replace("\n", " ")


def test_an_account_with_a_role_in_another_territory_is_not_managed_here(world, client_for):
    RoleAssignmentFactory(user=world.a.teacher, establishment=world.c.establishment, role=Role.TEACHER)
    client = client_for(world.a.head)
    page = client.get(reverse("administration:person-detail", args=[world.a.teacher.pk]))
    assert not page.context["page"].can_manage_account
    assert client.post(reverse("administration:person-code", args=[world.a.teacher.pk])).status_code == 403
    assert client.post(reverse("administration:person-deactivate", args=[world.a.teacher.pk])).status_code == 403
    assert not ActivationCode.objects.filter(user=world.a.teacher).exists()
    world.a.teacher.refresh_from_db()
    assert world.a.teacher.is_active


def test_staff_lent_people_management_cannot_take_over_an_administrator(world, client_for):
    lend_people_management_to_office(world)
    client = client_for(world.a.office)
    for target in (world.a.head, world.a.digital_lead):
        assert client.post(reverse("administration:person-code", args=[target.pk])).status_code == 403
        assert client.post(reverse("administration:person-deactivate", args=[target.pk])).status_code == 403
    head_role = RoleAssignment.objects.get(user=world.a.head, function=StaffFunction.HEAD)
    assert client.post(reverse("administration:role-delete", args=[head_role.pk])).status_code == 403
    assert not ActivationCode.objects.filter(user__in=[world.a.head, world.a.digital_lead]).exists()
    assert RoleAssignment.objects.filter(pk=head_role.pk).exists()


def test_nobody_deactivates_their_own_account(world, client_for):
    client = client_for(world.a.head)
    assert client.post(reverse("administration:person-deactivate", args=[world.a.head.pk])).status_code == 403
    world.a.head.refresh_from_db()
    assert world.a.head.is_active
