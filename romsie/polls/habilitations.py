"""Rights of polls and surveys: answering those meant for one, asking one's own questions."""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from romsie.core.access.catalogue import HabilitationSpec
from romsie.core.access.profiles import EVERYONE, STAFF_AND_TEACHERS, Profile


class PollsHabilitation(StrEnum):
    ANSWER = "polls.answer"
    CREATE = "polls.create"


SPECS = [
    HabilitationSpec(
        PollsHabilitation.ANSWER,
        _("Answer the polls and surveys whose audience includes one"),
        EVERYONE - {Profile.PARTNER},
    ),
    HabilitationSpec(
        PollsHabilitation.CREATE,
        _("Create polls and surveys for an audience of the establishment, see their results, export them"),
        STAFF_AND_TEACHERS,
    ),
]
