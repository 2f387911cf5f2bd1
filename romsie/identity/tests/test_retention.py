"""Sign-in records are kept one year at most."""

from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone

from romsie.identity.models import ConnectionLog


def test_sign_ins_older_than_a_year_are_purged(world):
    old = ConnectionLog.objects.create(user=world.a.teacher, establishment=world.a.establishment)
    recent = ConnectionLog.objects.create(user=world.a.teacher, establishment=world.a.establishment)
    ConnectionLog.objects.filter(pk=old.pk).update(at=timezone.now() - timedelta(days=366))
    ConnectionLog.objects.filter(pk=recent.pk).update(at=timezone.now() - timedelta(days=364))
    call_command("purge_connection_logs")
    assert list(ConnectionLog.objects.values_list("pk", flat=True)) == [recent.pk]
