"""The documents' demo content: personal files, class spaces with hand-outs, the team space, shares."""

from __future__ import annotations

import pytest

from romsie.core.testing.factories import scope_of
from romsie.documents import access, demo
from romsie.documents.models import Collection, Node, Share, Space
from romsie.identity.models import RoleAssignment

from .matrix import enable


@pytest.fixture(autouse=True)
def _on(world, english):
    enable(world.a)


def test_the_demo_fills_every_space_and_hands_out_in_every_class(world):
    assert demo.populate([world.a.establishment.pk]) > 0
    people = set(RoleAssignment.objects.filter(establishment=world.a.establishment).values_list("user_id", flat=True))
    personal = Space.objects.filter(kind=Space.Kind.PERSONAL, owner_id__in=people)
    assert personal.count() == len(people)
    assert all(Node.objects.filter(parent=space.root, is_folder=False).count() >= 3 for space in personal)
    assert all(space.used_bytes > 0 for space in Space.objects.filter(kind=Space.Kind.PERSONAL, owner_id__in=people))
    assert Space.objects.filter(establishment=world.a.establishment, kind=Space.Kind.CLASS).count() == 2
    team = Space.objects.get(establishment=world.a.establishment, kind=Space.Kind.TEAM)
    assert Node.objects.filter(parent=team.root).exists()
    received = Node.objects.get(space__owner=world.a.student, is_read_only=True)
    assert received.parent.name == "Received" and received.origin is not None
    assert access.find_node(scope_of(world.a.student), received.pk) is not None
    assert Share.objects.filter(kind=Share.Kind.CLASS_STUDENTS, school_class=world.a.school_class).exists()
    assert Collection.objects.filter(establishment=world.a.establishment).count() == 1
    # the stored bytes are real files
    blob = received.current.blob
    with blob.file.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"


def test_the_demo_writes_nothing_where_the_service_is_off(world):
    world.b.establishment.enabled_services = ["news"]
    world.b.establishment.save(update_fields=["enabled_services"])
    assert demo.populate([world.b.establishment.pk]) == 0
    assert not Space.objects.filter(establishment=world.b.establishment).exists()
