from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgendaConfig(AppConfig):
    """Agendas: personal, class and establishment events, invitations, reminders, CalDAV."""

    name = "romsie.agenda"
    verbose_name = _("Agenda")

    def ready(self) -> None:
        from romsie.core import registry
        from romsie.core.access import catalogue
        from romsie.notifications.kinds import NotificationKind, register_kind
        from romsie.timetable import registry as timetable_registry

        from . import feeds, habilitations, services, widgets

        catalogue.register(habilitations.SPECS)
        registry.register_service(
            registry.Service(
                key="agenda",
                label=_("Agenda"),
                url_name="agenda:week",
                habilitation=habilitations.AgendaHabilitation.VIEW,
                description=_("Your agenda, your classes' and the establishment's events, invitations"),
                order=22,
            )
        )
        registry.register_widget(widgets.NEXT_EVENTS_WIDGET)
        register_kind(
            NotificationKind(
                key="agenda.invited",
                label=_("Invitation to an event"),
                text=_("%(organiser)s invites you to “%(title)s” on %(when)s."),
                format_params=services.event_params,
                default_delivery="app",
            )
        )
        register_kind(
            NotificationKind(
                key="agenda.reminder",
                label=_("Reminder of an event"),
                text=_("Reminder: “%(title)s” on %(when)s."),
                format_params=services.event_params,
                default_delivery="app",
            )
        )
        timetable_registry.register_feed_source(
            feeds.feed_source, service="agenda", habilitation=habilitations.AgendaHabilitation.VIEW
        )
