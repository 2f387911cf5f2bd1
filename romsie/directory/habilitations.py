"""Rights of the directory (annuaire)."""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from romsie.core.access.catalogue import HabilitationSpec
from romsie.core.access.profiles import FAMILIES, STAFF_AND_TEACHERS, Profile


class DirectoryHabilitation(StrEnum):
    SEARCH = "directory.search"
    VIEW_EVERYONE = "directory.view_everyone"
    VIEW_CLASS_LISTS = "directory.view_class_lists"


SPECS = [
    HabilitationSpec(
        DirectoryHabilitation.SEARCH,
        _("Search the directory (within what the role may see)"),
        FAMILIES | STAFF_AND_TEACHERS,
        adjustable=frozenset({Profile.STUDENT, Profile.PARENT, Profile.PARTNER}),
    ),
    HabilitationSpec(
        DirectoryHabilitation.VIEW_EVERYONE,
        _("See everyone in the establishment in the directory"),
        STAFF_AND_TEACHERS,
        adjustable=frozenset({Profile.STAFF_AFTER_SCHOOL, Profile.STAFF_LIBRARIAN}),
    ),
    HabilitationSpec(
        DirectoryHabilitation.VIEW_CLASS_LISTS,
        _("See the list of every class"),
        STAFF_AND_TEACHERS,
        adjustable=frozenset({Profile.STAFF_AFTER_SCHOOL}),
    ),
]
