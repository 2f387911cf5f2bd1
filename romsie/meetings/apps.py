from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    """Parent–teacher meetings: evenings, teachers' slots, guardians' bookings."""

    name = "romsie.meetings"
    verbose_name = _("Parent–teacher meetings")

    def ready(self) -> None:
        from romsie.core import registry
        from romsie.core.access import catalogue
        from romsie.notifications.kinds import NotificationKind, register_kind
        from romsie.timetable import registry as timetable_registry

        from . import feeds, habilitations, services

        catalogue.register(habilitations.SPECS)
        registry.register_service(
            registry.Service(
                key="meetings",
                label=_("Parent–teacher meetings"),
                url_name="meetings:evening-list",
                habilitation=habilitations.MeetingsHabilitation.VIEW,
                description=_("Meetings evenings: teachers' slots, booking several meetings in one go"),
                order=27,
            )
        )
        register_kind(
            NotificationKind(
                key="meetings.reminder",
                label=_("Reminder of a parent–teacher meeting"),
                text=_("Reminder: meeting on %(date)s at %(time)s with %(teacher)s about %(student)s. %(room)s"),
                format_params=services.cancelled_params,
                default_delivery="app",
            )
        )
        register_kind(
            NotificationKind(
                key="meetings.cancelled",
                label=_("A parent–teacher meeting is cancelled"),
                text=_("The meeting on %(date)s at %(time)s with %(teacher)s about %(student)s is cancelled."),
                format_params=services.cancelled_params,
            )
        )
        register_kind(
            NotificationKind(
                key="meetings.opened",
                label=_("Booking of a parent–teacher meetings evening is open"),
                text=_("%(title)s on %(date)s: you may now book your meetings with the teachers."),
                format_params=services.opened_params,
            )
        )
        timetable_registry.register_feed_source(
            feeds.feed_source, service="meetings", habilitation=habilitations.MeetingsHabilitation.VIEW
        )
