"""Rights of activity registration: online forms, clubs, trips, after-school care, consents."""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from romsie.core.access.catalogue import HabilitationSpec
from romsie.core.access.profiles import EVERYONE, STAFF, Profile


class RegistrationsHabilitation(StrEnum):
    VIEW = "registrations.view"
    BROWSE = "registrations.browse"
    REGISTER = "registrations.register"
    ORGANISE = "registrations.organise"
    REVIEW_DOCUMENTS = "registrations.review_documents"


SPECS = [
    HabilitationSpec(
        RegistrationsHabilitation.VIEW,
        _("Open activity registration (a partner: the activities they run)"),
        EVERYONE,
    ),
    HabilitationSpec(
        RegistrationsHabilitation.BROWSE,
        _("See every activity and form the establishment publishes"),
        EVERYONE - {Profile.PARTNER},
    ),
    HabilitationSpec(
        RegistrationsHabilitation.REGISTER,
        _("Register one's children to activities and sign the consents"),
        frozenset({Profile.PARENT}),
    ),
    HabilitationSpec(
        RegistrationsHabilitation.ORGANISE,
        _("Publish activities and forms, see every registration, remind families, export lists"),
        frozenset({Profile.STAFF_HEAD, Profile.STAFF_OFFICE, Profile.STAFF_AFTER_SCHOOL}),
        adjustable=STAFF - {Profile.STAFF_HEAD, Profile.STAFF_OFFICE, Profile.STAFF_AFTER_SCHOOL} | {Profile.TEACHER},
    ),
    HabilitationSpec(
        RegistrationsHabilitation.REVIEW_DOCUMENTS,
        _("Accept or refuse the documents families provide for registrations"),
        frozenset({Profile.STAFF_OFFICE}),
        adjustable=frozenset({Profile.STAFF_HEAD, Profile.STAFF_AFTER_SCHOOL}),
    ),
]
