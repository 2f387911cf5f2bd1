"""Sign-in records are kept one year at most; leavers are deleted three months after leaving."""

from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from romsie.core.models import AuditEvent
from romsie.identity.models import ConnectionLog, Guardianship, User
from romsie.identity.services import leavers_purge


def test_sign_ins_older_than_a_year_are_purged(world):
    old = ConnectionLog.objects.create(user=world.a.teacher, establishment=world.a.establishment)
    recent = ConnectionLog.objects.create(user=world.a.teacher, establishment=world.a.establishment)
    ConnectionLog.objects.filter(pk=old.pk).update(at=timezone.now() - timedelta(days=366))
    ConnectionLog.objects.filter(pk=recent.pk).update(at=timezone.now() - timedelta(days=364))
    call_command("purge_connection_logs")
    assert list(ConnectionLog.objects.values_list("pk", flat=True)) == [recent.pk]


def test_a_person_deactivated_by_hand_is_due_for_deletion_three_months_later(world, client_for):
    student = world.a.student
    client_for(world.a.head).post(reverse("administration:person-deactivate", kwargs={"pk": student.pk}))
    student.refresh_from_db()
    assert not student.is_active
    assert student.deactivated_at is not None
    assert student.deletion_due_on == timezone.localdate() + timedelta(days=92)

    client_for(world.a.head).post(reverse("administration:person-reactivate", kwargs={"pk": student.pk}))
    student.refresh_from_db()
    assert student.is_active
    assert (student.deactivated_at, student.deletion_due_on) == (None, None)


def test_leavers_are_deleted_once_their_deletion_date_has_come(world):
    today = timezone.localdate()
    due = world.a.student2
    not_yet = world.a.student
    User.objects.filter(pk=due.pk).update(is_active=False, deletion_due_on=today)
    User.objects.filter(pk=not_yet.pk).update(is_active=False, deletion_due_on=today + timedelta(days=1))
    # An account reactivated by hand keeps nothing due, even with a stale date.
    User.objects.filter(pk=world.a.teacher.pk).update(deletion_due_on=today - timedelta(days=5))
    out = StringIO()

    call_command("purge_leavers", stdout=out)

    assert "1 accounts deleted" in out.getvalue()
    assert not User.objects.filter(pk=due.pk).exists()
    assert not Guardianship.objects.filter(student_id=due.pk).exists()
    assert User.objects.filter(pk__in=[not_yet.pk, world.a.teacher.pk]).count() == 2
    event = AuditEvent.objects.get(action="identity.leavers_purged")
    assert event.details == {"count": "1"}
    assert leavers_purge() == 0  # nothing left to delete: idempotent
