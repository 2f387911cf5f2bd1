"""Rights of the agendas."""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from romsie.core.access.catalogue import HabilitationSpec
from romsie.core.access.profiles import EVERYONE, Profile
from romsie.core.access.profiles import STAFF as STAFF_PROFILES


class AgendaHabilitation(StrEnum):
    VIEW = "agenda.view"
    PUBLISH = "agenda.publish"
    PUBLISH_CLASS = "agenda.publish_class"


SPECS = [
    HabilitationSpec(
        AgendaHabilitation.VIEW,
        _("Keep a personal agenda and see the events of the establishment and classes meant for oneself"),
        EVERYONE - {Profile.PARTNER},
        adjustable=frozenset({Profile.PARTNER}),
    ),
    HabilitationSpec(
        AgendaHabilitation.PUBLISH,
        _("Publish events in the establishment's and any class's agenda"),
        frozenset({Profile.STAFF_HEAD, Profile.STAFF_SCHOOL_LIFE, Profile.STAFF_OFFICE}),
        adjustable=STAFF_PROFILES - {Profile.STAFF_HEAD, Profile.STAFF_SCHOOL_LIFE, Profile.STAFF_OFFICE},
    ),
    HabilitationSpec(
        AgendaHabilitation.PUBLISH_CLASS,
        _("Publish events in the agenda of the classes one teaches"),
        frozenset({Profile.TEACHER}),
    ),
]
