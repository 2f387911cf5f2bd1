"""Stale edits are refused (``romsie.core.concurrency``) and typed dates stay in bounds (``core.forms``)."""

from __future__ import annotations

import importlib
import importlib.util
import time

import pytest
from django import forms
from django.apps import apps
from django.db import transaction

from romsie.core.concurrency import StaleEdit, claim_version
from romsie.core.forms import BoundedDateField, BoundedDateTimeField
from romsie.core.testing.concurrency import committed_db, run_concurrently, skip_unless_postgresql
from romsie.core.testing.factories import RoomFactory
from romsie.schooling.models import Room


@pytest.mark.django_db
def test_a_save_with_the_shown_version_bumps_it():
    room = RoomFactory(name="Salle 1")
    with transaction.atomic():
        claim_version(room, 0)
        room.name = "Salle 1 bis"
        room.save()
    assert Room.objects.values_list("name", "version").get(pk=room.pk) == ("Salle 1 bis", 1)


@pytest.mark.django_db
def test_a_save_with_an_older_version_is_refused_with_the_current_object():
    room = RoomFactory(name="Salle 1")
    Room.objects.filter(pk=room.pk).update(name="Salle des profs", version=3)
    with pytest.raises(StaleEdit) as refused, transaction.atomic():
        claim_version(room, 2)
    assert refused.value.current is not None
    assert (refused.value.current.name, refused.value.current.version) == ("Salle des profs", 3)
    assert Room.objects.get(pk=room.pk).version == 3  # nothing bumped


@pytest.mark.django_db
def test_a_save_of_a_deleted_object_is_refused_without_current():
    room = RoomFactory()
    Room.objects.filter(pk=room.pk).delete()
    with pytest.raises(StaleEdit) as refused, transaction.atomic():
        claim_version(room, 0)
    assert refused.value.current is None


@pytest.mark.django_db
def test_a_save_without_a_shown_version_is_refused():
    room = RoomFactory()
    with pytest.raises(StaleEdit), transaction.atomic():
        claim_version(room, None)


@committed_db
def test_claiming_outside_a_transaction_is_a_programming_error():
    room = RoomFactory()
    with pytest.raises(RuntimeError):
        claim_version(room, 0)


SAVERS = 12


@committed_db
def test_of_concurrent_saves_with_the_same_shown_version_exactly_one_wins():
    skip_unless_postgresql()
    room = RoomFactory(name="Salle d'origine")  # no saver writes this name back

    def save(n: int) -> str:
        mine = Room.objects.get(pk=room.pk)
        try:
            with transaction.atomic():
                claim_version(mine, 0)
                mine.name = f"Salle {n}"
                mine.save()
                time.sleep(0.05)  # keep the row locked while the others try
        except StaleEdit:
            return "refused"
        return "won"

    outcomes = run_concurrently(SAVERS, save)
    assert sorted(map(str, outcomes)) == ["refused"] * (SAVERS - 1) + ["won"]
    saved = Room.objects.get(pk=room.pk)
    assert saved.version == 1 and saved.name != "Salle d'origine"


# Dates typed in forms


@pytest.mark.parametrize("typed", ["0001-01-01", "1899-12-31", "2101-01-01", "9999-12-31"])
def test_a_date_out_of_bounds_is_a_form_error(typed):
    with pytest.raises(forms.ValidationError) as error:
        BoundedDateField().clean(typed)
    assert error.value.code == "year_out_of_bounds"


@pytest.mark.parametrize("typed", ["0001-01-01T00:00", "0001-01-01 00:00", "9999-12-31T23:59"])
def test_a_date_and_time_out_of_bounds_is_a_form_error(typed, settings):
    with pytest.raises(forms.ValidationError) as error:
        BoundedDateTimeField().clean(typed)
    assert error.value.code == "year_out_of_bounds"


def test_dates_within_bounds_are_accepted():
    assert BoundedDateField().clean("2026-09-01").year == 2026
    assert BoundedDateTimeField().clean("2026-09-01T08:00").year == 2026


def _form_classes() -> list[type[forms.BaseForm]]:
    for config in apps.get_app_configs():
        if config.name.startswith("romsie.") and importlib.util.find_spec(f"{config.name}.forms"):
            importlib.import_module(f"{config.name}.forms")
    found: list[type[forms.BaseForm]] = []
    pending: list[type] = [forms.BaseForm]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.__module__.startswith("romsie.") and ".tests" not in cls.__module__:
            found.append(cls)
    return found


def test_every_date_field_of_the_projects_forms_is_bounded():
    """A plain ``DateField`` lets "0001-01-01" through to an overflow (a 500): use the bounded ones."""
    plain = [
        f"{cls.__module__}.{cls.__qualname__}.{name}"
        for cls in _form_classes()
        for name, field in getattr(cls, "base_fields", {}).items()
        if isinstance(field, forms.DateField | forms.DateTimeField)
        and not isinstance(field, BoundedDateField | BoundedDateTimeField)
    ]
    assert plain == []
