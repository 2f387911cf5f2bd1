"""Rights of the parent–teacher meetings."""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from romsie.core.access.catalogue import HabilitationSpec
from romsie.core.access.profiles import STAFF, Profile


class MeetingsHabilitation(StrEnum):
    VIEW = "meetings.view"
    BOOK = "meetings.book"
    HOST = "meetings.host"
    ORGANISE = "meetings.organise"


SPECS = [
    HabilitationSpec(
        MeetingsHabilitation.VIEW,
        _("Take part in parent–teacher meetings (see the evenings and one's appointments)"),
        frozenset({Profile.PARENT, Profile.TEACHER, Profile.STAFF_HEAD}),
        adjustable=STAFF - {Profile.STAFF_HEAD},
    ),
    HabilitationSpec(
        MeetingsHabilitation.BOOK,
        _("Book meetings with one's children's teachers"),
        frozenset({Profile.PARENT}),
    ),
    HabilitationSpec(
        MeetingsHabilitation.HOST,
        _("Publish meeting slots for the classes one teaches"),
        frozenset({Profile.TEACHER}),
    ),
    HabilitationSpec(
        MeetingsHabilitation.ORGANISE,
        _("Open and organise parent–teacher meetings evenings"),
        frozenset({Profile.STAFF_HEAD}),
        adjustable=STAFF - {Profile.STAFF_HEAD},
    ),
]
