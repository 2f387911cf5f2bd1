"""Rights of the news service: reading, publishing news and must-read notices, pinning notes."""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from romsie.core.access.catalogue import HabilitationSpec
from romsie.core.access.profiles import STAFF as STAFF_PROFILES
from romsie.core.access.profiles import Profile
from romsie.establishments.habilitations import EVERYONE

STAFF = STAFF_PROFILES


class NewsHabilitation(StrEnum):
    READ = "news.read"
    PUBLISH = "news.publish"
    PUBLISH_CLASS = "news.publish_class"
    PIN_NOTES = "news.pin_notes"
    PIN_NOTES_EVERYWHERE = "news.pin_notes_everywhere"


SPECS = [
    HabilitationSpec(
        NewsHabilitation.READ,
        _("Read the news and must-read notices addressed to oneself"),
        EVERYONE - {Profile.PARTNER},
        adjustable=frozenset({Profile.PARTNER}),
    ),
    HabilitationSpec(
        NewsHabilitation.PUBLISH,
        _("Publish news and must-read notices to the whole establishment, roles or any class"),
        frozenset({Profile.STAFF_HEAD, Profile.STAFF_SCHOOL_LIFE, Profile.STAFF_DIGITAL_LEAD, Profile.STAFF_OFFICE}),
        adjustable=frozenset(
            {
                Profile.STAFF_SCHOOL_LIFE,
                Profile.STAFF_OFFICE,
                Profile.STAFF_LIBRARIAN,
                Profile.STAFF_AFTER_SCHOOL,
                Profile.TEACHER,
            }
        ),
    ),
    HabilitationSpec(
        NewsHabilitation.PUBLISH_CLASS,
        _("Publish news and must-read notices to the classes one teaches"),
        frozenset({Profile.TEACHER}),
        adjustable=frozenset({Profile.TEACHER}),
    ),
    HabilitationSpec(
        NewsHabilitation.PIN_NOTES,
        _("Pin sticky notes on the dashboards of one's classes and their students"),
        STAFF | {Profile.TEACHER},
        adjustable=frozenset({Profile.TEACHER, Profile.STAFF_LIBRARIAN, Profile.STAFF_AFTER_SCHOOL}),
    ),
    HabilitationSpec(
        NewsHabilitation.PIN_NOTES_EVERYWHERE,
        _("Pin sticky notes on the dashboard of any class or person of the establishment"),
        STAFF,
        adjustable=frozenset({Profile.TEACHER, Profile.STAFF_LIBRARIAN, Profile.STAFF_AFTER_SCHOOL}),
    ),
]
