"""Territory administration: establishments, their administrators and the territory's limits."""

import pytest
from django.urls import reverse

from romsie.core.access import catalogue
from romsie.core.models import AuditEvent
from romsie.establishments.models import Establishment
from romsie.identity import services as identity_services
from romsie.identity.models import Role, RoleAssignment, StaffFunction, User

HOME = reverse("administration:territory-home")


def establishment_data(world, **overrides):
    data = {
        "territory": world.north.pk,
        "uai": "0779999z",
        "name": "Lycée Neuf",
        "kind": Establishment.Kind.UPPER_SECONDARY,
        "city": "Villeneuve",
    }
    data.update(overrides)
    return data


def test_the_territory_admin_lists_their_establishments_with_people_counts(world, client_for):
    response = client_for(world.territory_admin).get(HOME)
    assert response.status_code == 200
    rows = {e.uai: e.people_count for e in response.context["page_obj"]}
    assert set(rows) == {"0771234A", "0775678B"}  # not establishment c, of another territory
    assert rows["0775678B"] == 10  # a student, a teacher, a partner, six staff and a parent
    assert rows["0771234A"] == 12  # and a's second student and parent


@pytest.mark.parametrize("role", ["head", "digital_lead", "teacher", "student"])
def test_the_territory_area_is_refused_to_establishment_people(world, client_for, role):
    client = client_for(world.a.people[role])
    assert client.get(HOME).status_code == 403
    assert client.post(reverse("administration:establishment-create"), establishment_data(world)).status_code == 403
    assert not Establishment.objects.filter(name="Lycée Neuf").exists()


def test_the_dashboard_links_the_territory_area_for_territory_admins_only(world, client_for):
    admin = client_for(world.territory_admin).get(reverse("core:dashboard")).content.decode()
    assert HOME in admin
    head = client_for(world.a.head).get(reverse("core:dashboard")).content.decode()
    assert HOME not in head


def test_an_establishment_is_created_with_a_normalised_uai(world, client_for):
    response = client_for(world.territory_admin).post(
        reverse("administration:establishment-create"), establishment_data(world)
    )
    created = Establishment.objects.get(uai="0779999Z")
    assert response.status_code == 302
    assert response["Location"] == reverse("administration:establishment-detail", args=[created.pk])
    assert created.territory == world.north
    assert "directory" in created.enabled_services
    assert AuditEvent.objects.filter(action="establishments.created").exists()


@pytest.mark.parametrize(
    ("uai", "message"),
    [
        ("123", "seven digits followed by a capital letter"),
        ("07712345", "seven digits followed by a capital letter"),
        ("0139999C", "already exists"),  # establishment c's UAI, in another territory
        ("0771234a", "already exists"),  # establishment a's, typed in lower case
    ],
)
def test_an_invalid_or_duplicate_uai_is_refused_clearly(world, client_for, uai, message):
    response = client_for(world.territory_admin).post(
        reverse("administration:establishment-create"), establishment_data(world, uai=uai)
    )
    assert response.status_code == 200
    assert message in str(response.context["form"].errors["uai"])
    assert not Establishment.objects.filter(name="Lycée Neuf").exists()


def test_an_establishment_cannot_be_created_in_another_territory(world, client_for):
    response = client_for(world.territory_admin).post(
        reverse("administration:establishment-create"), establishment_data(world, territory=world.south.pk)
    )
    assert "territory" in response.context["form"].errors
    assert not Establishment.objects.filter(name="Lycée Neuf").exists()


def test_an_establishment_is_edited_and_its_uai_stays_unique(world, client_for):
    b = world.b.establishment
    client = client_for(world.territory_admin)
    url = reverse("administration:establishment-update", args=[b.pk])
    data = establishment_data(world, uai=b.uai, name="École Jules Ferry (rénovée)", kind=b.kind, version=b.version)
    assert client.post(url, data).status_code == 302
    b.refresh_from_db()
    assert b.name == "École Jules Ferry (rénovée)"
    clash = client.post(url, {**data, "uai": world.a.establishment.uai})
    assert "already exists" in str(clash.context["form"].errors["uai"])
    b.refresh_from_db()
    assert b.uai == "0775678B"


def test_another_territorys_establishment_is_not_found_and_unchanged(world, client_for):
    c = world.c.establishment
    client = client_for(world.territory_admin)
    for name in ("establishment-detail", "establishment-update", "establishment-deactivate"):
        assert client.get(reverse(f"administration:{name}", args=[c.pk])).status_code == 404
    for name in (
        "establishment-update",
        "establishment-deactivate",
        "establishment-reactivate",
        "establishment-admin-appoint",
        "establishment-admin-create",
    ):
        response = client.post(
            reverse(f"administration:{name}", args=[c.pk]),
            {**establishment_data(world, name="Pwned"), "new-first_name": "A", "new-last_name": "B"},
        )
        assert response.status_code == 404, name
    c.refresh_from_db()
    assert (c.name, c.is_active) == ("Collège du Sud", True)
    head_of_c = RoleAssignment.objects.get(user=world.c.head, function=StaffFunction.HEAD)
    assert client.post(reverse("administration:establishment-admin-delete", args=[head_of_c.pk])).status_code == 404
    assert RoleAssignment.objects.filter(pk=head_of_c.pk).exists()
    assert client.get(reverse("administration:territory-ceiling-update", args=[world.south.pk])).status_code == 404


