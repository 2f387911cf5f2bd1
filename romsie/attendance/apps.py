from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AttendanceConfig(AppConfig):
    """School life: roll call, absences and lateness, justifications, incidents and sanctions."""

    name = "romsie.attendance"
    verbose_name = _("School life")

    def ready(self) -> None:
        from romsie.core import registry
        from romsie.core.access import catalogue
        from romsie.notifications.kinds import NotificationKind, register_kind
        from romsie.timetable import registry as timetable_registry

        from . import habilitations, services, timetable_hooks

        catalogue.register(habilitations.SPECS)
        registry.register_service(
            registry.Service(
                key="attendance",
                label=_("School life"),
                url_name="attendance:home",
                habilitation=habilitations.AttendanceHabilitation.VIEW,
                description=_("Roll call, absences and lateness, justifications, incidents and sanctions"),
                order=27,
            )
        )
        register_kind(
            NotificationKind(
                key="attendance.absence",
                label=_("Absence of a child (or of oneself)"),
                text=_("%(student)s was marked absent on %(date)s at %(time)s. %(what)s"),
                format_params=services.absence_params,
                urgent=True,
            )
        )
        register_kind(
            NotificationKind(
                key="attendance.lateness",
                label=_("Lateness of a child (or of oneself)"),
                text=_("%(student)s arrived %(minutes)s minutes late on %(date)s at %(time)s. %(what)s"),
                format_params=services.absence_params,
                urgent=True,
            )
        )
        register_kind(
            NotificationKind(
                key="attendance.roll_call_reminder",
                label=_("Reminder of a roll call not made"),
                text=_("School life reminds you to call the roll of %(sessions)s on %(date)s."),
                format_params=services.reminder_params,
            )
        )
        timetable_registry.register_session_panel(
            timetable_hooks.session_panel,
            service="attendance",
            habilitation=habilitations.AttendanceHabilitation.VIEW,
            css=("attendance/attendance.css",),
        )
