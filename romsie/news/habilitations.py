"""Rights of the news service: reading, publishing news and must-read notices, pinning notes."""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from romsie.core.access.catalogue import HabilitationSpec
from romsie.core.access.profiles import STAFF as STAFF_PROFILES
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
        EVERYONE - {"partner"},
        adjustable=frozenset({"partner"}),
    ),
    HabilitationSpec(
        NewsHabilitation.PUBLISH,
        _("Publish news and must-read notices to the whole establishment, roles or any class"),
        frozenset({"staff.head", "staff.school_life", "staff.digital_lead", "staff.office"}),
        adjustable=frozenset({"staff.school_life", "staff.office", "staff.librarian", "staff.after_school", "teacher"}),
    ),
    HabilitationSpec(
        NewsHabilitation.PUBLISH_CLASS,
        _("Publish news and must-read notices to the classes one teaches"),
        frozenset({"teacher"}),
        adjustable=frozenset({"teacher"}),
    ),
    HabilitationSpec(
        NewsHabilitation.PIN_NOTES,
        _("Pin sticky notes on the dashboards of one's classes and their students"),
        STAFF | {"teacher"},
        adjustable=frozenset({"teacher", "staff.librarian", "staff.after_school"}),
    ),
    HabilitationSpec(
        NewsHabilitation.PIN_NOTES_EVERYWHERE,
        _("Pin sticky notes on the dashboard of any class or person of the establishment"),
        STAFF,
        adjustable=frozenset({"teacher", "staff.librarian", "staff.after_school"}),
    ),
]
