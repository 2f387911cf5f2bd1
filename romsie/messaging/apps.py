from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    """Internal messaging: messages, threads, folders, mailing lists, who may write to whom."""

    name = "romsie.messaging"
    verbose_name = _("Messaging")

    def ready(self) -> None:
        from romsie.core import registry
        from romsie.core.access import catalogue
        from romsie.notifications.kinds import NotificationKind, register_kind

        from . import habilitations, widgets

        catalogue.register(habilitations.SPECS)
        registry.register_widget(widgets.MESSAGES_WIDGET)
        registry.register_widget(widgets.TERRITORY_WIDGET)
        registry.register_service(
            registry.Service(
                key="messaging",
                label=_("Messaging"),
                url_name="messaging:inbox",
                habilitation=habilitations.MessagingHabilitation.USE,
                description=_("Write to teachers, families and staff; lists and folders"),
                order=20,
            )
        )
        register_kind(
            NotificationKind(
                key="messaging.message",
                label=_("New message"),
                text=_("%(sender)s wrote to you: %(subject)s"),
            )
        )
        register_kind(
            NotificationKind(
                key="messaging.report",
                label=_("Reported message"),
                text=_("A message was reported: %(subject)s"),
            )
        )
