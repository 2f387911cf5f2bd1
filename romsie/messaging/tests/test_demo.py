"""The demo content follows the same rules and lands in the right mailboxes."""

from __future__ import annotations

from romsie.core.testing.world import World
from romsie.messaging import demo
from romsie.messaging.models import Delivery, MailingList, Message
from romsie.notifications.models import Notification


def test_demo_populates_threads_lists_and_notifications(mworld: World) -> None:
    a = mworld.a
    sent = demo.populate([a.establishment.pk])
    assert sent == 5 == Message.objects.filter(establishment=a.establishment).count()
    assert Delivery.objects.filter(recipient=a.parent, folder="inbox").exists()
    reply = Message.objects.get(sender=a.parent)
    assert reply.thread_root is not None and reply.thread_root.sender == a.teacher
    assert MailingList.objects.filter(establishment=a.establishment, name="Club théâtre").exists()
    assert Notification.objects.filter(kind="messaging.message", recipient=a.parent).exists()
    assert demo.populate(territory=mworld.south) == 5
    assert Message.objects.filter(establishment=mworld.c.establishment).count() == 5
