"""Rights of the communities service: taking part in the communities one belongs to, creating one."""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from romsie.core.access.catalogue import HabilitationSpec
from romsie.core.access.profiles import EVERYONE, STAFF_AND_TEACHERS, Profile


class CommunitiesHabilitation(StrEnum):
    USE = "communities.use"
    CREATE = "communities.create"


SPECS = [
    HabilitationSpec(
        CommunitiesHabilitation.USE,
        _("Take part in the communities one belongs to (wall, wiki, members), accept invitations"),
        EVERYONE,
        adjustable=frozenset({Profile.STUDENT, Profile.PARENT, Profile.PARTNER}),
    ),
    HabilitationSpec(
        CommunitiesHabilitation.CREATE,
        _("Create communities (one becomes their owner)"),
        STAFF_AND_TEACHERS,
        adjustable=frozenset({Profile.PARTNER, Profile.STAFF_AFTER_SCHOOL, Profile.STAFF_LIBRARIAN}),
    ),
]
