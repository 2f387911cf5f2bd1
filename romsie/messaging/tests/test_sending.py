"""Sending: group resolution at send time, one insert whatever the audience, notification."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from romsie.core.errors import ApplicationError
from romsie.core.testing import factories as f
from romsie.core.testing.world import World
from romsie.core.text import fold
from romsie.identity.models import Guardianship, Role, RoleAssignment, User
from romsie.messaging import access, services
from romsie.messaging.models import Delivery, ListMembership, MailingList
from romsie.notifications.models import Notification
from romsie.schooling.models import Enrollment, GroupMembership

from .helpers import scope_of, send


def fill_class(world: World, size: int, tag: str) -> Any:
    """Create a class of ``size`` students, each with one guardian (bulk writes)."""
    est = world.a.establishment
    school_class = f.SchoolClassFactory(establishment=est, name=f"4e {tag}", code=f"4{tag}")
    students = [User(username=f"s.{tag}.{n}", last_name=f"S{n}", search_name=fold(f"s{n}")) for n in range(size)]
    parents = [User(username=f"p.{tag}.{n}", last_name=f"P{n}", search_name=fold(f"p{n}")) for n in range(size)]
    User.objects.bulk_create(students + parents)
    RoleAssignment.objects.bulk_create(
        [RoleAssignment(establishment=est, user=s, role=Role.STUDENT) for s in students]
        + [RoleAssignment(establishment=est, user=p, role=Role.PARENT) for p in parents]
    )
    Enrollment.objects.bulk_create(
        Enrollment(establishment=est, school_class=school_class, student=s) for s in students
    )
    Guardianship.objects.bulk_create(
        Guardianship(establishment=est, guardian=p, student=s) for s, p in zip(students, parents, strict=True)
    )
    return school_class


def resolve(world: World, token: str) -> set[int]:
    return set(access.group_members(world.a.establishment.pk, token).values_list("pk", flat=True))


def test_groups_are_resolved_at_send_time(mworld: World) -> None:
    a = mworld.a
    group = f.TeachingGroupFactory(establishment=a.establishment, name="Latin", code="LAT")
    group.school_classes.add(a.school_class)

    GroupMembership.objects.create(establishment=a.establishment, teaching_group=group, student=a.student2)
    a.school_class.homeroom_teacher = a.head
    a.school_class.save()
    mailing_list = MailingList.objects.create(establishment=a.establishment, name="CA")
    ListMembership.objects.create(establishment=a.establishment, mailing_list=mailing_list, user=a.office)

    assert resolve(mworld, f"class:{a.school_class.pk}") == {a.student.pk}
    assert resolve(mworld, f"class-guardians:{a.school_class.pk}") == {a.parent.pk}
    assert resolve(mworld, f"class-teachers:{a.school_class.pk}") == {a.teacher.pk, a.head.pk}
    assert resolve(mworld, f"group:{group.pk}") == {a.student2.pk}
    staff = {
        a.people[r].pk
        for r in ("teacher", "head", "school_life", "librarian", "office", "after_school", "digital_lead")
    }
    assert resolve(mworld, "staff:all") == staff
    assert resolve(mworld, f"list:{mailing_list.pk}") == {a.office.pk}
    # Another establishment's class resolves to nobody from here.
    assert resolve(mworld, f"class:{mworld.c.school_class.pk}") == set()

    # A guardian added after the draft was written still receives the message at send time.
    late = f.person(a.establishment, Role.PARENT, username="late.parent")
    Guardianship.objects.create(establishment=a.establishment, guardian=late, student=a.student)
    message = send(a.teacher, [f"class-guardians:{a.school_class.pk}"])
    assert set(Delivery.objects.filter(message=message, folder="inbox").values_list("recipient_id", flat=True)) == {
        a.parent.pk,
        late.pk,
    }
    assert message.recipient_count == 2
    assert message.recipient_labels == [["class-guardians", a.school_class.name]]


def test_inactive_people_and_the_sender_receive_nothing(mworld: World) -> None:
    a = mworld.a
    RoleAssignment.objects.filter(user=a.parent).update(is_active=False)
    message = send(a.head, [f"class-guardians:{a.school_class.pk}", "staff:all"])
    received = set(Delivery.objects.filter(message=message, folder="inbox").values_list("recipient_id", flat=True))
    assert a.parent.pk not in received and a.head.pk not in received and a.teacher.pk in received


def _send_queries(world: World, school_class: Any) -> tuple[int, int]:
    from django.core.cache import cache

    scope = scope_of(world.a.teacher)
    cache.clear()  # both sends read the messaging switch from the database
    with CaptureQueriesContext(connection) as queries:
        message = services.message_save(
            scope=scope, subject="Sortie", body="Bonjour", tokens=[f"class-guardians:{school_class.pk}"], send=True
        )
    return len(queries), message.recipient_count


def test_fan_out_costs_the_same_queries_for_5_and_1500_recipients(mworld: World) -> None:
    small, large = fill_class(mworld, 5, "S"), fill_class(mworld, 1500, "L")
    small_queries, small_count = _send_queries(mworld, small)
    large_queries, large_count = _send_queries(mworld, large)
    assert (small_count, large_count) == (5, 1500)
    assert Delivery.objects.filter(folder="inbox").count() == 1505
    # 13, of which two for the hourly limit: the sender's row locked, then the hour's recipients counted,
    # and one for the groups of the sender's address book (the groups one may write to).
    assert small_queries == large_queries == 13


def test_recipients_are_notified_in_bulk_after_commit(mworld: World, django_capture_on_commit_callbacks: Any) -> None:
    a = mworld.a
    with django_capture_on_commit_callbacks(execute=True):
        message = send(a.teacher, [f"class-guardians:{a.school_class.pk}", f"user:{a.head.pk}"], subject="Réunion")
    notes = Notification.objects.filter(kind="messaging.message")
    assert set(notes.values_list("recipient_id", flat=True)) == {a.parent.pk, a.head.pk}
    assert notes.first().url == f"/messagerie/messages/{message.pk}/"  # type: ignore[union-attr]
    assert notes.first().params["subject"] == "Réunion"  # type: ignore[union-attr]


@pytest.mark.parametrize("role", ["student", "parent"])
def test_families_cannot_send_to_groups_even_by_forging(mworld: World, role: str) -> None:
    a = mworld.a
    with pytest.raises(ApplicationError):
        send(a.people[role], [f"class:{a.school_class.pk}"])
    assert not Delivery.objects.exists()
