"""Rights of the documents service: one's own space, sharing, hand-outs, the establishment's quotas."""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from romsie.core.access.catalogue import HabilitationSpec
from romsie.core.access.profiles import EVERYONE, FAMILIES, STAFF_AND_TEACHERS, Profile


class DocumentsHabilitation(StrEnum):
    USE = "documents.use"
    SHARE = "documents.share"
    DISTRIBUTE = "documents.distribute"
    SETTINGS = "documents.settings"


SPECS = [
    HabilitationSpec(
        DocumentsHabilitation.USE,
        _("Keep one's documents in a personal space, and open what is shared with one"),
        EVERYONE,
        adjustable=EVERYONE,
    ),
    HabilitationSpec(
        DocumentsHabilitation.SHARE,
        _("Share one's documents with people, classes, groups and colleagues"),
        STAFF_AND_TEACHERS,
        adjustable=FAMILIES | {Profile.PARTNER},
    ),
    HabilitationSpec(
        DocumentsHabilitation.DISTRIBUTE,
        _("Hand documents out to a class and collect work in a hand-in folder"),
        frozenset({Profile.TEACHER}),
    ),
    HabilitationSpec(
        DocumentsHabilitation.SETTINGS,
        _("Adjust the establishment's document quotas and whether guardians see class spaces"),
        frozenset({Profile.STAFF_HEAD, Profile.STAFF_DIGITAL_LEAD}),
    ),
]
