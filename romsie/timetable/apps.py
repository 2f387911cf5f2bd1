from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TimetableConfig(AppConfig):
    """The school calendar, weekly lessons, dated sessions and their changes, calendar feeds."""

    name = "romsie.timetable"
    verbose_name = _("Timetable")

    def ready(self) -> None:
        from romsie.core import registry
        from romsie.core.access import catalogue
        from romsie.notifications.kinds import NotificationKind, register_kind

        from . import habilitations, services, widgets

        catalogue.register(habilitations.SPECS)
        registry.register_service(
            registry.Service(
                key="timetable",
                label=_("Timetable"),
                url_name="timetable:week",
                habilitation=habilitations.TimetableHabilitation.VIEW,
                description=_("Your week of lessons, with cancellations and changes"),
                order=20,
            )
        )
        register_kind(
            NotificationKind(
                key="timetable.session_cancelled",
                label=_("A lesson is cancelled"),
                text=_("%(subject)s of %(date)s is cancelled. %(details)s"),
                format_params=services.session_notification_params,
            )
        )
        register_kind(
            NotificationKind(
                key="timetable.session_changed",
                label=_("A lesson is moved, changes room or has a substitute teacher"),
                text=_("%(subject)s of %(date)s is changed: %(details)s"),
                format_params=services.session_notification_params,
            )
        )
        widgets.register()
