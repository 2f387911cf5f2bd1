"""The hub, the services switched on and the rights of each role."""

import pytest
from django.urls import reverse

from romsie.core import registry
from romsie.core.errors import ApplicationError
from romsie.core.models import AuditEvent
from romsie.core.testing.world import World
from romsie.establishments import services
from romsie.establishments.forms import right_field_name
from romsie.establishments.models import Establishment

HOME = reverse("administration:home")


@pytest.mark.parametrize("role", ["head", "digital_lead"])
def test_the_hub_lists_every_area_to_the_heads_and_digital_leads(world, client_for, role):
    response = client_for(world.a.people[role]).get(HOME)
    assert response.status_code == 200
    links = {area.url_name for area in response.context["areas"]}
    assert links == {
        "administration:class-list",
        "administration:person-list",
        "administration:letters",
        "administration:activation-list",
        "administration:services-update",
        "administration:habilitations-update",
        "documents:establishment-settings",
        "schooling:social-settings",
    }
    content = response.content.decode()
    assert reverse("administration:person-list") in content
    assert reverse("administration:territory-home") not in content


def test_the_hub_shows_only_the_areas_held(world, client_for):
    establishment = world.a.establishment
    establishment.habilitation_overrides = {"staff.office": {"establishments.administer": True}}
    establishment.save()
    response = client_for(world.a.office).get(HOME)
    assert {a.url_name for a in response.context["areas"]} == {
        "administration:letters",
        "administration:activation-list",
        "administration:services-update",
    }
    assert reverse("administration:class-list") not in response.content.decode()


@pytest.mark.parametrize("role", ["teacher", "parent", "student", "partner", "office", "school_life"])
def test_the_hub_is_refused_to_everybody_else(world, client_for, role):
    assert client_for(world.a.people[role]).get(HOME).status_code == 403


def test_staff_holding_one_area_find_it_on_their_dashboard(world, client_for):
    office = client_for(world.a.office).get(reverse("core:dashboard")).content.decode()
    assert reverse("administration:letters") in office
    teacher = client_for(world.a.teacher).get(reverse("core:dashboard")).content.decode()
    assert reverse("administration:letters") not in teacher


def switchable_keys() -> list[str]:
    return [s.key for s in registry.switchable_services()]


@pytest.mark.parametrize("role", ["head", "digital_lead"])
def test_services_are_switched_on_and_off(world, client_for, role):
    assert "directory" in switchable_keys()
    client = client_for(world.a.people[role])
    page = client.get(reverse("administration:services-update"))
    assert page.status_code == 200
    assert 'name="services" value="directory"' in page.content.decode()
    assert client.post(reverse("administration:services-update"), {"version": "0"}).status_code == 302
    world.a.establishment.refresh_from_db()
    assert world.a.establishment.enabled_services == []
    # The directory is now switched off for everybody there.
    assert client_for(world.a.teacher).get(reverse("directory:person-search")).status_code == 403
    client.post(reverse("administration:services-update"), {"services": ["directory"], "version": "1"})
    world.a.establishment.refresh_from_db()
    assert world.a.establishment.enabled_services == ["directory"]
    assert Establishment.objects.get(pk=world.c.establishment.pk).enabled_services == switchable_keys()


@pytest.mark.parametrize("role", ["teacher", "office", "parent"])
def test_services_cannot_be_switched_by_other_roles(world, client_for, role):
    response = client_for(world.a.people[role]).post(reverse("administration:services-update"), {})
    assert response.status_code == 403
    world.a.establishment.refresh_from_db()
    assert world.a.establishment.enabled_services == switchable_keys()


def test_an_unknown_service_is_refused(world, client_for):
    response = client_for(world.a.head).post(reverse("administration:services-update"), {"services": ["nope"]})
    assert response.status_code == 200
    assert "services" in response.context["form"].errors
    world.a.establishment.refresh_from_db()
    assert world.a.establishment.enabled_services == switchable_keys()


RIGHTS = reverse("administration:habilitations-update")
OFFICE_PEOPLE = right_field_name("staff.office", "identity.manage_people")
OFFICE_LETTERS = right_field_name("staff.office", "identity.print_letters")


