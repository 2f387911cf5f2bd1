"""Two people change one mailing list at once: the later save is refused, not silently overwriting."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from romsie.core.testing.editing import page_text, race_on_form
from romsie.core.testing.world import World
from romsie.messaging.models import MailingList


def test_a_stale_list_edit_is_refused_and_the_typed_description_kept(mworld: World, client_for: Any) -> None:
    a = mworld.a
    mailing_list = MailingList.objects.create(establishment=a.establishment, name="Club", created_by=a.head)
    url = reverse("messaging:list-update", args=[mailing_list.pk])
    refused = race_on_form(
        url,
        first=client_for(a.head),
        second=client_for(a.people["digital_lead"]),
        first_data={"name": "Club", "description": "Le mercredi à 14 h"},
        second_data={"name": "Club", "description": "Description tapée par le second"},
    )
    text = page_text(refused)
    assert "Description tapée par le second" in text and "Le mercredi à 14 h" in text
    mailing_list.refresh_from_db()
    assert (mailing_list.description, mailing_list.version) == ("Le mercredi à 14 h", 1)
