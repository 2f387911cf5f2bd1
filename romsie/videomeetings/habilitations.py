"""Rights of the video meetings."""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from romsie.core.access.catalogue import HabilitationSpec
from romsie.core.access.profiles import EVERYONE, STAFF, Profile


class VideoMeetingsHabilitation(StrEnum):
    JOIN = "videomeetings.join"
    ORGANISE = "videomeetings.organise"


SPECS = [
    HabilitationSpec(
        VideoMeetingsHabilitation.JOIN,
        _("See and join the video meetings one is invited to"),
        EVERYONE - {Profile.PARTNER},
        adjustable=frozenset({Profile.PARTNER}),
    ),
    HabilitationSpec(
        VideoMeetingsHabilitation.ORGANISE,
        _("Schedule video meetings for one's classes, appointments or people one chooses"),
        frozenset({Profile.TEACHER, Profile.STAFF_HEAD}),
        adjustable=STAFF - {Profile.STAFF_HEAD},
    ),
]
