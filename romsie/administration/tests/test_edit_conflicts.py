"""Two administrators edit the same thing at once: the later save is refused, never silently lost.

For each edit form of shared data: both load the form, the first saves, the second's save is
refused with the other's version shown, the second's typed text stays in the page, and the
database holds the first's version (``romsie/core/concurrency.py``).
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from romsie.core.testing.editing import page_text, race_on_form
from romsie.core.testing.factories import TeachingGroupFactory
from romsie.identity.models import Guardianship
from romsie.schooling.models import Level, Period, Room, SchoolClass, SchoolYear, Subject, Teaching, TeachingGroup

from .test_settings import OFFICE_LETTERS, OFFICE_PEOPLE, RIGHTS, current_form_data
from .test_territory import establishment_data


def _year(world):
    year = SchoolYear.objects.get(establishment=world.a.establishment, is_current=True)
    return (
        year,
        "school-year-update",
        {
            "starts_on": "2026-09-01",
            "ends_on": "2027-07-04",
            "is_current": "on",
        },
    )


def _structure_case(world, entity):
    """Return (object, url name, common data, text field) for one structure entity."""
    a = world.a
    if entity == "school-year":
        year, name, data = _year(world)
        return year, name, data, "name"
    if entity == "period":
        year = SchoolYear.objects.get(establishment=a.establishment, is_current=True)
        period = Period.objects.create(
            establishment=a.establishment,
            school_year=year,
            name="Trimestre 1",
            starts_on=datetime.date(2026, 9, 1),
            ends_on=datetime.date(2026, 11, 30),
        )
        data = {"school_year": year.pk, "starts_on": "2026-09-01", "ends_on": "2026-11-30"}
        return period, "period-update", data, "name"
    if entity == "class":
        mine = a.school_class
        data = {"code": mine.code, "level": Level.objects.get(code="6E").pk, "homeroom_teacher": a.teacher.pk}
        return mine, "class-update", data, "name"
    if entity == "group":
        group = TeachingGroupFactory(
            establishment=a.establishment, school_year=a.school_class.school_year, name="Latin", code="LAT"
        )
        return group, "group-update", {"code": "LAT", "school_classes": [a.school_class.pk]}, "name"
    if entity == "subject":
        return a.subject, "subject-update", {"code": a.subject.code}, "name"
    if entity == "room":
        return a.room, "room-update", {"capacity": 30}, "name"
    raise AssertionError(entity)


STRUCTURE = ["school-year", "period", "class", "group", "subject", "room"]
MODELS = {
    "school-year": SchoolYear,
    "period": Period,
    "class": SchoolClass,
    "group": TeachingGroup,
    "subject": Subject,
    "room": Room,
}


@pytest.mark.parametrize("entity", STRUCTURE)
def test_a_stale_structure_edit_is_refused_and_the_typed_name_kept(world, client_for, entity):
    obj, url_name, data, text_field = _structure_case(world, entity)
    url = reverse(f"administration:{url_name}", args=[obj.pk])
    refused = race_on_form(
        url,
        first=client_for(world.a.head),
        second=client_for(world.a.digital_lead),
        first_data={**data, text_field: "Premier nom"},
        second_data={**data, text_field: "Second tapé"},
    )
    text = page_text(refused)
    assert 'value="Second tapé"' in text
    assert "Premier nom" in text  # shown as the other person's version
    saved = MODELS[entity].objects.get(pk=obj.pk)
    assert (getattr(saved, text_field), saved.version) == ("Premier nom", 1)


def test_a_stale_teaching_edit_is_refused_and_the_first_choice_kept(world, client_for):
    a = world.a
    teaching = a.teaching
    url = reverse("administration:teaching-update", args=[teaching.pk])
    common = {"teacher": a.teacher.pk, "subject": a.subject.pk}
    refused = race_on_form(
        url,
        first=client_for(a.head),
        second=client_for(a.digital_lead),
        first_data={**common, "school_class": a.class2.pk},
        second_data={**common, "school_class": a.school_class.pk},
    )
    assert refused.context["form"]["school_class"].value() == str(a.school_class.pk)  # the second's choice
    assert Teaching.objects.get(pk=teaching.pk).school_class == a.class2


def test_a_stale_services_edit_is_refused(world, client_for):
    url = reverse("administration:services-update")
    refused = race_on_form(
        url,
        first=client_for(world.a.head),
        second=client_for(world.a.digital_lead),
        first_data={"services": ["directory"]},
        second_data={"services": ["news"]},
    )
    assert refused.context["form"]["services"].value() == ["news"]  # the second's choice is kept
    world.a.establishment.refresh_from_db()
    assert world.a.establishment.enabled_services == ["directory"]


def test_a_stale_rights_edit_is_refused(world, client_for):
    head, lead = client_for(world.a.head), client_for(world.a.digital_lead)
    first = current_form_data(head.get(RIGHTS))
    first[OFFICE_PEOPLE] = "on"
    second = current_form_data(lead.get(RIGHTS))
    second.pop(OFFICE_LETTERS, None)
    first.pop("version"), second.pop("version")
    refused = race_on_form(RIGHTS, first=head, second=lead, first_data=first, second_data=second)
    assert refused.context["form"][OFFICE_LETTERS].value() is False  # the second's unticking is kept
    world.a.establishment.refresh_from_db()
    assert world.a.establishment.habilitation_overrides == {"staff.office": {"identity.manage_people": True}}


def test_a_stale_establishment_edit_is_refused_and_the_typed_name_kept(world, client_for):
    b = world.b.establishment
    url = reverse("administration:establishment-update", args=[b.pk])
    data = establishment_data(world, uai=b.uai, kind=b.kind)
    client = client_for(world.territory_admin)
    refused = race_on_form(
        url,
        first=client,
        second=client_for(world.territory_admin),
        first_data={**data, "name": "École rénovée"},
        second_data={**data, "name": "École tapée par le second"},
    )
    text = page_text(refused)
    assert 'value="École tapée par le second"' in text and "École rénovée" in text
    b.refresh_from_db()
    assert (b.name, b.version) == ("École rénovée", 1)


def test_a_stale_territory_limits_edit_is_refused(world, client_for):
    url = reverse("administration:territory-ceiling-update", args=[world.north.pk])
    refused = race_on_form(
        url,
        first=client_for(world.territory_admin),
        second=client_for(world.territory_admin),
        first_data={"staff.office": ["identity.print_letters"]},
        second_data={"staff.office": ["identity.manage_people"]},
    )
    assert refused.context["form"]["staff.office"].value() == ["identity.manage_people"]
    world.north.refresh_from_db()
    assert world.north.habilitation_ceiling["staff.office"] == ["identity.print_letters"]


def test_a_stale_guardian_link_edit_is_refused_and_the_typed_relationship_kept(world, client_for):
    link = Guardianship.objects.get(student=world.a.student, guardian=world.a.parent)
    url = reverse("administration:guardianship-update", args=[link.pk])
    data = {"kind": "legal", "rank": "1", "receives_mail": "on"}
    refused = race_on_form(
        url,
        first=client_for(world.a.head),
        second=client_for(world.a.digital_lead),
        first_data={**data, "relationship": "père"},
        second_data={**data, "relationship": "beau-père tapé"},
    )
    assert 'value="beau-père tapé"' in page_text(refused)
    link.refresh_from_db()
    assert (link.relationship, link.version) == ("père", 1)


def test_a_school_year_date_in_year_one_is_a_form_error(world, client_for):
    year, _name, data = _year(world)
    url = reverse("administration:school-year-update", args=[year.pk])
    response = client_for(world.a.head).post(
        url, {**data, "name": year.name, "starts_on": "0001-01-01", "version": year.version}
    )
    assert response.status_code == 200
    assert response.context["form"].has_error("starts_on", "year_out_of_bounds")
    assert SchoolYear.objects.get(pk=year.pk).starts_on == year.starts_on