def test_deactivating_an_establishment_closes_it_to_its_people(world, client_for):
    b = world.b.establishment
    client = client_for(world.territory_admin)
    assert client.get(reverse("administration:establishment-deactivate", args=[b.pk])).status_code == 200
    assert client.post(reverse("administration:establishment-deactivate", args=[b.pk])).status_code == 302
    b.refresh_from_db()
    assert not b.is_active
    assert client_for(world.b.head).get(reverse("administration:home")).status_code == 403
    assert client.post(reverse("administration:establishment-reactivate", args=[b.pk])).status_code == 302
    b.refresh_from_db()
    assert b.is_active


def test_an_existing_person_of_the_territory_is_appointed_digital_lead(world, client_for):
    b = world.b.establishment
    client = client_for(world.territory_admin)
    response = client.post(
        reverse("administration:establishment-admin-appoint", args=[b.pk]),
        {"appoint-username": "TEACHER.A", "appoint-function": "digital_lead"},
    )
    assert response.status_code == 302
    assignment = RoleAssignment.objects.get(user=world.a.teacher, establishment=b)
    assert assignment.profile == "staff.digital_lead"
    assert client_for(world.a.teacher).get(reverse("core:dashboard")).status_code == 200


def test_a_person_of_another_territory_cannot_be_appointed(world, client_for):
    b = world.b.establishment
    response = client_for(world.territory_admin).post(
        reverse("administration:establishment-admin-appoint", args=[b.pk]),
        {"appoint-username": "teacher.c", "appoint-function": "head"},
    )
    assert response.status_code == 200
    assert "username" in response.context["appoint_form"].errors
    assert not RoleAssignment.objects.filter(user=world.c.teacher, establishment=b).exists()


def test_only_head_or_digital_lead_can_be_appointed(world, client_for):
    b = world.b.establishment
    response = client_for(world.territory_admin).post(
        reverse("administration:establishment-admin-appoint", args=[b.pk]),
        {"appoint-username": "teacher.a", "appoint-function": "office"},
    )
    assert "function" in response.context["appoint_form"].errors
    assert not RoleAssignment.objects.filter(user=world.a.teacher, establishment=b).exists()


def test_a_new_head_is_created_with_a_code_that_activates(world, client_for):
    b = world.b.establishment
    response = client_for(world.territory_admin).post(
        reverse("administration:establishment-admin-create", args=[b.pk]),
        {"new-first_name": "Nadia", "new-last_name": "Directrice", "new-function": "head"},
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    created = User.objects.get(last_name="Directrice")
    assert RoleAssignment.objects.get(user=created).profile == "staff.head"
    code = response.context["formatted_code"]
    assert code in response.content.decode()
    assert identity_services.activation_code_check(username=created.username, code=code) == created


def test_an_appointment_ends(world, client_for):
    head_of_b = RoleAssignment.objects.get(user=world.b.head, function=StaffFunction.HEAD)
    response = client_for(world.territory_admin).post(
        reverse("administration:establishment-admin-delete", args=[head_of_b.pk])
    )
    assert response.status_code == 302
    assert not RoleAssignment.objects.filter(pk=head_of_b.pk).exists()
    # Only administrator appointments can be ended here.
    teacher_of_b = RoleAssignment.objects.get(user=world.b.teacher, role=Role.TEACHER)
    refused = client_for(world.territory_admin).post(
        reverse("administration:establishment-admin-delete", args=[teacher_of_b.pk])
    )
    assert refused.status_code == 404


def test_the_territory_sets_what_its_establishments_may_adjust(world, client_for):
    url = reverse("administration:territory-ceiling-update", args=[world.north.pk])
    client = client_for(world.territory_admin)
    page = client.get(url)
    assert page.status_code == 200
    defaults = catalogue.default_ceiling()
    assert set(page.context["form"]["staff.office"].value()) == set(defaults["staff.office"])
    response = client.post(url, {"staff.office": ["identity.print_letters"], "teacher": [], "version": 0})
    assert response.status_code == 302
    world.north.refresh_from_db()
    assert world.north.habilitation_ceiling["staff.office"] == ["identity.print_letters"]
    assert world.north.habilitation_ceiling["teacher"] == []
    # Establishment a's rights page now offers the office only that right.
    rights = client_for(world.a.head).get(reverse("administration:habilitations-update")).context["form"]
    assert [n for n in rights.fields if n.startswith("right:staff.office:")] == [
        "right:staff.office:identity.print_letters"
    ]
    forged = client.post(url, {"staff.office": ["not.a.right"]})
    assert forged.status_code == 200
    world.north.refresh_from_db()
    assert world.north.habilitation_ceiling["staff.office"] == ["identity.print_letters"]
