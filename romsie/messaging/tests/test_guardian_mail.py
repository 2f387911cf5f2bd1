"""Class-wide mailings reach only the guardians who receive school mail (``Guardianship.receives_mail``)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from romsie.core.testing import factories as f
from romsie.core.testing.world import World
from romsie.identity.models import Role
from romsie.messaging.models import Delivery

from .helpers import send


def test_a_guardian_who_receives_no_school_mail_gets_no_class_mailing(mworld: World, client_for: Any) -> None:
    a = mworld.a
    quiet = f.person(a.establishment, Role.PARENT, username="quiet.a", last_name="Sanscourrier")
    f.GuardianshipFactory(establishment=a.establishment, guardian=quiet, student=a.student, receives_mail=False)
    mailing = send(a.teacher, [f"class-guardians:{a.school_class.pk}"], subject="Sortie au musée")
    reached = set(Delivery.objects.filter(message=mailing, folder="inbox").values_list("recipient_id", flat=True))
    assert reached == {a.parent.pk}
    assert mailing.recipient_count == 1
    # Written to in person, they receive it, and may answer.
    direct = send(a.teacher, [f"user:{quiet.pk}"], subject="Rendez-vous")
    assert Delivery.objects.filter(message=direct, recipient=quiet, folder="inbox").exists()
    response = client_for(quiet).post(
        reverse("messaging:compose"),
        {"reply": direct.pk, "subject": "Re: Rendez-vous", "body": "D'accord", "recipients": [f"user:{a.teacher.pk}"]},
    )
    assert response.status_code == 302
    assert Delivery.objects.filter(recipient=a.teacher, message__sender=quiet, folder="inbox").exists()
