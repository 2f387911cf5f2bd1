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

        from . import early_warning, habilitations, services, timetable_hooks, widgets_family

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
                text=_("%(student)s was marked absent %(when)s. %(what)s"),
                format_params=services.absence_params,
                urgent=True,
            )
        )
        register_kind(
            NotificationKind(
                key="attendance.lateness",
                label=_("Lateness of a child (or of oneself)"),
                text=_("%(student)s arrived %(minutes)s minutes late %(when)s. %(what)s"),
                format_params=services.absence_params,
                urgent=True,
            )
        )
        register_kind(
            NotificationKind(
                key="attendance.justification_reviewed",
                label=_("Review of a justification of absence or lateness"),
                text=_("%(student)s: the justification of the %(what)s of %(date)s was %(decision)s. %(comment)s"),
                format_params=services.reviewed_params,
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
                format_params=early_warning.threshold_params,
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
        registry.register_widget(widgets_family.RECORD_WIDGET)
        registry.register_widget(widgets_family.REVIEW_WIDGET)
        _connect_record_signals()


def _connect_record_signals() -> None:
    """A saved or deleted absence, lateness, exemption or sanction refreshes the student's cached widget.

    Bulk writes send no signal: their services call ``services.record_changed`` (``notify_families`` does).
    """
    from django.db.models.signals import post_delete, post_save

    from . import models, services

    def changed(
        sender: type, instance: models.Absence | models.Lateness | models.Exemption | models.Sanction, **kwargs: object
    ) -> None:
        services.record_changed([instance.student_id])

    for model in (models.Absence, models.Lateness, models.Exemption, models.Sanction):
        name = model.__name__
        post_save.connect(changed, sender=model, dispatch_uid=f"attendance-record-{name}-save", weak=False)
        post_delete.connect(changed, sender=model, dispatch_uid=f"attendance-record-{name}-delete", weak=False)
