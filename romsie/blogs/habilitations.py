"""Rights of the blogs service: reading blogs, creating class and project blogs, establishment blogs."""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from romsie.core.access.catalogue import HabilitationSpec
from romsie.core.access.profiles import EVERYONE, Profile


class BlogHabilitation(StrEnum):
    READ = "blogs.read"
    MANAGE = "blogs.manage"
    MANAGE_ESTABLISHMENT = "blogs.manage_establishment"


ESTABLISHMENT_PUBLISHERS = frozenset(
    {Profile.STAFF_HEAD, Profile.STAFF_SCHOOL_LIFE, Profile.STAFF_OFFICE, Profile.STAFF_DIGITAL_LEAD}
)

SPECS = [
    HabilitationSpec(
        BlogHabilitation.READ,
        _("Read the blogs one is a reader of, write where one is an author, comment where allowed"),
        EVERYONE,
    ),
    HabilitationSpec(
        BlogHabilitation.MANAGE,
        _("Create and moderate the blogs of the classes one teaches, and project blogs"),
        frozenset({Profile.TEACHER}),
        adjustable=frozenset({Profile.TEACHER, Profile.STAFF_LIBRARIAN, Profile.STAFF_AFTER_SCHOOL}),
    ),
    HabilitationSpec(
        BlogHabilitation.MANAGE_ESTABLISHMENT,
        _("Create and moderate the establishment's blogs and any class blog of the establishment"),
        ESTABLISHMENT_PUBLISHERS,
        adjustable=ESTABLISHMENT_PUBLISHERS | {Profile.STAFF_LIBRARIAN},
    ),
]
