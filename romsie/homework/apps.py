from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeworkConfig(AppConfig):
    """The homework log (cahier de textes), homework to do and assignments handed in."""

    name = "romsie.homework"
    verbose_name = _("Homework log")

    def ready(self) -> None:
        from romsie.core import registry
        from romsie.core.access import catalogue
        from romsie.notifications.kinds import NotificationKind, register_kind
        from romsie.timetable import registry as timetable_registry

        from . import habilitations, services, timetable_hooks, widgets

        catalogue.register(habilitations.SPECS)
        registry.register_service(
            registry.Service(
                key="homework",
                label=_("Homework"),
                url_name="homework:home",
                habilitation=habilitations.HomeworkHabilitation.VIEW,
                description=_("The homework log of each class, homework to do, work to hand in"),
                order=25,
            )
        )
        registry.register_widget(widgets.DUE_WIDGET)
        register_kind(
            NotificationKind(
                key="homework.entry_published",
                label=_("New entry in the homework log"),
                text=_("%(subject)s: the homework log of %(date)s is online. %(details)s"),
                format_params=services.entry_published_params,
                default_delivery="app",
            )
        )
        register_kind(
            NotificationKind(
                key="homework.work_returned",
                label=_("Work handed in is returned with feedback"),
                text=_("%(subject)s: the work %(student)s handed in for %(due)s is returned with feedback."),
                format_params=services.work_returned_params,
            )
        )
        view = habilitations.HomeworkHabilitation.VIEW
        timetable_registry.register_session_panel(
            timetable_hooks.session_panel, service="homework", habilitation=view, css=("homework/homework.css",)
        )
        timetable_registry.register_week_marker(timetable_hooks.week_marker, service="homework", habilitation=view)
        timetable_registry.register_feed_source(timetable_hooks.feed_source, service="homework", habilitation=view)