def current_form_data(response) -> dict[str, str]:
    """Return the POST a person would send without changing anything."""
    form = response.context["form"]
    data = {name: "on" for name in form.fields if name != "version" and form[name].value()}
    return {**data, "version": str(form["version"].value())}


def test_the_rights_page_shows_every_role_and_only_adjustable_checkboxes(world, client_for):
    response = client_for(world.a.head).get(RIGHTS)
    assert response.status_code == 200
    rights = {p.profile: p for p in response.context["rights"]}
    assert set(rights) >= {"student", "parent", "teacher", "staff.head", "staff.office"}
    office = {row.spec.key: row for row in rights["staff.office"].rows}
    assert office["identity.manage_people"].field is not None  # adjustable for the office
    assert office["identity.manage_habilitations"].field is None  # fixed
    assert office["identity.print_letters"].default is True
    content = response.content.decode()
    assert f'name="{OFFICE_PEOPLE}"' in content
    assert 'name="right:staff.office:identity.manage_habilitations"' not in content


@pytest.mark.parametrize("role", ["head", "digital_lead"])
def test_an_adjustable_right_is_granted_and_applies(world, client_for, role):
    client = client_for(world.a.people[role])
    data = current_form_data(client.get(RIGHTS))
    data[OFFICE_PEOPLE] = "on"
    del data[OFFICE_LETTERS]
    assert client.post(RIGHTS, data).status_code == 302
    world.a.establishment.refresh_from_db()
    assert world.a.establishment.habilitation_overrides == {
        "staff.office": {"identity.manage_people": True, "identity.print_letters": False}
    }
    office = client_for(world.a.office)
    assert office.get(reverse("administration:person-list")).status_code == 200
    assert office.get(reverse("administration:letters")).status_code == 403
    assert AuditEvent.objects.filter(action="establishments.habilitations_set").exists()


def test_a_forged_right_outside_the_ceiling_is_refused_and_nothing_is_saved(world, client_for):
    client = client_for(world.a.head)
    data = current_form_data(client.get(RIGHTS))
    data[OFFICE_PEOPLE] = "on"
    data[right_field_name("staff.office", "identity.manage_habilitations")] = "on"
    response = client.post(RIGHTS, data)
    assert response.status_code == 200
    assert "territory does not allow it" in " ".join(response.context["form"].non_field_errors())
    world.a.establishment.refresh_from_db()
    assert world.a.establishment.habilitation_overrides == {}


def test_the_service_refuses_a_right_outside_the_ceiling(world: World, client_for):
    scope = client_for(world.a.head).get(RIGHTS).wsgi_request.scope
    with pytest.raises(ApplicationError, match=r"identity\.manage_habilitations"):
        services.habilitation_overrides_set(
            scope=scope,
            overrides={"staff.office": {"identity.manage_people": True, "identity.manage_habilitations": True}},
            version=0,
        )
    with pytest.raises(ApplicationError):
        services.habilitation_overrides_set(
            scope=scope, overrides={"staff.nobody": {"identity.manage_people": True}}, version=0
        )
    world.a.establishment.refresh_from_db()
    assert world.a.establishment.habilitation_overrides == {}


def test_the_territory_ceiling_limits_what_is_adjustable(world, client_for):
    world.north.habilitation_ceiling = {"staff.office": ["identity.print_letters"]}
    world.north.save()
    client = client_for(world.a.head)
    page = client.get(RIGHTS)
    assert OFFICE_PEOPLE not in page.context["form"].fields
    assert OFFICE_LETTERS in page.context["form"].fields
    refused = client.post(RIGHTS, {OFFICE_PEOPLE: "on", OFFICE_LETTERS: "on"})
    assert refused.status_code == 200
    world.a.establishment.refresh_from_db()
    assert world.a.establishment.habilitation_overrides == {}


@pytest.mark.parametrize("role", ["teacher", "office", "school_life", "parent"])
def test_rights_cannot_be_adjusted_by_other_roles(world, client_for, role):
    response = client_for(world.a.people[role]).post(RIGHTS, {OFFICE_PEOPLE: "on"})
    assert response.status_code == 403
    world.a.establishment.refresh_from_db()
    assert world.a.establishment.habilitation_overrides == {}
