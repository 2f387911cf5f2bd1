"""Rights of the bookmarks: one's own bookmarks, and pushing links to the establishment's people."""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from romsie.core.access.catalogue import HabilitationSpec
from romsie.core.access.profiles import EVERYONE, STAFF, Profile


class BookmarksHabilitation(StrEnum):
    USE = "bookmarks.use"
    PUSH = "bookmarks.push"


SPECS = [
    HabilitationSpec(
        BookmarksHabilitation.USE,
        _("Keep personal bookmarks and see the links pushed to oneself"),
        EVERYONE,
        adjustable=EVERYONE,
    ),
    HabilitationSpec(
        BookmarksHabilitation.PUSH,
        _("Push bookmarks to roles or classes of the establishment"),
        frozenset({Profile.STAFF_HEAD, Profile.STAFF_DIGITAL_LEAD}),
        adjustable=STAFF | {Profile.TEACHER},
    ),
]
