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

        from . import habilitations, services

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
                key="attendance.threshold_reached",
                label=_("A student reached an absence alert threshold"),
                text=_(
                    "%(student)s has %(half_days)s unjustified half-days of absence in %(month)s "
                    "(alert at %(threshold)s)."
                ),
                format_params=services.threshold_params,
            )
        )
        register_kind(
            NotificationKind(
                key="attendance.sanction",
                label=_("A punishment or sanction given to a child (or to oneself)"),
                text=_("%(student)s was given a measure: %(kind)s, on %(date)s."),
                format_params=services.sanction_params,
            )
        )
