from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PollsConfig(AppConfig):
    """Polls and surveys: quick polls, surveys of several questions, answers once, results as charts."""

    name = "romsie.polls"
    verbose_name = _("Polls and surveys")

    def ready(self) -> None:
        from romsie.core import registry
        from romsie.core.access import catalogue
        from romsie.notifications.kinds import NotificationKind, register_kind

        from . import habilitations, services, widgets

        catalogue.register(habilitations.SPECS)
        registry.register_service(
            registry.Service(
                key="polls",
                label=_("Polls and surveys"),
                url_name="polls:poll-list",
                habilitation=habilitations.PollsHabilitation.ANSWER,
                description=_("Answer the polls and surveys meant for you; ask your own questions"),
                order=47,
            )
        )
        registry.register_widget(widgets.OPEN_WIDGET)
        register_kind(
            NotificationKind(
                key="polls.new",
                label=_("A new poll or survey for me"),
                text=_("New %(kind)s: %(title)s (until %(deadline)s)."),
                default_delivery="app",
                format_params=services.new_poll_params,
            )
        )
