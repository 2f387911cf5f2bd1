"""Rights of the address book: keeping one's own contacts and groups."""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from romsie.core.access.catalogue import HabilitationSpec
from romsie.core.access.profiles import EVERYONE


class ContactsHabilitation(StrEnum):
    USE = "contacts.use"


SPECS = [
    HabilitationSpec(
        ContactsHabilitation.USE,
        _("Keep a personal address book (contacts and groups)"),
        EVERYONE,
        adjustable=EVERYONE,
    ),
]
